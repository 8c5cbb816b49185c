"""What Anypoint says about an organization and a member beyond who they are: who owns the
organization (and its client id), and each user's default environment per organization
(``organizationPreferences`` in ``/me``, which MuleSoft's CLI follows without ``--environment``)."""

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Environment, Organization, User
from .base import Base


class OrganizationOwnership(Base):
    """The owner of an organization or business group (``ownerId``) and its ``clientId``."""

    __tablename__ = "organization_ownerships"
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    owner_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)
    organization: Mapped[Organization] = relationship()
    owner: Mapped[User] = relationship()


class OrganizationPreference(Base):
    """A user's default environment in one organization."""

    __tablename__ = "organization_preferences"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    organization_id: Mapped[str] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    default_environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"))
    default_environment: Mapped[Environment] = relationship()
