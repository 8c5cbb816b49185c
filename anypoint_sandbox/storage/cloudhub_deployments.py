"""The deployments of a CloudHub 1.0 application: one row per deploy, redeploy, start or
restart, holding the moves made during it (``events``: ``[[kind, at, failure_reason], …]``),
from which ``cloudhub.deployments`` derives its times, instances and log lines."""

import secrets

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


def object_id() -> str:
    """A 24-hex id, as CloudHub's deployment ids are (MongoDB object ids)."""
    return secrets.token_hex(12)


class CloudHubDeployment(Base):
    """One deployment of an application (its workers from creation to the end)."""

    __tablename__ = "cloudhub_deployments"
    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=object_id)
    application_id: Mapped[str] = mapped_column(
        ForeignKey("cloudhub_applications.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[float] = mapped_column()
    workers: Mapped[int] = mapped_column()
    region: Mapped[str] = mapped_column(String(30))
    mule_version: Mapped[str] = mapped_column(String(40))
    events: Mapped[list] = mapped_column(JSON, default=list)
