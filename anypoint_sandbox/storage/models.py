"""The sandbox's tables: who exists (organizations, environments, users and their rights), which
connected apps may ask for access, and what was granted (codes, tokens, consents, keys, audit).

Times are integer epoch seconds (``now()``), except the audit timestamp, which is epoch
milliseconds like Anypoint's audit log. Ids are UUID strings like Anypoint's.
"""

import time
import uuid

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oidc.core import AuthorizationCodeMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .engine import Base

APPS_ID = "connected_apps.client_id"


def now() -> int:
    return int(time.time())


def new_id() -> str:
    return str(uuid.uuid4())


class Organization(Base):
    """A root organization, or a business group when ``parent_id`` is set."""

    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(100), unique=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))
    created_at: Mapped[int] = mapped_column(default=now)
    parent: Mapped["Organization | None"] = relationship(remote_side=[id],
                                                         back_populates="children")
    children: Mapped[list["Organization"]] = relationship(back_populates="parent")
    environments: Mapped[list["Environment"]] = relationship(back_populates="organization")


class Environment(Base):
    """An environment of an organization: type ``production``, ``sandbox`` or ``design``."""

    __tablename__ = "environments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    is_production: Mapped[bool] = mapped_column(default=False)
    client_id: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)
    organization: Mapped[Organization] = relationship(back_populates="environments")


class User(Base):
    """A person who signs in to the sandbox; ``role`` is admin, developer or viewer."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    created_at: Mapped[int] = mapped_column(default=now)
    last_login: Mapped[int | None] = mapped_column()
    organization: Mapped[Organization] = relationship()
    rights: Mapped[list["UserRight"]] = relationship(cascade="all, delete-orphan")

    def get_user_id(self) -> str:
        return self.id


class UserRight(Base):
    """A permission (named by its scope id) a user holds in one environment, or in every
    environment of the user's organization when ``environment_id`` is None."""

    __tablename__ = "user_rights"
    __table_args__ = (UniqueConstraint("user_id", "scope", "environment_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(100))
    environment_id: Mapped[str | None] = mapped_column(ForeignKey("environments.id"))


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
        import secrets

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


class AuthorizationCode(Base, AuthorizationCodeMixin):
    """A single-use code; ``grant_id`` names the grant (token family) issued from it."""

    __tablename__ = "authorization_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    grant_id: Mapped[str] = mapped_column(String(36), default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey(APPS_ID, ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(Text)
    auth_time: Mapped[int] = mapped_column()
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    expires_at: Mapped[int] = mapped_column()
    used_at: Mapped[int | None] = mapped_column()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


class Token(Base):
    """An opaque access token, with the refresh token issued beside it (if any).

    Every token of one grant shares ``grant_id``: revoking the grant revokes them all. A rotated
    refresh token keeps its row (``refresh_token_rotated_at`` set), so presenting it again is
    recognised as reuse.
    """

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[str] = mapped_column(String(36), index=True)
    grant_type: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(ForeignKey(APPS_ID, ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    access_token: Mapped[str] = mapped_column(String(100), unique=True)
    scope: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[int] = mapped_column(default=now)
    expires_in: Mapped[int] = mapped_column()
    auth_time: Mapped[int | None] = mapped_column()
    access_token_revoked_at: Mapped[int | None] = mapped_column()
    refresh_token: Mapped[str | None] = mapped_column(String(100), unique=True)
    refresh_token_expires_at: Mapped[int | None] = mapped_column()
    refresh_token_rotated_at: Mapped[int | None] = mapped_column()
    refresh_token_revoked_at: Mapped[int | None] = mapped_column()
    client: Mapped[ConnectedApp] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()

    def check_client(self, client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope

    @property
    def expires_at(self) -> int:
        return self.issued_at + self.expires_in

    def is_access_token_active(self, at: int | None = None) -> bool:
        return self.access_token_revoked_at is None and (at or now()) < self.expires_at

    def is_refresh_token_active(self, at: int | None = None) -> bool:
        return (
            self.refresh_token is not None
            and self.refresh_token_revoked_at is None
            and self.refresh_token_rotated_at is None
            and (at or now()) < (self.refresh_token_expires_at or 0)
        )


class Consent(Base):
    """The scopes a user has approved for a connected app (remembered between sign-ins): an
    *authorization* in Anypoint's words (``authorization_id`` is ``id``). ``last_used_at`` is
    when a token of it was last used at an API, issued or refreshed."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(ForeignKey(APPS_ID, ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(Text)
    created_at: Mapped[int] = mapped_column(default=now)
    updated_at: Mapped[int] = mapped_column(default=now)
    last_used_at: Mapped[int | None] = mapped_column()
    user: Mapped[User] = relationship()
    client: Mapped[ConnectedApp] = relationship()


class PendingAuthorization(Base):
    """An authorize request waiting for sign-in and consent, kept server-side under an opaque id."""

    __tablename__ = "pending_authorizations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    params: Mapped[dict] = mapped_column(JSON)
    login_required: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[int] = mapped_column(default=now)
    expires_at: Mapped[int] = mapped_column()


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
