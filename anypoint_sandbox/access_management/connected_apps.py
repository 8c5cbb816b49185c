"""Connected apps as an organization administrator manages them: validate, create, edit, rotate
the secret, delete, and the context scopes of client-credentials apps. The console and the JSON
API both call these functions, so the rules and their messages are the same in both.

Every function raises ``AppRuleError`` with a plain-words message when the input breaks a rule
(the API answers 400 with it, the console shows it beside the form). Callers commit nothing:
each function commits its own change and records it in the audit log.
"""

import secrets
import uuid

from flask import current_app
from sqlalchemy import func, select

from ..storage import ConnectedApp, Organization, User, now, session
from . import audit
from .bounds import MAX_ITEM_LENGTH, MAX_ITEMS, shown, url_problem
from .scopes import BY_NAME

USER_GRANT_TYPES = ("authorization_code", "refresh_token")
CLIENT_GRANT_TYPES = ("client_credentials",)
KNOWN_FIELDS = {"client_name", "grant_types", "redirect_uris", "scopes", "audience",
                "public_keys", "client_uri", "policy_uri", "tos_uri", "enabled", "client_id",
                "client_secret", "owner_user_id", "owner_org_id",
                "generate_iss_claim_without_token"}


class AppRuleError(ValueError):
    """The request breaks a rule of connected apps; the message says which, in plain words."""


def _strings(body: dict, name: str) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AppRuleError(f"'{name}' must be a list of strings.")
    if len(value) > MAX_ITEMS[name]:
        raise AppRuleError(f"'{name}' can hold at most {MAX_ITEMS[name]} entries; "
                           f"this one has {len(value)}.")
    too_long = [item for item in value if len(item) > MAX_ITEM_LENGTH[name]]
    if too_long:
        raise AppRuleError(f"Each of '{name}' can be at most {MAX_ITEM_LENGTH[name]} "
                           f"characters; '{shown(too_long[0])}' has {len(too_long[0])}.")
    return list(dict.fromkeys(item.strip() for item in value if item.strip()))


