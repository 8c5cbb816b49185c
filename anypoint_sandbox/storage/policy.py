"""The tables of an organization's connected-app authorization policy (Anypoint's "settings" and
"allowlist"). Only root organizations have them; business groups follow their root."""

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .engine import Base
from .models import APPS_ID, now

ALL_GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"]


class AuthorizationPolicy(Base):
    """Unrestricted (``allowlist_enabled`` false, the default) or Restricted: only allowlisted
    apps may ask users for access. Apps owned by the organization are auto-approved unless
    ``allowlist_internal_applications`` is false. ``applications_enabled`` is "all", "none"
    or "partial" (only ``grant_types_allowed``)."""

    __tablename__ = "authorization_policies"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"),
                                                 primary_key=True)
    allowlist_enabled: Mapped[bool] = mapped_column(default=False)
    allowlist_internal_applications: Mapped[bool] = mapped_column(default=True)
    applications_enabled: Mapped[str] = mapped_column(String(10), default="all")
    grant_types_allowed: Mapped[list] = mapped_column(JSON, default=lambda: list(ALL_GRANT_TYPES))
    updated_at: Mapped[int] = mapped_column(default=now)


class AllowlistEntry(Base):
    """A connected app the organization's admin approved, with the scopes approved for it."""

    __tablename__ = "allowlist_entries"
    __table_args__ = (UniqueConstraint("organization_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    client_id: Mapped[str] = mapped_column(ForeignKey(APPS_ID, ondelete="CASCADE"))
    authorized_scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[int] = mapped_column(default=now)
