"""Deploying Mule applications to CloudHub with the delegated token (``/deploy``): the
blueprint ``bp`` of :mod:`.views` (environment, list, deploy form), :mod:`.application` (one
application's page and actions) and :mod:`.logs` (its deployments and their logs)."""

from . import application, logs  # noqa: F401  (their views are routes of bp)
from .views import bp

__all__ = ["bp"]
