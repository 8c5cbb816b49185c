"""Deploying Mule applications to CloudHub with the delegated token (``/deploy``): the
blueprint ``bp`` of :mod:`.views` (environment, list, deploy form) and :mod:`.application` (one
application's page and actions)."""

from . import application  # noqa: F401  (its views are routes of bp)
from .views import bp

__all__ = ["bp"]
