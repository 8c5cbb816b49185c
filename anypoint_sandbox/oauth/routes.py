"""The OpenID Connect / OAuth 2.0 endpoints under ``/accounts/api/v2/oauth2/``."""

import re

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import (
    InsecureTransportError,
    InvalidRequestError,
    UnsupportedResponseTypeError,
)
from flask import Blueprint, current_app, jsonify, request

from ..access_management import audit
from ..storage import session
from ..web.session import signed_in_user
from . import authorization, keys
from .discovery import openid_configuration
from .grants import user_claims
from .server import REALM, authorization_server, resource_protector
from .server import _query_client as find_client

bp = Blueprint("oauth", __name__, url_prefix="/accounts/api/v2/oauth2")
#: What an error_description may quote (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E).
QUOTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")


@bp.get("/.well-known/openid-configuration")
def discovery():
    return jsonify(openid_configuration(current_app.config["SANDBOX_ISSUER"]))


@bp.get("/keys")
def jwks():
    grace = current_app.config["SANDBOX_KEY_GRACE_SECONDS"]
    response = jsonify(keys.jwks(session(), grace))
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    """Validate the request; a bad client or redirect URI gets an error page (400), other errors
    go back to the app. A valid request is kept server-side and the user signs in / consents."""
    server = authorization_server()
    oauth_request = server.create_oauth2_request(None)
    unquotable = [name for name in ("response_type", "redirect_uri")
                  if not QUOTABLE.fullmatch(oauth_request.payload.data.get(name) or "")]
    if unquotable:  # Authlib quotes them in its errors, and refuses to (a 500)
        return authorization.error_response(InvalidRequestError(
            f"The {unquotable[0]} holds characters an OAuth request cannot carry (only "
            "printable ASCII without quotes or backslashes)."))
    user = signed_in_user()
    try:
        grant = server.get_consent_grant(request=oauth_request, end_user=user)
    except UnsupportedResponseTypeError as error:
        error.state = oauth_request.payload.state
        return authorization.error_response(error)
    except OAuth2Error as error:
        return authorization.error_response(error)
    return authorization.begin(grant)


@bp.post("/token")
def issue_token():
    """Token endpoint (form or JSON body; client_secret_post or client_secret_basic)."""
    server = authorization_server()
    oauth_request = server.create_oauth2_request(None)
    response = server.create_token_response(oauth_request)
    _audit_token_request(oauth_request, response)
    return response


def _audit_token_request(oauth_request, response) -> None:
    app = oauth_request.client or find_client(oauth_request.payload.client_id)
    grant_type = oauth_request.payload.grant_type
    client_ip = request.remote_addr
    if response.status_code == 200:
        audit.record("Login - Token", "Connected Application", object_id=app.client_id,
                     object_name=app.name, user=oauth_request.user, connected_app=app,
                     payload=audit.app_payload(app, [grant_type]))
        return
    body = response.get_json(silent=True) or {}
    client_id = app.client_id if app else oauth_request.payload.client_id
    audit.record("Login - Token", "Connected Application", object_id=client_id,
                 connected_app=app, organization_id=app.owner_org_id if app else None,
                 payload={"clientID": client_id, "clientIP": client_ip, "grantType": grant_type,
                          "Error Message": body.get("error_description") or body.get("error"),
                          "failed": True})


@bp.route("/userinfo", methods=["GET", "POST"])
def userinfo():
    """OpenID userinfo for a bearer token granted ``openid`` (RFC 6750 errors otherwise)."""
    try:
        token = resource_protector().acquire_token()
    except OAuth2Error as error:
        status, body, headers = error()
        response = jsonify(dict(body))
        response.status_code = 401
        response.headers["WWW-Authenticate"] = (
            f'Bearer realm="{REALM}", error="invalid_token", '
            'error_description="The access token is missing, expired or revoked."')
        return response
    if token.user is None or "openid" not in token.scopes:
        response = jsonify(error="insufficient_scope",
                           error_description="The access token was not granted 'openid'.")
        response.status_code = 403
        response.headers["WWW-Authenticate"] = 'Bearer error="insufficient_scope", scope="openid"'
        return response
    return jsonify(dict(user_claims(token.user, token.scope)))


@bp.post("/revoke")
def revoke():
    """RFC 7009: 200 also for unknown tokens."""
    return authorization_server().create_endpoint_response("revocation")


@bp.post("/introspect")
def introspect():
    """RFC 7662, client-authenticated."""
    return authorization_server().create_endpoint_response("introspection")


@bp.errorhandler(InsecureTransportError)
def plain_http(_error):
    """Authlib refuses OAuth over plain http except on localhost and loopback addresses: a
    request that reached the sandbox under another name is told so (400), not a 500."""
    response = jsonify(error="invalid_request", error_description=(
        "OAuth needs https: this request reached the sandbox over plain http under a host name "
        "other than localhost or a loopback address. Use https (python -m anypoint_sandbox "
        "--https) or localhost."))
    response.status_code = 400
    return response


@bp.after_request
def no_store(response):
    """Interaction and token responses must never be cached."""
    if request.endpoint not in ("oauth.discovery", "oauth.jwks"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response
