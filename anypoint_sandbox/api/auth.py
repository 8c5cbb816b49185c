"""How a platform API protects an endpoint: a valid bearer token (else 401) whose scopes and the
user's rights allow the action (else 403 naming what is missing), in Anypoint's error shape.

    @bp.get("/cloudhub/api/v2/applications")
    @protected("read:applications", environment=environment_from_header)
    def list_applications():
        token = current_token()   # models.Token: .user (None for client credentials), .client
"""

from collections.abc import Callable
from functools import wraps

from authlib.oauth2 import OAuth2Error
from flask import g, request

from ..access_management import revocation
from ..access_management.permissions import authorize_scope
from ..oauth.server import REALM, resource_protector
from ..oauth.tokens import find_access_token
from ..storage import Environment, Token, session
from ..web.errors import PlatformError

UNAUTHORIZED = "The access token is missing, expired or revoked."


def _unauthorized() -> PlatformError:
    header = (f'Bearer realm="{REALM}", error="invalid_token", '
              f'error_description="{UNAUTHORIZED}"')
    return PlatformError(401, UNAUTHORIZED, {"WWW-Authenticate": header})


def _form_token(form_field: str) -> Token:
    """The active access token a form sends as ``form_field`` (the audit query's RAML form
    has ``accessToken``); PlatformError 401 otherwise."""
    token = find_access_token(session(), request.form[form_field])
    if token is None or not token.is_access_token_active():
        raise _unauthorized()
    return token


def bearer_token(form_field: str | None = None) -> Token:
    """The request's active access token, from the Authorization header or, when the request
    has none and ``form_field`` is given, from that field of a form-urlencoded body. Raises
    PlatformError 401 with ``WWW-Authenticate: Bearer error="invalid_token"`` when missing,
    unknown, expired or revoked."""
    if (form_field and "Authorization" not in request.headers
            and request.mimetype == "application/x-www-form-urlencoded"
            and request.form.get(form_field)):
        token = _form_token(form_field)
    else:
        try:
            token = resource_protector().acquire_token()
        except OAuth2Error:
            raise _unauthorized() from None
    g.sandbox_token = token
    revocation.record_use(token)
    return token


def require_scope(scope: str, environment: Environment | None = None) -> Token:
    """The request's token when it may use ``scope`` in ``environment``; PlatformError 401 (no
    valid token) or 403 (message names the missing scope or right) otherwise."""
    token = bearer_token()
    reason = authorize_scope(token, scope, environment)
    if reason:
        raise PlatformError(403, reason)
    return token


def protected(scope: str, environment: Callable[..., Environment | None] | None = None):
    """Decorator form of ``require_scope``. ``environment(**view_kwargs)`` finds the environment
    the action is in (it may raise PlatformError 400/404 itself); None means organization-wide."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            bearer_token()  # 401 before any lookup reveals whether an environment exists
            target = environment(**kwargs) if environment else None
            require_scope(scope, target)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def current_token() -> Token:
    """The token a ``protected`` view (or ``bearer_token``) accepted for this request."""
    return g.sandbox_token
