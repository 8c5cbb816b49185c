"""Where the sandbox keeps CloudHub 1.0 applications, and how it shows them in Anypoint's JSON.

One row per application. The domain is unique across the sandbox (as `<domain>.cloudhub.io` is
on CloudHub), whatever the environment. The status is never stored: the row keeps the lifecycle
facts (`lifecycle.Deployment`) and `as_json` derives the status from them and the clock.

A deleted application keeps its row, marked DELETED, for one SANDBOX_DEPLOY_SECONDS so that
lists show it going away (as Runtime Manager does); its file is removed at once and its name is
free at once: `find_live` ignores it and creating an application of that name drops the row.
"""

from sqlalchemy import select

from ..storage import CloudHubApplication as Application
from ..storage import Environment
from ..storage import session as db_session
from . import deployments, lifecycle
from .domains import full_domain
from .runtime import find_runtime, find_worker_type

#: Workers the organization's plan has in production, and again in other environments.
PLAN_WORKERS = 10


def find_live(domain: str) -> Application | None:
    """The application called `domain` in any environment, unless it was deleted."""
    found = db_session().scalar(select(Application).where(Application.domain == domain))
    return None if found is None or found.action == lifecycle.Action.DELETE else found


def find_shown(domain: str, environment_id: str, now: float, deploy_seconds: float):
    """The application called `domain` in that environment as GET shows it (a deleted one only
    during its DELETED moment), or None."""
    found = db_session().scalar(select(Application).where(
        Application.domain == domain, Application.environment_id == environment_id))
    return None if found is None or found.gone(now, deploy_seconds) else found


def list_shown(environment_id: str, now: float, deploy_seconds: float) -> list[Application]:
    """The environment's applications by domain, with deleted ones only during their moment."""
    rows = db_session().scalars(select(Application).where(
        Application.environment_id == environment_id).order_by(Application.domain))
    return [row for row in rows if not row.gone(now, deploy_seconds)]


def drop_deleted(domain: str) -> None:
    """Remove the row of a deleted application called `domain`, so the name can be reused."""
    found = db_session().scalar(select(Application).where(Application.domain == domain))
    if found is not None and found.action == lifecycle.Action.DELETE:
        db_session().delete(found)
        db_session().flush()


def mule_version_json(version: str, latest: bool = True) -> dict:
    """``muleVersion`` (or ``previousMuleVersion``, ``latest=False``) of an application."""
    runtime = find_runtime(version)
    if runtime is None:
        return {"version": version}
    body = {"version": version, "updateId": runtime.update_id, **runtime.dates(),
            "updateVersion": runtime.update_version, "releaseChannel": runtime.release_channel,
            "javaVersion": runtime.java_version}
    if latest:
        body["latestUpdateId"] = runtime.update_id
    return body


def _workers(app: Application, now: float, deploy_seconds: float) -> dict:
    """``workers``, with what the organization has left of its plan in that kind of
    environment (production or not)."""
    kind = find_worker_type(app.worker_type)
    production = db_session().get(Environment, app.environment_id).is_production
    environments = select(Environment.id).where(
        Environment.organization_id == app.organization_id,
        Environment.is_production == production)
    used = sum(row.workers for row in db_session().scalars(select(Application).where(
        Application.environment_id.in_(environments))) if not row.gone(now, deploy_seconds))
    return {"amount": app.workers,
            "type": kind.as_json() if kind else {"name": app.worker_type},
            "remainingOrgWorkers": max(0, PLAN_WORKERS - used), "totalOrgWorkers": PLAN_WORKERS,
            "recentStatistics": {"transactions": 0, "cpu": 0.0}}


def _worker_statuses(app: Application, now: float, deploy_seconds: float) -> list[dict]:
    shown = deployments.deployments_json(app, now, deploy_seconds)
    instances = shown[-1]["instances"] if shown else []
    return [{"id": item["instanceId"], "host": item["publicIPAddress"], "port": 8081,
             "status": item["status"], "deployedRegion": item["region"]} for item in instances]


def as_json(app: Application, now: float, deploy_seconds: float) -> dict:
    """The application in CloudHub 1.0's JSON shape (the spec's example: VPN and deployment
    group fields are left out, as the sandbox has neither), its status as of `now`."""
    status, update_status, reason = app.observe(now, deploy_seconds)
    body = {
        "id": app.id, "domain": app.domain, "fullDomain": full_domain(app.domain),
        "description": "", "properties": dict(app.properties), "propertiesOptions": {},
        "status": status.value, "workers": _workers(app, now, deploy_seconds),
        "workerStatuses": _worker_statuses(app, now, deploy_seconds),
        "lastUpdateTime": app.last_update_ms,
        "fileName": app.file_name, "muleVersion": mule_version_json(app.mule_version),
        "region": app.region,
        "userId": app.user_id, "userName": app.user_name, "hasFile": app.file_path is not None,
        "tenants": 0, "multitenanted": False, "monitoringEnabled": True,
        "monitoringAutoRestart": True, "persistentQueues": False,
        "persistentQueuesEncrypted": False, "persistentQueuesEncryptionEnabled": False,
        "objectStoreV1": False, "staticIPsEnabled": False, "secureDataGatewayEnabled": False,
        "vpnEnabled": False, "loggingCustomLog4JEnabled": False,
        "trackingSettings": {"trackingLevel": "DISABLED"}, "logLevels": [], "ipAddresses": [],
    }
    previous = deployments.previous_mule_version(app)
    if previous is not None:
        body["previousMuleVersion"] = mule_version_json(previous, latest=False)
    if update_status is not None:
        body["deploymentUpdateStatus"] = update_status.value
    if reason is not None:
        body["deploymentFailureReason"] = reason
    return body
