"""Client authentication at the token, revocation and introspection endpoints, in place of
Authlib's: ``client_secret_basic`` reads the Authorization header strictly (a Basic header that
is not base64 of UTF-8 ``client_id:client_secret``, both non-empty, is 401 ``invalid_client``
in words, never a 500), ``client_secret_post`` reads the body; both say which part is wrong and
count wrong secrets per app (``web.throttle``: 429 with ``Retry-After`` past the limit)."""

import base64
import binascii
from urllib.parse import unquote_plus

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidClientError

from ..storage import session
from ..web import throttle

BASIC_SHAPE = ("HTTP Basic credentials must be base64 of client_id:client_secret (UTF-8, "
               "form-urlencoded, neither empty)")


class TooManyFailures(OAuth2Error):
    """429: the app's client authentications are throttled; ``Retry-After`` says how long."""

    error = "invalid_client"
    status_code = 429

    def __init__(self, refusal: throttle.Throttled):
        super().__init__(description=str(refusal))
        self.retry_after = refusal.retry_after

    def get_headers(self):
        return [*super().get_headers(), ("Retry-After", str(self.retry_after))]


def _refused(description: str) -> InvalidClientError:
    return InvalidClientError(status_code=401, description=description)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client_id, client_secret) of an HTTP Basic Authorization header; None when the header
    is absent or of another scheme. Raises InvalidClientError (401) when it is Basic but
    unreadable: not base64, not UTF-8, no colon, an empty part."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        text = base64.b64decode(value.strip().encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, binascii.Error):  # UnicodeError is a ValueError
        raise _refused(f"The Authorization header is not readable: {BASIC_SHAPE}.") from None
    client_id, colon, secret = text.partition(":")
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)  # RFC 6749 §2.3.1
    if not colon or not client_id or not secret:
        raise _refused(f"The Authorization header is incomplete: {BASIC_SHAPE}.")
    return client_id, secret


def authenticate(query_client, client_id: str, secret: str):
    """The enabled app ``client_id`` when ``secret`` is its secret. InvalidClientError (401)
    otherwise, TooManyFailures (429) while the app is throttled; a right secret resets the
    app's count."""
    client = query_client(client_id)
    if client is None:
        raise _refused("No enabled connected app has this client id.")
    keys = throttle.client_keys(client.client_id)
    try:
        throttle.check(keys)
        if not client.check_client_secret(secret):
            throttle.failed(keys)
            raise _refused("The client secret is not correct.")
    except throttle.Throttled as refusal:
        raise TooManyFailures(refusal) from None
    if throttle.succeeded(keys[0]):
        session().commit()
    return client


def client_secret_basic(query_client, request):
    credentials = basic_credentials(request.headers.get("Authorization"))
    return authenticate(query_client, *credentials) if credentials else None


def client_secret_post(query_client, request):
    client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    if not client_id and not secret:
        return None
    if not (isinstance(client_id, str) and client_id and isinstance(secret, str) and secret):
        raise _refused("Send both client_id and client_secret.")
    return authenticate(query_client, client_id, secret)


def init_server(server) -> None:
    """Register both methods on ``server`` (replacing Authlib's)."""
    server.register_client_auth_method("client_secret_basic", client_secret_basic)
    server.register_client_auth_method("client_secret_post", client_secret_post)
