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


def parse_time(name: str, value, end: bool = False) -> int:
    """Epoch milliseconds from Unix milliseconds or an ISO 8601 date / date-time (UTC when no
    offset is given). A bare date as ``end`` means the end of that day (inclusive)."""
    if isinstance(value, bool):
        raise QueryError(f"'{name}' must be a date, not {value!r}.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    try:
        text = value.strip().replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
    except (AttributeError, ValueError):
        raise QueryError(f"'{name}' must be Unix milliseconds or an ISO 8601 date such as "
                         f"2024-05-01T09:30:00Z, not {value!r}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = int(moment.timestamp() * 1000)
    if end and len(text) == 10:
        stamp += 24 * 3600 * 1000 - 1
    return stamp


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
