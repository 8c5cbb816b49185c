"""The declarative base of every sandbox table, and the two ways the sandbox makes values.

Times are integer epoch seconds (``now()``, the sandbox's clock), except the audit timestamp,
which is epoch milliseconds like Anypoint's audit log. Ids are UUID strings like Anypoint's.
"""

import uuid

from sqlalchemy.orm import DeclarativeBase

from ..clock import now

__all__ = ["APPS_ID", "Base", "new_id", "now"]

APPS_ID = "connected_apps.client_id"


class Base(DeclarativeBase):
    """Declarative base of every sandbox table."""


def new_id() -> str:
    return str(uuid.uuid4())
