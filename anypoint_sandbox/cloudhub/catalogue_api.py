"""What CloudHub offers and the organization's CloudHub account, at Anypoint's paths:
``/mule-versions`` (and one version), ``/regions``, ``/organization``. Any token that may read
applications may read them; an ``X-ANYPNT-ENV-ID`` header, when sent, must be the token's."""

from flask import jsonify, request
from sqlalchemy import select

from ..api.auth import current_token, protected
from ..storage import CloudHubApplication, Organization, OrganizationOwnership, session
from ..web.errors import PlatformError
from . import context
from .blueprint import bp, deploy_seconds
from .runtime import DEFAULT_REGION, MULE_RUNTIMES, REGION_NAMES, WORKER_TYPES, find_runtime
from .store import PLAN_WORKERS

MAX_WORKERS_PER_KIND = PLAN_WORKERS


@bp.get("/mule-versions")
@protected("read:applications", environment=context.optional_environment)
def mule_versions():
    """``{data, total}``, newest first, filtered by ``releaseChannel``, ``javaVersion`` and
    ``recommended`` when given."""
    channel, java = request.args.get("releaseChannel"), request.args.get("javaVersion")
    recommended = request.args.get("recommended")
    data = [runtime.as_json() for runtime in MULE_RUNTIMES
            if (channel is None or runtime.release_channel == channel.upper())
            and (java is None or runtime.java_version == java)
            and (recommended is None or str(runtime.recommended).lower() == recommended.lower())]
    return jsonify(data=data, total=len(data))


@bp.get("/mule-versions/<version>")
@protected("read:applications", environment=context.optional_environment)
def mule_version(version: str):
    """One runtime of the catalogue; 404 for a version CloudHub does not offer."""
    runtime = find_runtime(version)
    if runtime is None:
        raise PlatformError(404, f"Mule runtime {version[:40]!r} is not offered.")
    return jsonify(runtime.as_json())


@bp.get("/regions")
@protected("read:applications", environment=context.optional_environment)
def regions():
    """``[{id, name, default}]``: where CloudHub 1.0 runs workers."""
    return jsonify([{"id": region, "name": name, "default": region == DEFAULT_REGION}
                    for region, name in REGION_NAMES.items()])


def _usage(org: Organization) -> dict:
    environments = {env.id: env for env in org.environments}
    rows = session().scalars(select(CloudHubApplication).where(
        CloudHubApplication.environment_id.in_(environments)))
    now, seconds = context.clock(), deploy_seconds()
    usage = dict.fromkeys(("productionApplications", "sandboxApplications", "productionWorkers",
                           "sandboxWorkers", "productionTenants", "sandboxTenants",
                           "standardConnectors", "premiumConnectors"), 0)
    for app in rows:
        if app.gone(now, seconds):
            continue
        kind = "production" if environments[app.environment_id].is_production else "sandbox"
        usage[f"{kind}Applications"] += 1
        usage[f"{kind}Workers"] += app.workers
    usage["productions"] = sum(env.is_production for env in org.environments)
    usage["sandboxes"] = len(org.environments) - usage["productions"]
    return usage


@bp.get("/organization")
@protected("read:applications", environment=context.optional_environment)
def organization():
    """The CloudHub account of the token's organization: plan, worker types and usage."""
    org = session().get(Organization, context.token_organization_id(current_token()))
    ownership = session().get(OrganizationOwnership, org.id)
    created = context.iso_ms(org.created_at)
    return jsonify({
        "id": org.id, "csId": org.id, "name": org.name,
        "adminUserId": ownership.owner_user_id if ownership else None,
        "adminUsername": ownership.owner.username if ownership else None,
        "created": created, "updated": created, "enabled": True,
        "expiration": {"date": context.iso_ms(org.created_at + 10 * 365 * 24 * 3600)},
        "globalDeployment": {"enabled": False},
        "multitenancy": {"enabled": False, "maxTenants": 0},
        "plan": {"subscriptionLevel": "Trial", "maxProductionWorkers": MAX_WORKERS_PER_KIND,
                 "maxSandboxWorkers": MAX_WORKERS_PER_KIND,
                 "workerTypes": [{**kind.as_json(), "workerVal": kind.weight}
                                 for kind in WORKER_TYPES],
                 "maxStandardConnectors": 0, "maxPremiumConnectors": 0, "apiFabric": False,
                 "secureDataGateway": False, "roleBasedAccess": True, "directVpn": False},
        "downloadApplicationsEnabled": True, "persistentQueuesEncryptionEnabled": False,
        "usage": _usage(org),
    })

