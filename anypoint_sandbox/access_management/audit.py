"""The audit log: ``record(...)`` writes one entry in the shape of Anypoint's audit log (§6).

Payloads must never carry a secret (tokens, codes, passwords, client secrets); callers pass only
names, scopes, grant types and error codes.

Every entry names the connected app that acted: an API call made with a token names the token's
app (taken from the request when the caller passes none); a console action names no app.
"""

from flask import g, has_request_context, request

from .. import clock
from ..storage import AuditEntry, ConnectedApp, User
from ..storage import session as db_session


def record(action: str, object_type: str, *, object_id: str | None = None,
           object_name: str | None = None, user: User | None = None,
           connected_app: ConnectedApp | None = None, environment_name: str | None = None,
           payload: dict | None = None, organization_id: str | None = None,
           environment_id: str | None = None) -> AuditEntry:
    """Add and commit one audit entry. The acting app defaults to the app of the request's
    access token (none on console pages); the organization defaults to the user's or the app's."""
    token = g.get("sandbox_token") if has_request_context() else None
    if connected_app is None and token is not None:
        connected_app = token.client
    org_id = organization_id or (user.organization_id if user else None) or (
        connected_app.owner_org_id if connected_app else None)
    entry = AuditEntry(
        timestamp=int(clock.seconds() * 1000), action=action, object_type=object_type,
        object_id=object_id, object_name=object_name,
        user_name=user.username if user else None, user_id=user.id if user else None,
        organization_id=org_id,
        client_id=connected_app.client_id if connected_app else None,
        client_name=connected_app.name if connected_app else None,
        environment_name=environment_name, environment_id=environment_id,
        payload=payload or {},
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
        "environmentName": entry.environment_name, "environmentId": entry.environment_id,
        "organizationId": entry.organization_id, "userId": entry.user_id,
        "payload": entry.payload,
    }


def app_payload(app: ConnectedApp, grant_types: list[str] | None = None, **extra) -> dict:
    """The payload Anypoint records for a connected-app action (§6): clientName, clientID,
    clientIP, orgID and grantTypes (the app's, unless the action concerns some of them), plus
    ``extra``. Never a secret."""
    return {"clientName": app.name, "clientID": app.client_id,
            "clientIP": request.remote_addr if has_request_context() else None,
            "orgID": app.owner_org_id,
            "grantTypes": list(app.grant_types if grant_types is None else grant_types), **extra}
