"""The declarative base of every sandbox table, and the two ways the sandbox makes values.

Times are integer epoch seconds (``now()``, the sandbox's clock), except the audit timestamp,
which is epoch milliseconds like Anypoint's audit log. Ids are UUID strings like Anypoint's.

Every ``Mapped[int]`` is a 64-bit integer: PostgreSQL's INTEGER stops at 2**31 - 1, which epoch
milliseconds (and an id a client makes up) pass. SQLite keeps INTEGER, whose values are 64 bits
anyway and whose INTEGER PRIMARY KEY is the one that numbers rows by itself.
"""

import uuid

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import DeclarativeBase

from ..clock import now

__all__ = ["APPS_ID", "Base", "new_id", "now"]

APPS_ID = "connected_apps.client_id"


class Base(DeclarativeBase):
    """Declarative base of every sandbox table."""

    type_annotation_map = {int: BigInteger().with_variant(Integer, "sqlite")}


def new_id() -> str:
    return str(uuid.uuid4())
