"""The connected applications API at Anypoint's paths, for Organization Administrators:

``/accounts/api/connectedApplications`` GET (``{data, total}``) / POST (200), by client id
GET / PATCH (``?resetSecret=true``) / DELETE (204), ``…/{clientId}/scopes`` GET / PUT / PATCH /
DELETE (client-credentials apps only), ``…/{clientId}/revoke`` DELETE (204: every token dies,
every consent goes) — and the same under ``/accounts/api/organizations/{orgId}/…``.
"""

from flask import Blueprint, jsonify, request

from ..access_management import connected_apps, context_scopes, revocation
from ..access_management.connected_apps import AppRuleError
from ..access_management.governance import root_of
from ..storage import Organization, session
from ..web.errors import PlatformError
from .helpers import admin_organization, flag, json_body, owned_app, paging

bp = Blueprint("connected_apps_api", __name__, url_prefix="/accounts/api")
ORG = "/organizations/<org_id>"


def _rules(action):
    """Run ``action``; an AppRuleError becomes 400 with its message."""
    try:
        return action()
    except AppRuleError as error:
        raise PlatformError(400, str(error)) from None


@bp.get("/connectedApplications")
@bp.get(f"{ORG}/connectedApplications")
def list_apps(org_id: str | None = None):
    """``{data, total}``; ``search`` matches name or client id (any case), ``sort``
    client_id | client_name, ``ascending``, ``offset``, ``limit`` (at most 20)."""
    _token, org = admin_organization(org_id)
    offset, limit = paging(20, 20)
    search = request.args.get("search", "").lower()
    sort = request.args.get("sort", "client_name")
    if sort not in ("client_id", "client_name"):
        raise PlatformError(400, "'sort' must be client_id or client_name.")
    apps = [app for app in connected_apps.owned_apps(org)
            if search in app.name.lower() or search in app.client_id]
    apps.sort(key=lambda app: app.client_id if sort == "client_id" else app.name.lower(),
              reverse=request.args.get("ascending", "true").lower() == "false")
    return jsonify(data=[connected_apps.app_json(app) for app in apps[offset:offset + limit]],
                   total=len(apps))


@bp.post("/connectedApplications")
@bp.post(f"{ORG}/connectedApplications")
def create_app(org_id: str | None = None):
    """200 with the new app (and its secret); 400 with the broken rule (limits included)."""
    token, org = admin_organization(org_id)
    body = json_body()
    app = _rules(lambda: connected_apps.create(org, token.user, body))
    return jsonify(connected_apps.app_json(app))


@bp.get("/connectedApplications/<client_id>")
@bp.get(f"{ORG}/connectedApplications/<client_id>")
def get_app(client_id: str, org_id: str | None = None):
    _token, org = admin_organization(org_id)
    return jsonify(connected_apps.app_json(owned_app(org, client_id)))


@bp.patch("/connectedApplications/<client_id>")
@bp.patch(f"{ORG}/connectedApplications/<client_id>")
def update_app(client_id: str, org_id: str | None = None):
    """200 with the app. ``?resetSecret=true`` issues a new secret (the old one stops working
    at once); a body edits the fields it names."""
    token, org = admin_organization(org_id)
    app = owned_app(org, client_id)
    reset = flag("resetSecret")
    body = json_body(default={} if reset else None)
    if body or not reset:
        _rules(lambda: connected_apps.update(app, token.user, body))
    if reset:
        connected_apps.rotate_secret(app, token.user)
    return jsonify(connected_apps.app_json(app))


@bp.delete("/connectedApplications/<client_id>")
@bp.delete(f"{ORG}/connectedApplications/<client_id>")
def delete_app(client_id: str, org_id: str | None = None):
    token, org = admin_organization(org_id)
    connected_apps.delete(owned_app(org, client_id), token.user)
    return "", 204


@bp.delete("/connectedApplications/<client_id>/revoke")
@bp.delete(f"{ORG}/connectedApplications/<client_id>/revoke")
def revoke_app(client_id: str, org_id: str | None = None):
    """204: every access and refresh token of the app is revoked and every user's consent is
    removed (the next sign-in asks again)."""
    token, org = admin_organization(org_id)
    revocation.revoke_app(owned_app(org, client_id), token.user)
    return "", 204


def _client_app(client_id: str, org_id: str | None):
    token, org = admin_organization(org_id)
    app = owned_app(org, client_id)
    _rules(lambda: context_scopes.require_client_app(app))
    return token, org, app


def _entries(body, key: str = "scopes", required: bool = True):
    if not isinstance(body, dict) or (required and key not in body):
        raise PlatformError(400, f"The body must be an object with '{key}'.")
    return body.get(key, [])


@bp.get("/connectedApplications/<client_id>/scopes")
@bp.get(f"{ORG}/connectedApplications/<client_id>/scopes")
def list_scopes(client_id: str, org_id: str | None = None):
    """``{data: [{scope, context_params}], total}``; ``offset``, ``limit`` (≤500, default 25)."""
    _token, _org, app = _client_app(client_id, org_id)
    offset, limit = paging(25, 500)
    rows = context_scopes.current(app)
    return jsonify(data=[context_scopes.scope_json(row) for row in rows[offset:offset + limit]],
                   total=len(rows))


@bp.route("/connectedApplications/<client_id>/scopes", methods=["PUT", "PATCH", "DELETE"])
@bp.route(f"{ORG}/connectedApplications/<client_id>/scopes", methods=["PUT", "PATCH", "DELETE"])
def change_scopes(client_id: str, org_id: str | None = None):
    """204. PUT replaces every context scope; PATCH adds ``scopes`` (duplicates ignored) and
    removes ``scopesToDelete``; DELETE removes exact matches of ``scopes``."""
    token, _org, app = _client_app(client_id, org_id)
    owner_org = root_of(session().get(Organization, app.owner_org_id))
    body = json_body()

    def change():
        current = context_scopes.current(app)
        if request.method == "PUT":
            return context_scopes.parse(_entries(body), owner_org)
        if request.method == "DELETE":
            doomed = set(context_scopes.parse(_entries(body), owner_org))
            return [row for row in current if row not in doomed]
        added = context_scopes.parse(_entries(body), owner_org) if "scopes" in body else []
        doomed = set(context_scopes.parse(_entries(body, "scopesToDelete"), owner_org)) if (
            "scopesToDelete" in body) else set()
        if not added and not doomed:
            raise AppRuleError("Send 'scopes' to add or 'scopesToDelete' to remove.")
        return [row for row in [*current, *added] if row not in doomed]

    rows = _rules(change)
    _rules(lambda: context_scopes.replace(app, token.user, rows))
    return "", 204
