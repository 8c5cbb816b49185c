"""What the platform keeps for itself: signing keys, generated settings and the audit log."""

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class SigningKey(Base):
    """An RS256 key for ID tokens. The newest unretired key signs; retired keys stay published
    in the JWKS until ``retired_at`` plus the grace period."""

    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column()
    retired_at: Mapped[int | None] = mapped_column()


class Setting(Base):
    """A generated value the sandbox keeps between starts (e.g. its session secret key)."""

    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One audit record in the shape of Anypoint's audit log (see ``audit.py``)."""

    __tablename__ = "audit_entries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    timestamp: Mapped[int] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(200))
    object_name: Mapped[str | None] = mapped_column(String(200))
    user_name: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[str | None] = mapped_column(String(36))
    organization_id: Mapped[str | None] = mapped_column(String(36))
    client_id: Mapped[str | None] = mapped_column(String(32))
    client_name: Mapped[str | None] = mapped_column(String(200))
    environment_name: Mapped[str | None] = mapped_column(String(100))
    environment_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
