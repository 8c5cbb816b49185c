"""``flask --app app deploy``: the pipeline's deployment command (no web app)."""

from .command import deploy

__all__ = ["deploy"]
