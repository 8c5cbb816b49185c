"""The account objects in the shapes of Access Management's spec (``/me``, ``/profile``,
``/users/me``, ``/organizations/{id}``): users, organizations (full and as memberships), owners,
environments. Times are ISO 8601 UTC strings.

The sandbox keeps no phone numbers, no previous sign-in time and no update time, so
``phoneNumber`` is empty, ``previousLastLogin`` repeats ``lastLogin`` and ``updatedAt`` repeats
``createdAt``; a user who never signed in shows ``createdAt`` as ``lastLogin``. Entitlements are
those of the demo subscription (a few keys, in the spec's types), not every key of the spec's
example.
"""

from ..clock import iso
from ..storage import (
    ConnectedApp,
    Environment,
    Organization,
    OrganizationOwnership,
    OrganizationPreference,
    User,
    session,
)

SUBSCRIPTION = {"category": "Trial", "type": "Trial"}
PROPERTIES = {"defaultAccessManagementUi": "cs-ui"}
SESSION_TIMEOUT_MINUTES = 60
ENTITLEMENTS = {
    "createSubOrgs": True, "createEnvironments": True, "globalDeployment": False,
    "hybrid": {"enabled": False}, "cloudhub1": {"enabled": True},
    "vCoresProduction": {"assigned": 1, "reassigned": 0},
    "vCoresSandbox": {"assigned": 1, "reassigned": 0},
    "vCoresDesign": {"assigned": 1, "reassigned": 0},
    "staticIps": {"assigned": 0, "reassigned": 0}, "vpcs": {"assigned": 0, "reassigned": 0},
    "loadBalancer": {"assigned": 0, "reassigned": 0},
    "workerLoggingOverride": {"enabled": False}, "autoscaling": False, "armAlerts": False,
    "apis": {"enabled": True},
}


def _ownership(org: Organization) -> OrganizationOwnership | None:
    return session().get(OrganizationOwnership, org.id)


def _stamps(created: int | None) -> dict:
    return {"createdAt": iso(created), "updatedAt": iso(created)}


def _subscription(org: Organization) -> dict:
    # A trial that never lapses: Anypoint writes the expiration as a date string.
    return {**SUBSCRIPTION, "expiration": iso(org.created_at + 10 * 365 * 24 * 3600)}


def _organization_core(org: Organization) -> dict:
    ownership = _ownership(org)
    return {
        "name": org.name, "id": org.id, **_stamps(org.created_at),
        "ownerId": ownership.owner_user_id if ownership else None,
        "clientId": ownership.client_id if ownership else None,
        "domain": org.domain, "idprovider_id": "mulesoft", "isFederated": False,
        "parentOrganizationIds": _ancestors(org),
        "subOrganizationIds": [child.id for child in org.children],
        "tenantOrganizationIds": [], "isRoot": org.parent_id is None,
        "isMaster": org.parent_id is None, "subscription": _subscription(org),
    }


def _ancestors(org: Organization) -> list[str]:
    ids, current = [], org.parent
    while current is not None:
        ids.insert(0, current.id)
        current = current.parent
    return ids


def organization_json(org: Organization) -> dict:
    """``user.organization`` of ``/me`` and ``/users/me``."""
    return {**_organization_core(org), "entitlements": dict(ENTITLEMENTS),
            "properties": {**PROPERTIES, "cs_auth": {"session_timeout":
                                                     SESSION_TIMEOUT_MINUTES * 60_000}}}


def membership_json(org: Organization) -> dict:
    """An item of ``memberOfOrganizations`` / ``contributorOfOrganizations``."""
    return {**_organization_core(org), "parentId": org.parent_id,
            "parentName": org.parent.name if org.parent else None}


def owner_json(user: User) -> dict:
    """``owner`` of an organization."""
    return user_core(user)


def organization_detail_json(org: Organization) -> dict:
    """``GET /organizations/{id}``: the organization with its owner and environments."""
    ownership = _ownership(org)
    return {**organization_json(org), "orgType": "anypoint",
            "sessionTimeout": SESSION_TIMEOUT_MINUTES,
            "owner": owner_json(ownership.owner) if ownership else None,
            "environments": [environment_json(env) for env in org.environments]}


def environment_json(env: Environment) -> dict:
    return {"id": env.id, "name": env.name, "organizationId": env.organization_id,
            "isProduction": env.is_production, "type": env.type, "clientId": env.client_id}


def user_core(user: User) -> dict:
    """The fields every user object shares."""
    last_login = iso(user.last_login or user.created_at)
    return {
        "id": user.id, **_stamps(user.created_at), "lastLogin": last_login,
        "previousLastLogin": last_login, "firstName": user.first_name,
        "lastName": user.last_name, "email": user.email, "phoneNumber": "",
        "username": user.username, "enabled": True, "deleted": False,
        "idprovider_id": "mulesoft", "type": "host", "organizationId": user.organization_id,
    }


def preferences_json(user: User) -> dict:
    """``organizationPreferences``: ``{orgId: {defaultEnvironment: envId}}``."""
    rows = session().query(OrganizationPreference).filter_by(user_id=user.id)
    return {row.organization_id: {"defaultEnvironment": row.default_environment_id}
            for row in rows}


def member_organizations(user: User) -> list[Organization]:
    return [user.organization, *user.organization.children]


def user_json(user: User) -> dict:
    """The user object of ``/profile`` (and ``user`` of ``/me``)."""
    orgs = member_organizations(user)
    return {
        **user_core(user), "organizationPreferences": preferences_json(user),
        "organization": organization_json(user.organization),
        "memberOfOrganizations": [membership_json(org) for org in orgs],
        "contributorOfOrganizations": [membership_json(org) for org in orgs],
        "properties": {},
    }


def users_me_json(user: User) -> dict:
    """``GET /users/me``: the user without the ``{user}`` wrapper; MuleSoft's CLI reads
    ``organizationPreferences`` and ``memberOfOrganizations`` from it."""
    return {**user_json(user), "ipAllowlistExcluded": False,
            "email_verified_at": iso(user.created_at)}


def client_json(app: ConnectedApp) -> dict:
    return {"client_id": app.client_id, "name": app.name, "org_id": app.owner_org_id,
            "redirect_uris": list(app.redirect_uris), "grant_types": list(app.grant_types)}
