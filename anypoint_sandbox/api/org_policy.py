"""An organization's connected-app policy and its users' authorizations, at Anypoint's paths
under ``/accounts/api/organizations/{orgId}/connectedApplications/``:

``settings`` GET / PATCH (200), ``allowlist`` (alias ``whitelist``) GET (``{data, total}``) /
PUT / PATCH / DELETE (204), ``authorizations`` GET (``{data, total}``, ``user_id`` filter) /
DELETE (``user_id`` required, 204), ``authorizations/{authorizationId}`` GET / DELETE (204).
Writes on a business group answer 405, as on Anypoint. Organization Administrators only.
"""

from flask import Blueprint, jsonify, request

from ..access_management import governance, revocation
from ..access_management.connected_apps import AppRuleError
from ..access_management.governance import RootOnlyError
from ..web.errors import PlatformError
from .helpers import admin_organization, json_body, paging

bp = Blueprint("org_policy_api", __name__,
               url_prefix="/accounts/api/organizations/<org_id>/connectedApplications")
LISTS = ("/allowlist", "/whitelist")


def _apply(action):
    """Run ``action``: AppRuleError → 400, RootOnlyError → 405."""
    try:
        return action()
    except AppRuleError as error:
        raise PlatformError(400, str(error)) from None
    except RootOnlyError as error:
        raise PlatformError(405, str(error)) from None


@bp.get("/settings")
def settings(org_id: str):
    """The root organization's settings (a business group answers its root's)."""
    _token, org = admin_organization(org_id)
    return jsonify(governance.settings_json(governance.policy_of(org)))


@bp.patch("/settings")
def update_settings(org_id: str):
    token, org = admin_organization(org_id)
    body = json_body()
    policy = _apply(lambda: governance.update_settings(org, token.user, body))
    return jsonify(governance.settings_json(policy))


@bp.get(LISTS[0])
@bp.get(LISTS[1])
def allowlist(org_id: str):
    """``{data: [{client_id, authorized_scopes}], total}``; ``client_id`` filters (comma list)."""
    _token, org = admin_organization(org_id)
    offset, limit = paging(25, 500)
    wanted = {cid for value in request.args.getlist("client_id") for cid in value.split(",")}
    entries = [entry for entry in governance.allowlist(org)
               if not wanted or entry.client_id in wanted]
    return jsonify(data=[governance.allowlist_entry_json(entry)
                         for entry in entries[offset:offset + limit]], total=len(entries))


@bp.route(LISTS[0], methods=["PUT", "PATCH", "DELETE"])
@bp.route(LISTS[1], methods=["PUT", "PATCH", "DELETE"])
def change_allowlist(org_id: str):
    """204. PUT replaces the list, PATCH inserts entries, DELETE removes the listed apps."""
    token, org = admin_organization(org_id)
    mode = {"PUT": "replace", "PATCH": "add", "DELETE": "remove"}[request.method]
    _apply(lambda: governance.require_root(org, "The allowlist can be edited"))
    body = json_body()
    _apply(lambda: governance.change_allowlist(org, token.user, body, mode))
    return "", 204


@bp.get("/authorizations")
def authorizations(org_id: str):
    """``{data: [UserAuthorization], total}``; ``user_id`` and ``client_id`` filter."""
    _token, org = admin_organization(org_id)
    offset, limit = paging(25, 500)
    found = revocation.authorizations(org, user_id=request.args.get("user_id"),
                                      client_id=request.args.get("client_id"))
    return jsonify(data=[revocation.authorization_json(item)
                         for item in found[offset:offset + limit]], total=len(found))


@bp.delete("/authorizations")
def revoke_user_authorizations(org_id: str):
    """204: every authorization the user (``user_id``, required) gave ends."""
    token, org = admin_organization(org_id)
    _apply(lambda: governance.require_root(org, "Authorizations can be revoked"))
    user_id = request.args.get("user_id")
    if not user_id:
        raise PlatformError(400, "Name the user whose authorizations to revoke (user_id).")
    for item in revocation.authorizations(org, user_id=user_id):
        revocation.revoke_authorization(item, token.user)
    return "", 204


def _authorization(org, authorization_id: str):
    """The organization's authorization of that id (ASCII digits, as the sandbox numbers
    them); 404 otherwise."""
    item = revocation.find_authorization(authorization_id)
    if item is None or item not in revocation.authorizations(org, user_id=item.user_id):
        raise PlatformError(404, f"Authorization {authorization_id[:40]} not found.")
    return item


@bp.get("/authorizations/<authorization_id>")
def authorization(org_id: str, authorization_id: str):
    _token, org = admin_organization(org_id)
    return jsonify(revocation.authorization_json(_authorization(org, authorization_id)))


@bp.delete("/authorizations/<authorization_id>")
def revoke_authorization(org_id: str, authorization_id: str):
    token, org = admin_organization(org_id)
    _apply(lambda: governance.require_root(org, "Authorizations can be revoked"))
    revocation.revoke_authorization(_authorization(org, authorization_id), token.user)
    return "", 204
