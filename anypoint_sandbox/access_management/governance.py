"""The authorization policy of a root organization: Unrestricted (any app may ask users for
access) or Restricted (only allowlisted apps, for the scopes the administrator approved), plus
Anypoint's ``applications_enabled`` / ``grant_types_allowed`` switches.

Business groups have no policy of their own: reads answer the root's, writes are refused
(``RootOnlyError``, the API's 405). ``denial_reason`` is what the authorize step asks.
"""

from flask import request

from ..storage import (
    ALL_GRANT_TYPES,
    AllowlistEntry,
    AuthorizationPolicy,
    ConnectedApp,
    Consent,
    Organization,
    User,
    now,
    session,
)
from . import audit
from .connected_apps import AppRuleError

SETTINGS_FIELDS = {"allowlist_enabled", "whitelist_enabled", "allowlist_internal_applications",
                   "whitelist_internal_applications", "applications_enabled",
                   "grant_types_allowed", "import_existing_authorizations", "whitelist"}


class RootOnlyError(Exception):
    """The change is only possible at the root organization (the message says so)."""


def root_of(org: Organization) -> Organization:
    while org.parent is not None:
        org = org.parent
    return org


def require_root(org: Organization, what: str) -> None:
    """RootOnlyError when ``org`` is a business group."""
    if org.parent_id is not None:
        raise RootOnlyError(f"{org.name} is a business group. {what} only at the root "
                            f"organization, {root_of(org).name}.")


def policy_of(org: Organization) -> AuthorizationPolicy:
    """The root organization's policy (created with the defaults on first use)."""
    root = root_of(org)
    policy = session().get(AuthorizationPolicy, root.id)
    if policy is None:
        policy = AuthorizationPolicy(organization_id=root.id, allowlist_enabled=False,
                                     allowlist_internal_applications=True,
                                     applications_enabled="all",
                                     grant_types_allowed=list(ALL_GRANT_TYPES))
        session().add(policy)
        session().commit()
    return policy


def settings_json(policy: AuthorizationPolicy) -> dict:
    """Anypoint's settings object (with the deprecated ``whitelist_*`` names beside the new)."""
    return {"allowlist_enabled": policy.allowlist_enabled,
            "whitelist_enabled": policy.allowlist_enabled,
            "allowlist_internal_applications": policy.allowlist_internal_applications,
            "whitelist_internal_applications": policy.allowlist_internal_applications,
            "applications_enabled": policy.applications_enabled,
            "grant_types_allowed": list(policy.grant_types_allowed)}


def update_settings(org: Organization, actor: User, body) -> AuthorizationPolicy:
    """Apply a settings change (``allowlist_*`` wins over ``whitelist_*``). Switching to
    Restricted with ``import_existing_authorizations`` allowlists every app users already
    authorized, with the scopes they granted. AppRuleError / RootOnlyError."""
    require_root(org, "Connected app settings can be changed")
    if not isinstance(body, dict):
        raise AppRuleError("The request body must be a JSON object.")
    unknown = sorted(set(body) - SETTINGS_FIELDS)
    if unknown:
        raise AppRuleError(f"Unknown setting(s): {', '.join(unknown)}.")
    policy = policy_of(org)
    was_restricted = policy.allowlist_enabled
    for name in ("enabled", "internal_applications"):
        for key in (f"allowlist_{name}", f"whitelist_{name}"):
            if key in body:
                if not isinstance(body[key], bool):
                    raise AppRuleError(f"'{key}' must be true or false.")
                setattr(policy, f"allowlist_{name}", body[key])
                break
    if "applications_enabled" in body:
        if body["applications_enabled"] not in ("all", "none", "partial"):
            raise AppRuleError("'applications_enabled' must be 'all', 'none' or 'partial'.")
        policy.applications_enabled = body["applications_enabled"]
    if "grant_types_allowed" in body:
        grants = body["grant_types_allowed"]
        if not isinstance(grants, list) or set(grants) - set(ALL_GRANT_TYPES):
            raise AppRuleError("'grant_types_allowed' must list grant types among "
                               f"{', '.join(ALL_GRANT_TYPES)}.")
        policy.grant_types_allowed = list(dict.fromkeys(grants))
    if body.get("import_existing_authorizations") and policy.allowlist_enabled and (
            not was_restricted):
        _import_authorizations(policy.organization_id)
    if body.get("whitelist"):
        change_allowlist(org, actor, body["whitelist"], mode="add", record=False)
    policy.updated_at = now()
    session().commit()
    audit.record("Edit", "Connected Applications Settings", object_id=policy.organization_id,
                 object_name="Authorization policy", user=actor,
                 organization_id=policy.organization_id,
                 payload={**settings_json(policy), "clientIP": request.remote_addr})
    return policy


