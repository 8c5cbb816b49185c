"""Connected apps (OAuth clients), their context scopes, and an organization's authorization policy
(Anypoint's "settings" and "allowlist"; only root organizations have one)."""

import secrets

from authlib.oauth2.rfc6749 import ClientMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import APPS_ID, Base, now

ALL_GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"]


class ConnectedApp(Base, ClientMixin):
    """An OAuth client. ``app_type`` "user" acts on behalf of a user (authorization code),
    "client" acts on its own behalf (client credentials, with context scopes)."""

    __tablename__ = "connected_apps"
    client_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_secret: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    app_type: Mapped[str] = mapped_column(String(10))
    grant_types: Mapped[list] = mapped_column(JSON, default=list)
    redirect_uris: Mapped[list] = mapped_column(JSON, default=list)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    owner_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    enabled: Mapped[bool] = mapped_column(default=True)
    audience: Mapped[str] = mapped_column(String(20), default="internal")
    client_uri: Mapped[str | None] = mapped_column(Text)
    policy_uri: Mapped[str | None] = mapped_column(Text)
    tos_uri: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(default=now)
    updated_at: Mapped[int] = mapped_column(default=now)
    context_scopes: Mapped[list["ConnectedAppScope"]] = relationship(cascade="all, delete-orphan")
    owner: Mapped[User | None] = relationship()

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope):
        """The requested scope when every part is registered; None (→ invalid_scope) otherwise.
        A client-credentials app that asks for nothing gets all its context scopes."""
        if self.app_type == "client":
            registered = {entry.scope for entry in self.context_scopes}
            if not scope:
                return " ".join(sorted(registered))
        else:
            registered = set(self.scopes)
        requested = scope.split() if scope else []
        if not requested or not set(requested) <= registered:
            return None
        return " ".join(dict.fromkeys(requested))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(self.client_secret.encode(), str(client_secret).encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type):
        return self.enabled and grant_type in self.grant_types


class ConnectedAppScope(Base):
    """A context scope of a client-credentials app: a scope in an organization, optionally
    narrowed to one environment (Anypoint's ``context_params`` ``{org, envId}``)."""

    __tablename__ = "connected_app_scopes"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey(APPS_ID, ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(100))
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    environment_id: Mapped[str | None] = mapped_column(ForeignKey("environments.id"))


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
