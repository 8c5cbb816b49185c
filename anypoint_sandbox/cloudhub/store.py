"""Where the sandbox keeps CloudHub 1.0 applications, and how it shows them in Anypoint's JSON.

One row per application. The domain is unique across the sandbox (as `<domain>.cloudhub.io` is
on CloudHub), whatever the environment. The status is never stored: the row keeps the lifecycle
facts (`lifecycle.Deployment`) and `as_json` derives the status from them and the clock.

A deleted application keeps its row, marked DELETED, for one SANDBOX_DEPLOY_SECONDS so that
lists show it going away (as Runtime Manager does); its file is removed at once and its name is
free at once: `find_live` ignores it and creating an application of that name drops the row.
"""

import uuid

from sqlalchemy import JSON, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..storage.engine import Base
from ..storage.engine import session as db_session
from . import lifecycle
from .domains import full_domain
from .runtime import find_runtime, find_worker_type


class Application(Base):
    """A CloudHub 1.0 application in one environment, with its deployed JAR."""

    __tablename__ = "cloudhub_applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    domain: Mapped[str] = mapped_column(String(42), unique=True)
    environment_id: Mapped[str] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    organization_id: Mapped[str] = mapped_column(String(36))
    workers: Mapped[int] = mapped_column()
    worker_type: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(30))
    mule_version: Mapped[str] = mapped_column(String(40))
    properties: Mapped[dict] = mapped_column(JSON, default=dict)
    file_name: Mapped[str] = mapped_column(String(255))
    file_path: Mapped[str | None] = mapped_column(Text)  # None once deleted
    file_size: Mapped[int] = mapped_column()
    file_sha256: Mapped[str] = mapped_column(String(64))
    min_mule_version: Mapped[str] = mapped_column(String(40))
    # The lifecycle facts (lifecycle.Deployment), as stored columns.
    action: Mapped[str] = mapped_column(String(10))
    action_at: Mapped[float] = mapped_column()
    was_serving: Mapped[bool] = mapped_column(default=False)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    last_update_ms: Mapped[int] = mapped_column()
    user_id: Mapped[str | None] = mapped_column(String(36))  # the client id for client tokens
    user_name: Mapped[str | None] = mapped_column(String(200))

    @property
    def deployment(self) -> lifecycle.Deployment:
        return lifecycle.Deployment(lifecycle.Action(self.action), self.action_at,
                                    self.was_serving, self.failure_reason)

    @deployment.setter
    def deployment(self, value: lifecycle.Deployment) -> None:
        self.action, self.action_at = value.action.value, value.started_at
        self.was_serving, self.failure_reason = value.was_serving, value.failure_reason
        self.last_update_ms = int(value.started_at * 1000)

    def observe(self, now: float, deploy_seconds: float) -> lifecycle.Observation:
        return lifecycle.observe(self.deployment, now, deploy_seconds)

    def gone(self, now: float, deploy_seconds: float) -> bool:
        """True once a deleted application should no longer be shown at all."""
        return self.action == lifecycle.Action.DELETE and now >= self.action_at + deploy_seconds


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


def as_json(app: Application, now: float, deploy_seconds: float) -> dict:
    """The application in CloudHub 1.0's JSON shape (reference §5.1), its status as of `now`."""
    status, update_status, reason = app.observe(now, deploy_seconds)
    runtime = find_runtime(app.mule_version)
    kind = find_worker_type(app.worker_type)
    mule_version = {"version": app.mule_version}
    if runtime is not None:
        mule_version.update(releaseChannel=runtime.release_channel,
                            javaVersion=runtime.java_version,
                            endOfSupportDate=runtime.as_json()["endOfSupportDate"])
    body = {
        "id": app.id, "domain": app.domain, "fullDomain": full_domain(app.domain),
        "description": "", "properties": dict(app.properties), "propertiesOptions": {},
        "status": status.value,
        "workers": {"amount": app.workers,
                    "type": kind.as_json() if kind else {"name": app.worker_type}},
        "workerStatuses": [], "lastUpdateTime": app.last_update_ms,
        "fileName": app.file_name, "muleVersion": mule_version, "region": app.region,
        "userId": app.user_id, "userName": app.user_name, "hasFile": app.file_path is not None,
        "tenants": 0, "multitenanted": False, "monitoringEnabled": True,
        "monitoringAutoRestart": True, "persistentQueues": False, "objectStoreV1": False,
        "staticIPsEnabled": False, "secureDataGatewayEnabled": False, "vpnEnabled": False,
        "loggingCustomLog4JEnabled": False, "trackingSettings": {"trackingLevel": "DISABLED"},
        "logLevels": [], "ipAddresses": [],
    }
    if update_status is not None:
        body["deploymentUpdateStatus"] = update_status.value
    if reason is not None:
        body["deploymentFailureReason"] = reason
    return body