def _import_authorizations(root_id: str) -> None:
    for consent in session().query(Consent).all():
        if root_of(consent.user.organization).id != root_id:
            continue
        entry = _entry(root_id, consent.client_id)
        scopes = consent.scope.split()
        if entry is None:
            session().add(AllowlistEntry(organization_id=root_id, client_id=consent.client_id,
                                         authorized_scopes=scopes))
        else:
            entry.authorized_scopes = list(dict.fromkeys([*entry.authorized_scopes, *scopes]))
        session().flush()


def _entry(root_id: str, client_id: str) -> AllowlistEntry | None:
    return session().query(AllowlistEntry).filter_by(organization_id=root_id,
                                                      client_id=client_id).first()


def allowlist(org: Organization) -> list[AllowlistEntry]:
    """The root organization's allowlist, oldest entry first."""
    return session().query(AllowlistEntry).filter_by(
        organization_id=root_of(org).id).order_by(AllowlistEntry.id).all()


def allowlist_entry_json(entry: AllowlistEntry) -> dict:
    return {"client_id": entry.client_id, "authorized_scopes": list(entry.authorized_scopes)}


def change_allowlist(org: Organization, actor: User, entries, mode: str,
                     record: bool = True) -> None:
    """``mode`` "replace" (PUT: the list becomes ``entries``), "add" (PATCH: each entry is
    inserted, or replaces the listed app's approved scopes) or "remove" (DELETE: the listed apps
    leave the list). Entries are ``{client_id,
    authorized_scopes?}``; without scopes, every scope the app is registered for."""
    require_root(org, "The allowlist can be edited")
    root = root_of(org)
    parsed = _parse_entries(entries)
    if mode == "replace":
        for entry in allowlist(root):
            session().delete(entry)
        session().flush()
    for app, scopes in parsed:
        entry = _entry(root.id, app.client_id)
        if mode == "remove":
            if entry is not None:
                session().delete(entry)
        elif entry is None:
            session().add(AllowlistEntry(organization_id=root.id, client_id=app.client_id,
                                         authorized_scopes=scopes))
        else:
            entry.authorized_scopes = scopes
        session().flush()
    session().commit()
    if record:
        audit.record("Edit", "Connected Applications Allowlist", object_id=root.id,
                     object_name="Allowlist", user=actor, organization_id=root.id,
                     payload={"mode": mode, "entries": [
                         {"client_id": app.client_id, "clientName": app.name,
                          "authorized_scopes": scopes} for app, scopes in parsed]})


def _parse_entries(entries) -> list[tuple[ConnectedApp, list[str]]]:
    if not isinstance(entries, list):
        raise AppRuleError("The allowlist must be a JSON array of {client_id, "
                           "authorized_scopes}.")
    parsed = []
    for entry in entries:
        client_id = entry.get("client_id") if isinstance(entry, dict) else None
        app = session().get(ConnectedApp, client_id) if isinstance(client_id, str) else None
        if app is None:
            raise AppRuleError(f"No connected app has client_id {client_id!r}.")
        scopes = entry.get("authorized_scopes")
        if scopes is None:
            scopes = list(app.scopes)
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise AppRuleError("'authorized_scopes' must be a list of scope names.")
        beyond = [scope for scope in scopes if scope not in app.scopes]
        if beyond:
            raise AppRuleError(f"{app.name} is not registered for scope '{beyond[0]}'.")
        parsed.append((app, list(dict.fromkeys(scopes))))
    return parsed


def denial_reason(user: User, app: ConnectedApp, scopes: list[str]) -> str | None:
    """Why the user's organization does not let ``app`` ask for ``scopes`` (plain words for
    the person, who is not the administrator), or None when the policy allows it."""
    policy = policy_of(user.organization)
    org_name = root_of(user.organization).name
    if policy.applications_enabled == "none":
        return f"{org_name} does not allow connected apps to access its resources."
    if policy.applications_enabled == "partial" and (
            "authorization_code" not in policy.grant_types_allowed):
        return f"{org_name} does not allow apps to act on behalf of its users."
    if not policy.allowlist_enabled:
        return None
    owner = session().get(Organization, app.owner_org_id)
    internal = owner is not None and root_of(owner).id == policy.organization_id
    if internal and policy.allowlist_internal_applications:
        return None
    entry = _entry(policy.organization_id, app.client_id)
    if entry is None:
        return (f"{org_name} only lets approved apps access its resources, and an "
                f"administrator has not approved {app.name}.")
    beyond = [scope for scope in scopes if scope not in entry.authorized_scopes]
    if beyond:
        return (f"{org_name} approved {app.name} for fewer scopes than it asked for. An "
                f"administrator has not approved: {', '.join(beyond)}.")
    return None
