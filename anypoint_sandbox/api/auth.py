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
from flask import g

from ..access_management import revocation
from ..access_management.permissions import authorize_scope
from ..oauth.server import REALM, resource_protector
from ..storage import Environment, Token
from ..web.errors import PlatformError

UNAUTHORIZED = "The access token is missing, expired or revoked."


def bearer_token() -> Token:
    """The request's active access token. Raises PlatformError 401 with
    ``WWW-Authenticate: Bearer error="invalid_token"`` when missing, unknown, expired or revoked."""
    try:
        token = resource_protector().acquire_token()
    except OAuth2Error:
        header = (f'Bearer realm="{REALM}", error="invalid_token", '
                  f'error_description="{UNAUTHORIZED}"')
        raise PlatformError(401, UNAUTHORIZED, {"WWW-Authenticate": header}) from None
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
