"""The declarative base of every sandbox table, and the two ways the sandbox makes values.

Times are integer epoch seconds (``now()``), except the audit timestamp, which is epoch
milliseconds like Anypoint's audit log. Ids are UUID strings like Anypoint's.
"""

import time
import uuid

from sqlalchemy.orm import DeclarativeBase

APPS_ID = "connected_apps.client_id"


class Base(DeclarativeBase):
    """Declarative base of every sandbox table."""


def now() -> int:
    return int(time.time())


def new_id() -> str:
    return str(uuid.uuid4())
