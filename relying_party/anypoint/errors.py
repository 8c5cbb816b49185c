"""The exception family of every call to the provider and the platform; ``web.errors`` turns each
into its page:

- :class:`PlatformUnavailable` — unreachable, timed out, 5xx or garbage: a 502/503 page.
- :class:`DelegationEnded` — 401 from an API (or ``invalid_grant`` on refresh): sign in again.
- :class:`MissingScope` — 403 from an API; ``.message`` is the platform's words.
- :class:`NotFound` — 404 from an API (a view that expects it says "no such application").
- :class:`OAuthError` — an RFC 6749 error answer (``.error``, ``.description``).
- :class:`PlatformError` — the base class; any other unexpected answer.
"""

from __future__ import annotations


class PlatformError(Exception):
    """An unexpected answer from the provider or platform. ``status`` may be ``None``."""

    http_status = 502

    def __init__(self, message: str, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.url = url


class PlatformUnavailable(PlatformError):
    """Unreachable, timed out (503) or answered with a server error or garbage (502).

    ``sent`` is false only when the request surely never reached the platform (no connection);
    after a timeout it may have arrived and been acted on."""

    def __init__(self, message, status=None, url=None, http_status: int = 503,
                 sent: bool = True):
        super().__init__(message, status, url)
        self.http_status = http_status
        self.sent = sent


class DelegationEnded(PlatformError):
    """The access was revoked or expired beyond refresh (401, or ``invalid_grant``). A 401 says
    which access token it refused (``token``: its fingerprint), so the app can tell whether a
    newer one is already held."""

    http_status = 401

    def __init__(self, message: str, status: int | None = None, url: str | None = None,
                 token: str | None = None):
        super().__init__(message, status, url)
        self.token = token


class MissingScope(PlatformError):
    """403 from the platform: the token lacks a scope (or the user a permission)."""

    http_status = 403


class NotFound(PlatformError):
    """404 from the platform: no such application (or other object) there."""

    http_status = 404


class OAuthError(PlatformError):
    """An OAuth error answer (RFC 6749 §5.2) from the token, revoke or introspect endpoint."""

    http_status = 400

    def __init__(self, error: str, description: str | None, status=None, url=None):
        super().__init__(f"{error}: {description or 'no description'}", status, url)
        self.error = error
        self.description = description
