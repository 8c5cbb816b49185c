"""Token storage: issue, look up, claim (single use) and revoke codes and tokens.

The atomic claims (``UPDATE ... WHERE used_at IS NULL``) make codes and refresh tokens single-use
even when two requests race on the threaded server.
"""

import secrets
import uuid
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import InvalidScopeError
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..clock import seconds
from ..storage import AuthorizationCode, Token, new_id, now

REFRESH_TOKEN_LIFETIME = 90 * 24 * 3600  # Anypoint: refresh tokens live 90 days
CODE_LIFETIME = 300


def generate_bearer_token(grant_type, client, user=None, scope=None, expires_in=None,
                          include_refresh_token=True) -> dict:
    """Authlib token generator: an opaque UUID access token (as on Anypoint), ``token_type``
    ``bearer``, and a refresh token only when ``offline_access`` is in the granted scope."""
    scope = client.get_allowed_scope(scope)
    if scope is None:
        raise InvalidScopeError()
    token = {
        "access_token": str(uuid.uuid4()),
        "token_type": "bearer",
        "expires_in": expires_in or current_app.config["SANDBOX_ACCESS_TOKEN_TTL"],
        "scope": scope,
    }
    if include_refresh_token and "offline_access" in scope.split():
        token["refresh_token"] = secrets.token_urlsafe(48)
    return token


def save_token(session: Session, token: dict, request) -> Token:
    """Store a token issued for an Authlib request; it joins the grant of the code or refresh
    token it came from (or starts a new grant)."""
    parent = request.authorization_code or request.refresh_token
    stamp = seconds()
    row = Token(
        grant_id=parent.grant_id if parent else new_id(),
        grant_type=request.payload.grant_type,
        client_id=request.client.client_id,
        user_id=request.user.id if request.user else None,
        access_token=token["access_token"], scope=token.get("scope", ""),
        issued_at=stamp, expires_in=token["expires_in"],
        auth_time=parent.auth_time if parent else None,
    )
    if token.get("refresh_token"):
        row.refresh_token = token["refresh_token"]
        row.refresh_token_expires_at = int(stamp) + REFRESH_TOKEN_LIFETIME
    session.add(row)
    session.commit()
    return row


def claim_code(session: Session, code: str,
               client_id: str) -> tuple[AuthorizationCode | None, bool]:
    """Mark a code used. Returns (code, True) on first use; (code, False) when it was already
    used (the caller must treat it as reuse); (None, False) for unknown codes."""
    item = session.scalars(select(AuthorizationCode).where(
        AuthorizationCode.code == code, AuthorizationCode.client_id == client_id)).first()
    if item is None:
        return None, False
    result = session.execute(update(AuthorizationCode).where(
        AuthorizationCode.id == item.id, AuthorizationCode.used_at.is_(None)).values(used_at=now()))
    session.commit()
    return item, result.rowcount == 1


def claim_refresh_token(session: Session, token: Token) -> bool:
    """Mark a refresh token rotated; False when another request already did (reuse)."""
    result = session.execute(update(Token).where(
        Token.id == token.id, Token.refresh_token_rotated_at.is_(None)
    ).values(refresh_token_rotated_at=now()))
    session.commit()
    return result.rowcount == 1


def revoke_grant(session: Session, grant_id: str) -> None:
    """Revoke every access and refresh token of a grant."""
    stamp = now()
    session.execute(update(Token).where(Token.grant_id == grant_id, Token.access_token_revoked_at
                                        .is_(None)).values(access_token_revoked_at=stamp))
    session.execute(update(Token).where(Token.grant_id == grant_id, Token.refresh_token_revoked_at
                                        .is_(None)).values(refresh_token_revoked_at=stamp))
    session.commit()


def find_access_token(session: Session, value: str) -> Token | None:
    return session.scalars(select(Token).where(Token.access_token == value)).first()


def find_refresh_token(session: Session, value: str) -> Token | None:
    return session.scalars(select(Token).where(Token.refresh_token == value)).first()


@dataclass
class TokenReference:
    """A token string resolved to its row: ``kind`` is "access_token" or "refresh_token".
    Implements what Authlib's revocation and introspection endpoints ask of a token."""

    kind: str
    row: Token

    def check_client(self, client) -> bool:
        return self.row.client_id == client.client_id

    def get_scope(self) -> str:
        return self.row.scope

    def is_expired(self) -> bool:
        if self.kind == "refresh_token":
            return now() >= (self.row.refresh_token_expires_at or 0)
        return seconds() >= self.row.expires_at

    def is_revoked(self) -> bool:
        if self.kind == "refresh_token":
            return (self.row.refresh_token_revoked_at is not None
                    or self.row.refresh_token_rotated_at is not None)
        return self.row.access_token_revoked_at is not None


def find_token(session: Session, value: str, hint: str | None) -> TokenReference | None:
    """Resolve a token string, trying the hinted type first (RFC 7009 §2.1)."""
    order = ["refresh_token", "access_token"] if hint == "refresh_token" else [
        "access_token", "refresh_token"]
    for kind in order:
        finder = find_refresh_token if kind == "refresh_token" else find_access_token
        row = finder(session, value)
        if row is not None:
            return TokenReference(kind, row)
    return None
