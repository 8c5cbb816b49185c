"""Authorization-server wiring: one Authlib AuthorizationServer and ResourceProtector per app.

``init_app(app)`` registers the client authentication methods (``client_auth``), the grants
(code + OpenID + PKCE S256, refresh with rotation, client credentials), revocation (RFC 7009),
introspection (RFC 7662; both ignore an unknown ``token_type_hint``) and the RFC 9207 ``iss``
parameter.
``authorization_server()`` and ``resource_protector()`` return the current app's instances.
"""

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Request
from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Request
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9207 import IssuerParameter
from flask import Flask, current_app
from flask import request as flask_request

from ..access_management import audit, revocation
from ..access_management.scopes import all_scope_names
from ..storage import ConnectedApp, session
from . import client_auth, grants, tokens

REALM = "Anypoint Platform"


class ParamsOAuth2Request(OAuth2Request):
    """An OAuth2Request whose parameters come from a dict: a JSON body, or an authorize request
    kept server-side while the user signs in."""

    def __init__(self, method: str, uri: str, headers, params: dict):
        super().__init__(method, uri, headers=headers)
        self.params = params
        self.payload = BasicOAuth2Payload(params)

    @property
    def args(self):
        return self.params

    @property
    def form(self):
        return self.params


class SandboxAuthorizationServer(AuthorizationServer):
    """Flask AuthorizationServer that also reads JSON token requests (Anypoint accepts both)."""

    def create_oauth2_request(self, request):
        if isinstance(request, OAuth2Request):
            return request
        if flask_request.method == "POST" and flask_request.is_json:
            body = flask_request.get_json(silent=True)
            params = {key: value for key, value in body.items() if isinstance(value, str)} if (
                isinstance(body, dict)) else {}
            return ParamsOAuth2Request("POST", flask_request.url, flask_request.headers, params)
        return FlaskOAuth2Request(flask_request)


class SandboxIssuer(IssuerParameter):
    def get_issuer(self) -> str:
        return current_app.config["SANDBOX_ISSUER"]


class AccessTokenValidator(BearerTokenValidator):
    """Finds opaque access tokens; expired or revoked ones are invalid. Scopes and rights are
    decided afterwards by ``permissions.authorize_scope``."""

    def authenticate_token(self, token_string):
        return tokens.find_access_token(session(), token_string)

    def validate_token(self, token, scopes, request):
        if token is None or not token.is_access_token_active():
            raise InvalidTokenError(realm=self.realm)


def _require_token(request) -> None:
    """Only ``token`` is required; an unknown ``token_type_hint`` is ignored and every type
    searched (RFC 7009 §2.1, RFC 7662 §2.1), where Authlib refuses it."""
    if not request.form.get("token"):
        raise InvalidRequestError("Send the token to revoke or introspect as 'token'.")


class TokenRevocation(RevocationEndpoint):
    """RFC 7009: a refresh token revokes its whole grant; an access token only itself."""

    CLIENT_AUTH_METHODS = grants.CLIENT_AUTH_METHODS

    def check_params(self, request, client):
        _require_token(request)

    def query_token(self, token_string, token_type_hint):
        return tokens.find_token(session(), token_string, token_type_hint)

    def revoke_token(self, token, request):
        row = token.row
        if token.kind == "refresh_token":
            tokens.revoke_grant(session(), row.grant_id)
        else:
            row.access_token_revoked_at = row.access_token_revoked_at or tokens.now()
            session().commit()
        audit.record("Revoke Tokens", "Connected Application", object_id=row.client_id,
                     object_name=row.client.name, user=row.user, connected_app=row.client,
                     payload=audit.app_payload(row.client, [row.grant_type],
                                               tokenType=token.kind))


class TokenIntrospection(IntrospectionEndpoint):
    """RFC 7662 for the client the token was issued to; other clients see ``active: false``."""

    CLIENT_AUTH_METHODS = grants.CLIENT_AUTH_METHODS

    def check_params(self, request, client):
        _require_token(request)

    def query_token(self, token_string, token_type_hint):
        return tokens.find_token(session(), token_string, token_type_hint)

    def check_permission(self, token, client, request):
        return token.check_client(client)

    def introspect_token(self, token):
        row = token.row
        is_refresh = token.kind == "refresh_token"
        return {
            "active": True, "scope": row.scope, "client_id": row.client_id,
            "username": row.user.username if row.user else None,
            "sub": row.user_id or row.client_id,
            "exp": row.refresh_token_expires_at if is_refresh else int(row.expires_at),
            "iat": int(row.issued_at), "token_type": "refresh_token" if is_refresh else "bearer",
            "iss": current_app.config["SANDBOX_ISSUER"], "aud": row.client_id,
        }


def _query_client(client_id):
    if not isinstance(client_id, str) or len(client_id) > 64:
        return None
    app = session().get(ConnectedApp, client_id)
    return app if app is not None and app.enabled else None


def _save_token(token, request):
    row = tokens.save_token(session(), token, request)
    revocation.record_use(row)
    return row


def init_app(app: Flask) -> None:
    """Create and register the app's authorization server and resource protector."""
    server = SandboxAuthorizationServer()
    server.init_app(app, query_client=_query_client, save_token=_save_token)
    client_auth.init_server(server)
    server.register_token_generator("default", tokens.generate_bearer_token)
    server.scopes_supported = all_scope_names()
    server.register_grant(grants.AuthorizationCodeGrant,
                          [grants.SandboxOpenIDCode(require_nonce=False),
                           grants.S256CodeChallenge(required=True)])
    server.register_grant(grants.RefreshTokenGrant, [grants.SandboxOpenIDRefresh()])
    server.register_grant(grants.ClientCredentialsGrant)
    server.register_endpoint(TokenRevocation)
    server.register_endpoint(TokenIntrospection)
    server.register_extension(SandboxIssuer())
    protector = ResourceProtector()
    protector.register_token_validator(AccessTokenValidator(realm=REALM))
    app.extensions["sandbox_authorization_server"] = server
    app.extensions["sandbox_resource_protector"] = protector


def authorization_server() -> SandboxAuthorizationServer:
    return current_app.extensions["sandbox_authorization_server"]


def resource_protector() -> ResourceProtector:
    return current_app.extensions["sandbox_resource_protector"]
