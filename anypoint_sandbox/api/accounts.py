"""Account APIs in Anypoint's shapes: ``/accounts/api/me``, ``/profile``, ``/users/me``, an
organization and its environments. Protected by ``api_auth`` (401 / 403 with ``{"message": …}``).
The shapes are in ``account_json``."""

from flask import Blueprint, jsonify, request

from ..access_management.permissions import authorize_scope
from ..storage import Environment, Organization, User, session
from ..web.errors import PlatformError
from .account_json import (
    client_json,
    environment_json,
    member_organizations,
    organization_detail_json,
    organization_json,
    user_json,
    users_me_json,
)
from .auth import current_token, protected

bp = Blueprint("accounts", __name__, url_prefix="/accounts/api")
PERMISSION_AREAS = ("admin", "cloudhub", "exchange", "support", "partner_manager")


def _token_user(token) -> User:
    user = token.user or token.client.owner
    if user is None:
        raise PlatformError(404, "This connected app has no owner user.")
    return user


@bp.get("/me")
@protected("profile")
def me():
    """``{user, client?}``; ``client`` only for client-credentials tokens (``user`` is the
    app's owner then, as on Anypoint)."""
    token = current_token()
    body = {"user": user_json(_token_user(token))}
    if token.user is None:
        body["client"] = client_json(token.client)
    return jsonify(body)


@bp.get("/users/me")
@protected("profile")
def users_me():
    """The user (the app's owner for a client-credentials token), not wrapped in ``{user}``."""
    return jsonify(users_me_json(_token_user(current_token())))


@bp.get("/profile")
@protected("profile")
def profile():
    """The user with its organization's owner and environments, the request's own access token
    (as Anypoint echoes it) and which product areas the user may view."""
    token = current_token()
    user = _token_user(token)
    org = user.organization
    body = user_json(user)
    body["organization"] = {**organization_json(org), "environments": [
        environment_json(env) for env in org.environments]}
    detail = organization_detail_json(org)
    if detail["owner"] is not None:
        body["organization"]["owner"] = detail["owner"]
    admin = user.role == "admin"
    body["access_token"] = token.access_token
    body["permissions"] = {area: {"view": admin or area != "admin"} for area in PERMISSION_AREAS}
    return jsonify(body)


def _organization(org_id: str) -> Organization:
    org = session().get(Organization, org_id) if len(org_id) <= 64 else None
    if org is None:
        raise PlatformError(404, f"Organization {org_id[:64]} not found.")
    return org


@bp.get("/organizations/<org_id>")
@protected("profile")
def organization(org_id: str):
    """The organization (or business group) with its owner and environments, for its members
    (a client-credentials token: its owner's organizations); 404 for any other."""
    org = _organization(org_id)
    member_of = {item.id for item in member_organizations(_token_user(current_token()))}
    if org.id not in member_of:
        raise PlatformError(404, f"Organization {org_id} not found.")
    body = organization_detail_json(org)
    if body["owner"] is None:
        body.pop("owner")
    return jsonify(body)


@bp.get("/organizations/<org_id>/environments")
@protected("view:environment")
def environments(org_id: str):
    """``{data, total}`` of the environments the token may view, filtered by ``name``,
    ``type`` and ``isProduction`` like Anypoint's; 404 for an unknown organization."""
    org = _organization(org_id)
    token = current_token()
    visible = [env for env in org.environments
               if authorize_scope(token, "view:environment", env) is None]
    if not visible and org.environments:
        raise PlatformError(403, authorize_scope(token, "view:environment", org.environments[0]))
    name, kind = request.args.get("name"), request.args.get("type")
    production = request.args.get("isProduction")
    data = [environment_json(env) for env in visible
            if (name is None or env.name == name) and (kind is None or env.type == kind)
            and (production is None or str(env.is_production).lower() == production.lower())]
    return jsonify(data=data, total=len(data))


@bp.get("/organizations/<org_id>/environments/<env_id>")
@protected("view:environment")
def environment(org_id: str, env_id: str):
    env = session().get(Environment, env_id) if len(env_id) <= 64 else None
    if env is None or env.organization_id != _organization(org_id).id:
        raise PlatformError(404, f"Environment {env_id[:64]} not found.")
    reason = authorize_scope(current_token(), "view:environment", env)
    if reason:
        raise PlatformError(403, reason)
    return jsonify(environment_json(env))
