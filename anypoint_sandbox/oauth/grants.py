"""The Authlib grants and extensions the sandbox registers, bound to its storage.

Authorization code (single use; reuse revokes what the code issued), PKCE with S256 only, refresh
tokens rotated on every use (reuse revokes the whole grant, RFC 9700), client credentials, and the
OpenID Connect ID token (RS256 with ``kid``) on code exchange and on refresh.
"""

from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode, OpenIDToken
from flask import current_app, request
from sqlalchemy import select

from ..access_management import audit
from ..storage import AuthorizationCode, User, now, session
from . import keys, tokens

CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def save_authorization_code(self, code, request):
        data = request.payload.data
        item = AuthorizationCode(
            code=code, client_id=request.client.client_id, user_id=request.user.id,
            redirect_uri=request.payload.redirect_uri or "", scope=request.scope or "",
            nonce=data.get("nonce"), auth_time=getattr(request, "auth_time", None) or now(),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            expires_at=now() + tokens.CODE_LIFETIME,
        )
        session().add(item)
        session().commit()
        return item

    def query_authorization_code(self, code, client):
        """The code, claimed for this exchange; a second use revokes its grant (RFC 6749 §4.1.2)."""
        item, first_use = tokens.claim_code(session(), code, client.client_id)
        if item is None:
            return None
        if not first_use:
            tokens.revoke_grant(session(), item.grant_id)
            raise InvalidGrantError("The authorization code was already used; "
                                    "the tokens issued from it are revoked.")
        if item.expires_at <= now():
            raise InvalidGrantError("The authorization code has expired.")
        return item

    def delete_authorization_code(self, authorization_code):
        """Nothing to do: the code was marked used when it was claimed."""

    def authenticate_user(self, authorization_code):
        return session().get(User, authorization_code.user_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        """The active token row; a rotated (already used) token revokes its whole grant."""
        row = tokens.find_refresh_token(session(), refresh_token)
        if row is None:
            return None
        if row.refresh_token_rotated_at is not None:
            self._reuse_detected(row)
        return row if row.is_refresh_token_active() else None

    def validate_token_request(self):
        super().validate_token_request()
        if not tokens.claim_refresh_token(session(), self.request.refresh_token):
            self._reuse_detected(self.request.refresh_token)

    def _reuse_detected(self, row):
        tokens.revoke_grant(session(), row.grant_id)
        audit.record("Revoke Tokens", "Connected Application", object_id=row.client_id,
                     object_name=row.client.name, user=row.user, connected_app=row.client,
                     payload={"reason": "refresh token reuse", "grantTypes": ["refresh_token"]})
        raise InvalidGrantError("The refresh token was already used; its grant is revoked.")

    def authenticate_user(self, refresh_token):
        return refresh_token.user

    def revoke_old_credential(self, refresh_token):
        """Nothing to do: the old refresh token was marked rotated when it was claimed."""


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only: a challenge must name ``code_challenge_method=S256``."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        method = data.get("code_challenge_method")
        if data.get("code_challenge") and method != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class IdTokenClaims:
    """How the sandbox signs ID tokens: RS256 with the current key's ``kid``, its issuer,
    ``aud`` the client id, and the user's claims."""

    def _key(self):
        # One key per HTTP request, so header ``kid`` and signature agree even mid-rotation.
        environ = request.environ
        if "sandbox.signing_key" not in environ:
            environ["sandbox.signing_key"] = keys.current_signing_key(session())
        return environ["sandbox.signing_key"]

    def resolve_client_private_key(self, client):
        return self._key()

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self._key().kid, "typ": "JWT"}

    def get_client_claims(self, client):
        stamp = now()
        return {"iss": current_app.config["SANDBOX_ISSUER"], "aud": client.client_id,
                "iat": stamp, "exp": stamp + current_app.config["SANDBOX_ACCESS_TOKEN_TTL"]}

    def get_compatible_claims(self, request):
        claims = super().get_compatible_claims(request)
        if request.refresh_token is not None and request.refresh_token.auth_time:
            claims["auth_time"] = request.refresh_token.auth_time
        return claims

    def generate_user_info(self, user, scope):
        return user_claims(user, scope)


def user_claims(user, scope: str) -> UserInfo:
    """The OpenID claims of a user; ``email`` claims only with the ``email`` scope."""
    info = UserInfo(sub=user.id, preferred_username=user.username,
                    name=f"{user.first_name} {user.last_name}", given_name=user.first_name,
                    family_name=user.last_name)
    if "email" in scope.split():
        info["email"] = user.email
        info["email_verified"] = True
    return info


class SandboxOpenIDCode(IdTokenClaims, OpenIDCode):
    def exists_nonce(self, nonce, request):
        return session().scalars(select(AuthorizationCode.id).where(
            AuthorizationCode.client_id == request.payload.client_id,
            AuthorizationCode.nonce == nonce)).first() is not None


class SandboxOpenIDRefresh(IdTokenClaims, OpenIDToken):
    """Adds an ID token (same ``sub``, no nonce) to refresh responses when ``openid`` is granted."""
