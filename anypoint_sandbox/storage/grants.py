"""What was granted: authorization codes, tokens, remembered consents, and authorize requests
waiting for sign-in and consent."""

from authlib.oidc.core import AuthorizationCodeMixin
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import seconds
from .accounts import User
from .apps import ConnectedApp
from .base import APPS_ID, Base, new_id, now


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
    # With its fraction, so a token lives exactly expires_in seconds (not up to 1 s less).
    issued_at: Mapped[float] = mapped_column(default=seconds)
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
    def expires_at(self) -> float:
        return self.issued_at + self.expires_in

    def is_access_token_active(self, at: float | None = None) -> bool:
        return self.access_token_revoked_at is None and (at or seconds()) < self.expires_at

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
