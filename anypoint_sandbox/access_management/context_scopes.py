"""Context scopes of a client-credentials app (Anypoint's ``/connectedApplications/{id}/scopes``):
a product scope in one of the owner's organizations, optionally narrowed to one environment,
written ``{"scope": ..., "context_params": {"org": ..., "envId": ...}}``. Rows are handled as
``(scope, organization_id, environment_id)`` tuples; AppRuleError for any bad entry."""

from ..storage import ConnectedApp, ConnectedAppScope, Environment, Organization, User, now, session
from . import audit
from .bounds import shown
from .connected_apps import AppRuleError, check_scope_count
from .scopes import PRODUCT_SCOPES


def require_client_app(app: ConnectedApp) -> None:
    """AppRuleError unless the app acts on its own behalf (client credentials)."""
    if app.app_type != "client":
        raise AppRuleError("Context scopes are only for apps that act on their own behalf "
                           "(client_credentials); this app acts on behalf of users.")


def parse(entries, owner_org: Organization) -> list[tuple]:
    """``[{scope, context_params: {org, envId?}}]`` checked against the catalog and the owner's
    organizations and environments, as (scope, org_id, env_id) tuples. AppRuleError otherwise."""
    if not isinstance(entries, list) or not entries:
        raise AppRuleError("'scopes' must be a non-empty list of {scope, context_params}.")
    check_scope_count(len(entries))  # before reading them: a list is bounded by the limit
    orgs = {owner_org.id, *(child.id for child in owner_org.children)}
    rows = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("scope"), str) or (
                not isinstance(entry.get("context_params"), dict)):
            raise AppRuleError("Each scope must look like {\"scope\": \"...\", "
                               "\"context_params\": {\"org\": \"...\"}}.")
        scope, params = entry["scope"], entry["context_params"]
        if scope not in PRODUCT_SCOPES:
            raise AppRuleError(f"'{shown(scope)}' is not a scope a client-credentials app can "
                               "hold.")
        if (set(params) - {"org", "envId"} or not isinstance(params.get("org"), str)
                or params.get("org") not in orgs):
            raise AppRuleError(f"The context of '{shown(scope)}' must name one of your "
                               "organizations as 'org' (and optionally an environment as "
                               "'envId').")
        env_id = params.get("envId")
        if env_id is not None:
            env = session().get(Environment, env_id) if isinstance(env_id, str) else None
            if env is None or env.organization_id != params["org"]:
                raise AppRuleError(f"Environment '{shown(env_id)}' is not in organization "
                                   f"'{shown(params['org'])}'.")
        rows.append((scope, params["org"], env_id))
    return list(dict.fromkeys(rows))


def current(app: ConnectedApp) -> list[tuple]:
    return [(row.scope, row.organization_id, row.environment_id) for row in app.context_scopes]


def replace(app: ConnectedApp, actor: User, rows: list[tuple]) -> None:
    """Replace the app's context scopes with ``rows`` (within the scope limit) and record it."""
    rows = list(dict.fromkeys(rows))
    check_scope_count(len(rows))
    before = set(current(app))
    app.context_scopes = [ConnectedAppScope(scope=scope, organization_id=org, environment_id=env)
                          for scope, org, env in rows]
    app.updated_at = now()
    session().commit()
    added = [scope_json(row) for row in rows if row not in before]
    removed = [scope_json(row) for row in before if row not in set(rows)]
    audit.record("Permissions Change", "Connected Application", object_id=app.client_id,
                 object_name=app.name, user=actor, organization_id=app.owner_org_id,
                 payload={"Scopes": [entry["scope"] for entry in added], "added": added,
                          "removed": removed, "clientID": app.client_id})


def scope_json(row: tuple) -> dict:
    scope, org, env = row
    params = {"org": org} if env is None else {"org": org, "envId": env}
    return {"scope": scope, "context_params": params}
