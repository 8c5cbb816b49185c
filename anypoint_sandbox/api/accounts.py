"""Account APIs in Anypoint's shapes: ``/accounts/api/me``, ``/accounts/api/profile`` and the
organization's environments. Protected by ``api_auth`` (401 / 403 with ``{"message": …}``)."""

from flask import Blueprint, jsonify, request

from ..access_management.permissions import authorize_scope
from ..clock import iso
from ..storage import ConnectedApp, Environment, Organization, User, session
from ..web.errors import PlatformError
from .auth import current_token, protected

bp = Blueprint("accounts", __name__, url_prefix="/accounts/api")



def organization_json(org: Organization) -> dict:
    return {
        "id": org.id, "name": org.name, "domain": org.domain, "isRoot": org.parent_id is None,
        "isMaster": org.parent_id is None, "isFederated": False,
        "parentOrganizationIds": [org.parent_id] if org.parent_id else [],
        "subOrganizationIds": [child.id for child in org.children],
        "tenantOrganizationIds": [],
    }


def membership_json(org: Organization) -> dict:
    return {
        "id": org.id, "name": org.name, "domain": org.domain, "parentId": org.parent_id,
        "parentName": org.parent.name if org.parent else None,
        "subOrganizationIds": [child.id for child in org.children],
        "isRoot": org.parent_id is None, "isMaster": org.parent_id is None,
    }


def user_json(user: User) -> dict:
    """The user object of ``/profile`` (and ``user`` of ``/me``)."""
    orgs = [user.organization, *user.organization.children]
    return {
        "id": user.id, "username": user.username, "firstName": user.first_name,
        "lastName": user.last_name, "email": user.email, "enabled": True, "deleted": False,
        "idprovider_id": "mulesoft", "type": "host", "createdAt": iso(user.created_at),
        "lastLogin": iso(user.last_login), "organizationId": user.organization_id,
        "organization": organization_json(user.organization),
        "memberOfOrganizations": [membership_json(org) for org in orgs],
        "contributorOfOrganizations": [membership_json(org) for org in orgs],
        "properties": {},
    }


def client_json(app: ConnectedApp) -> dict:
    return {"client_id": app.client_id, "name": app.name, "org_id": app.owner_org_id,
            "redirect_uris": list(app.redirect_uris), "grant_types": list(app.grant_types)}


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


@bp.get("/profile")
@protected("profile")
def profile():
    return jsonify(user_json(_token_user(current_token())))


def _organization(org_id: str) -> Organization:
    org = session().get(Organization, org_id)
    if org is None:
        raise PlatformError(404, f"Organization {org_id} not found.")
    return org


def environment_json(env: Environment) -> dict:
    return {"id": env.id, "name": env.name, "organizationId": env.organization_id,
            "isProduction": env.is_production, "type": env.type, "clientId": env.client_id}


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
    env = session().get(Environment, env_id)
    if env is None or env.organization_id != _organization(org_id).id:
        raise PlatformError(404, f"Environment {env_id} not found.")
    reason = authorize_scope(current_token(), "view:environment", env)
    if reason:
        raise PlatformError(403, reason)
    return jsonify(environment_json(env))
