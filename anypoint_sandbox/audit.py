"""The audit log: ``record(...)`` writes one entry in the shape of Anypoint's audit log (§6).

Payloads must never carry a secret (tokens, codes, passwords, client secrets); callers pass only
names, scopes, grant types and error codes.
"""

import time

from .db import session as db_session
from .models import AuditEntry, ConnectedApp, User


def record(action: str, object_type: str, *, object_id: str | None = None,
           object_name: str | None = None, user: User | None = None,
           connected_app: ConnectedApp | None = None, environment_name: str | None = None,
           payload: dict | None = None, organization_id: str | None = None) -> AuditEntry:
    """Add and commit one audit entry; the organization defaults to the user's or the app's."""
    org_id = organization_id or (user.organization_id if user else None) or (
        connected_app.owner_org_id if connected_app else None)
    entry = AuditEntry(
        timestamp=int(time.time() * 1000), action=action, object_type=object_type,
        object_id=object_id, object_name=object_name,
        user_name=user.username if user else None, user_id=user.id if user else None,
        organization_id=org_id,
        client_id=connected_app.client_id if connected_app else None,
        client_name=connected_app.name if connected_app else None,
        environment_name=environment_name, payload=payload or {},
    )
    session = db_session()
    session.add(entry)
    session.commit()
    return entry


def as_json(entry: AuditEntry) -> dict:
    """The entry in Anypoint's JSON field names."""
    app = ({"clientId": entry.client_id, "name": entry.client_name}
           if entry.client_id else None)
    return {
        "id": entry.id, "timestamp": entry.timestamp, "action": entry.action,
        "objectType": entry.object_type, "objectId": entry.object_id,
        "objectName": entry.object_name, "userName": entry.user_name, "connectedApp": app,
        "environmentName": entry.environment_name, "payload": entry.payload,
    }