def _optional_url(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise AppRuleError(f"'{name}' must be an http or https URL.")
    problem = url_problem(value)
    if problem:
        raise AppRuleError(f"'{name}' {problem}.")
    return value


def check_fields(body: dict, existing: ConnectedApp | None = None) -> dict:
    """The validated fields of a create (``existing`` None) or edit request body, as the
    model's attribute names. Fields left out of an edit keep their values."""
    if not isinstance(body, dict):
        raise AppRuleError("The request body must be a JSON object.")
    unknown = sorted(set(body) - KNOWN_FIELDS)
    if unknown:
        raise AppRuleError(f"Unknown field(s): {shown(', '.join(unknown), 200)}.")
    fields = {}
    if "client_name" in body or existing is None:
        name = body.get("client_name")
        if not isinstance(name, str) or not name.strip():
            raise AppRuleError("Give the app a name (client_name).")
        if len(name.strip()) > 200:
            raise AppRuleError("The name can be at most 200 characters.")
        fields["name"] = name.strip()
    grant_types = _strings(body, "grant_types") if "grant_types" in body else (
        list(existing.grant_types) if existing else [])
    fields["grant_types"] = _check_grant_types(grant_types, existing)
    is_client = fields["grant_types"] == list(CLIENT_GRANT_TYPES)
    uris = _strings(body, "redirect_uris") if "redirect_uris" in body else (
        list(existing.redirect_uris) if existing else [])
    for uri in uris:
        problem = url_problem(uri)
        if problem:
            raise AppRuleError(f"Redirect URI {problem}.")
    if "authorization_code" in fields["grant_types"] and not uris:
        raise AppRuleError("An app that acts on behalf of a user needs at least one "
                           "redirect URI.")
    fields["redirect_uris"] = uris
    if "scopes" in body:
        scopes = _strings(body, "scopes")
        unknown_scopes = [scope for scope in scopes if scope not in BY_NAME]
        if unknown_scopes:
            raise AppRuleError(f"Unknown scope '{shown(unknown_scopes[0])}'. Choose scopes "
                               "from the scope catalog.")
        if not is_client:
            check_scope_count(len(scopes))
        fields["scopes"] = scopes
    elif existing is None:
        fields["scopes"] = []
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise AppRuleError("'enabled' must be true or false.")
        fields["enabled"] = body["enabled"]
    if "audience" in body:
        if body["audience"] not in ("internal", "everyone"):
            raise AppRuleError("'audience' must be 'internal' or 'everyone'.")
        fields["audience"] = body["audience"]
    for name in ("client_uri", "policy_uri", "tos_uri"):
        if name in body:
            fields[name] = _optional_url(body, name)
    return fields


def _check_grant_types(grant_types: list[str], existing: ConnectedApp | None) -> list[str]:
    if not grant_types:
        raise AppRuleError("Choose at least one grant type.")
    if set(grant_types) <= set(CLIENT_GRANT_TYPES):
        kind = "client"
    elif set(grant_types) <= set(USER_GRANT_TYPES):
        kind = "user"
    else:
        allowed = ", ".join(USER_GRANT_TYPES + CLIENT_GRANT_TYPES)
        raise AppRuleError(
            f"Grant types {shown(', '.join(grant_types), 200)} cannot be combined here. An "
            f"app acts on behalf of a user (authorization_code, refresh_token) or on its own "
            f"behalf (client_credentials); the sandbox supports {allowed}.")
    if kind == "user" and "authorization_code" not in grant_types:
        raise AppRuleError("An app that acts on behalf of a user needs authorization_code.")
    if existing is not None and existing.app_type != kind:
        raise AppRuleError("An app cannot change between acting on behalf of a user and "
                           "acting on its own behalf; create a new app instead.")
    return [grant for grant in (*USER_GRANT_TYPES, *CLIENT_GRANT_TYPES) if grant in grant_types]


def check_scope_count(count: int) -> None:
    """AppRuleError when an app would hold more scopes than SANDBOX_MAX_SCOPES_PER_APP."""
    most = current_app.config["SANDBOX_MAX_SCOPES_PER_APP"]
    if count > most:
        raise AppRuleError(f"A connected app can have at most {most} scopes; this would give "
                           f"it {count}. Remove some scopes and try again.")


def owned_apps(org: Organization) -> list[ConnectedApp]:
    """The apps the organization owns, by name."""
    return list(session().scalars(select(ConnectedApp).where(
        ConnectedApp.owner_org_id == org.id).order_by(func.lower(ConnectedApp.name))))


def create(org: Organization, owner: User, body: dict) -> ConnectedApp:
    """A new app owned by ``org`` (and ``owner``), with a generated client id and secret.
    AppRuleError on bad input or when the organization already has SANDBOX_MAX_CONNECTED_APPS."""
    fields = check_fields(body)
    most = current_app.config["SANDBOX_MAX_CONNECTED_APPS"]
    count = session().scalar(select(func.count()).select_from(ConnectedApp).where(
        ConnectedApp.owner_org_id == org.id))
    if count >= most:
        raise AppRuleError(f"{org.name} already has {count} connected apps, the most an "
                           f"organization can have ({most}). Delete an app you no longer "
                           "need, then create this one.")
    kind = "client" if fields["grant_types"] == list(CLIENT_GRANT_TYPES) else "user"
    app = ConnectedApp(client_id=uuid.uuid4().hex, client_secret=secrets.token_hex(16),
                       app_type=kind, owner_org_id=org.id, owner_user_id=owner.id, **fields)
    session().add(app)
    session().commit()
    _record("Create", app, owner)
    return app


def update(app: ConnectedApp, actor: User, body: dict) -> ConnectedApp:
    """Apply an edit (only the fields present). AppRuleError on bad input."""
    fields = check_fields(body, existing=app)
    for name, value in fields.items():
        setattr(app, name, value)
    app.updated_at = now()
    session().commit()
    _record("Edit", app, actor)
    return app


def rotate_secret(app: ConnectedApp, actor: User) -> ConnectedApp:
    """A new client secret; the old one stops working at once (tokens already issued stay)."""
    app.client_secret = secrets.token_hex(16)
    app.updated_at = now()
    session().commit()
    _record("Edit", app, actor, subaction="Reset Client Secret")
    return app


def delete(app: ConnectedApp, actor: User) -> None:
    """Delete the app; its codes, tokens and authorizations go with it."""
    _record("Delete", app, actor)
    session().delete(app)
    session().commit()


def _record(action: str, app: ConnectedApp, actor: User, subaction: str | None = None) -> None:
    payload = audit.app_payload(app, **({"subaction": subaction} if subaction else {}))
    audit.record(action, "Connected Application", object_id=app.client_id, object_name=app.name,
                 user=actor, payload=payload, organization_id=app.owner_org_id)


def app_json(app: ConnectedApp) -> dict:
    """The app in Anypoint's connected-application shape."""
    return {
        "client_id": app.client_id, "owner_org_id": app.owner_org_id,
        "owner_user_id": app.owner_user_id, "client_name": app.name,
        "client_secret": app.client_secret, "public_keys": [],
        "redirect_uris": list(app.redirect_uris), "grant_types": list(app.grant_types),
        "scopes": list(app.scopes), "enabled": app.enabled, "audience": app.audience or "internal",
        "client_uri": app.client_uri, "policy_uri": app.policy_uri, "tos_uri": app.tos_uri,
        "generate_iss_claim_without_token": False,
    }
