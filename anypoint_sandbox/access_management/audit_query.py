"""Searching the audit log (shared by the query API and the console's audit log page).

``AuditFilter`` holds the filters of Anypoint's ``logQuery`` (every filter ANDed, every list a
"one of"); ``search`` answers one page and the total. ``parse_time`` reads Anypoint's date forms.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from ..storage import AuditEntry, session


class QueryError(ValueError):
    """A filter is malformed; the message names it."""


#: The latest moment a query may name: the last millisecond of the year 9999.
LATEST_MS = 253_402_300_799_999


def _within(name: str, stamp: int) -> int:
    if not 0 <= stamp <= LATEST_MS:
        raise QueryError(f"'{name}' must lie between 1970 and the year 9999.")
    return stamp


def parse_time(name: str, value, end: bool = False) -> int:
    """Epoch milliseconds from Unix milliseconds or an ISO 8601 date / date-time (UTC when no
    offset is given), from 1970 to the year 9999. A bare date as ``end`` means the end of that
    day (inclusive). QueryError in plain words otherwise."""
    if isinstance(value, bool):
        raise QueryError(f"'{name}' must be a date, not {value!r}.")
    if isinstance(value, int):
        return _within(name, value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip()
        return _within(name, int(digits) if len(digits) <= 16 else LATEST_MS + 1)
    try:
        text = value.strip().replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
    except (AttributeError, ValueError):
        shown = repr(value)[:60]
        raise QueryError(f"'{name}' must be Unix milliseconds or an ISO 8601 date such as "
                         f"2024-05-01T09:30:00Z, not {shown}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        stamp = int(moment.timestamp() * 1000)
    except (OverflowError, ValueError):  # an offset pushes year 1 or 9999 out of range
        raise QueryError(f"'{name}' must lie between 1970 and the year 9999.") from None
    if end and len(text) == 10:
        stamp += 24 * 3600 * 1000 - 1
    return _within(name, stamp)


@dataclass
class AuditFilter:
    organization_ids: list[str]
    start: int | None = None
    end: int | None = None
    actions: list[str] = field(default_factory=list)
    object_types: list[str] = field(default_factory=list)
    object_ids: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    client_ids: list[str] = field(default_factory=list)
    environment_ids: list[str] = field(default_factory=list)
    failed: bool | None = None
    ascending: bool = True


def search(criteria: AuditFilter, offset: int = 0, limit: int = 200
           ) -> tuple[list[AuditEntry], int]:
    """One page of matching entries (by time, then id) and how many match in all."""
    conditions = [AuditEntry.organization_id.in_(criteria.organization_ids)]
    if criteria.start is not None:
        conditions.append(AuditEntry.timestamp >= criteria.start)
    if criteria.end is not None:
        conditions.append(AuditEntry.timestamp <= criteria.end)
    for column, values in ((AuditEntry.action, criteria.actions),
                           (AuditEntry.object_type, criteria.object_types),
                           (AuditEntry.object_id, criteria.object_ids),
                           (AuditEntry.user_id, criteria.user_ids),
                           (AuditEntry.client_id, criteria.client_ids),
                           (AuditEntry.environment_id, criteria.environment_ids)):
        if values:
            conditions.append(column.in_(values))
    entries = session().scalars(select(AuditEntry).where(*conditions)).all()
    if criteria.failed is not None:
        entries = [entry for entry in entries
                   if bool((entry.payload or {}).get("failed")) == criteria.failed]
    ordered = sorted(entries, key=lambda entry: (entry.timestamp, entry.id),
                     reverse=not criteria.ascending)
    return ordered[offset:offset + limit], len(ordered)


def known_values(organization_ids: list[str]) -> dict[str, list]:
    """The actions, object types, users and connected apps that occur in the log (for the
    console's filter menus)."""
    def distinct(*columns):
        return session().execute(select(*columns).where(
            AuditEntry.organization_id.in_(organization_ids), columns[0].isnot(None))
            .group_by(*columns).order_by(func.lower(columns[-1]))).all()

    return {"actions": [row[0] for row in distinct(AuditEntry.action)],
            "object_types": [row[0] for row in distinct(AuditEntry.object_type)],
            "users": distinct(AuditEntry.user_id, AuditEntry.user_name),
            "apps": distinct(AuditEntry.client_id, AuditEntry.client_name)}
