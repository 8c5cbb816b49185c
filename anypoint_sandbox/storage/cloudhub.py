"""CloudHub 1.0 applications, one row each, with the deployed JAR and the lifecycle facts from
which ``cloudhub.store`` derives the status (the status itself is never stored)."""

import uuid

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..cloudhub import lifecycle
from .base import Base


class CloudHubApplication(Base):
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
