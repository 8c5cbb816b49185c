"""The protocol trace: exchanges with the provider and platform, with every secret fingerprinted.

Pure functions (no Flask): :func:`fingerprint`, :func:`redact`, :func:`redact_url` and the
:class:`Exchange` record. Nothing that leaves this module contains a token, code or secret.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Keys whose values are secrets, codes or tokens wherever they appear (query, form, JSON).
SECRET_KEYS = frozenset({
    "access_token", "refresh_token", "id_token", "code", "client_secret", "token",
    "code_verifier", "password", "state", "nonce", "id_token_hint", "assertion",
    "authorization", "cookie", "set-cookie", "secret", "client_assertion",
})
TRACE_LIMIT = 200


def fingerprint(value: str | bytes | None) -> str:
    """A short, stable, non-reversible stand-in for a secret: ``fp:`` plus 8 hex of SHA-256."""
    if value is None or value == "":
        return "(none)"
    data = value.encode() if isinstance(value, str) else value
    return "fp:" + hashlib.sha256(data).hexdigest()[:8]


def _redact_string(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 6 and secret in text:
            text = text.replace(secret, fingerprint(secret))
    return text


def redact(value, secrets: tuple[str, ...] = ()):
    """A copy of ``value`` (dict/list/str/…) with secret keys and known secrets fingerprinted.

    ``secrets`` are exact strings (tokens, client secret) replaced wherever they occur in text.
    An ``Authorization`` value keeps its scheme: ``Bearer fp:1a2b3c4d``.
    """
    if isinstance(value, dict):
        clean = {}
        for key, item in value.items():
            if str(key).lower() in SECRET_KEYS and item not in (None, ""):
                if isinstance(item, str) and " " in item and str(key).lower() == "authorization":
                    scheme, _, credential = item.partition(" ")
                    clean[key] = f"{scheme} {fingerprint(credential)}"
                elif isinstance(item, str):
                    clean[key] = fingerprint(item)
                else:
                    clean[key] = fingerprint(repr(item))
            else:
                clean[key] = redact(item, secrets)
        return clean
    if isinstance(value, list | tuple):
        return [redact(item, secrets) for item in value]
    if isinstance(value, str):
        return _redact_string(value, secrets)
    return value


def redact_url(url: str, secrets: tuple[str, ...] = ()) -> str:
    """The URL with secret query parameters fingerprinted (readable, not percent-encoded)."""
    parts = urlsplit(url)
    if not parts.query:
        return _redact_string(url, secrets)
    query = redact(dict(parse_qsl(parts.query, keep_blank_values=True)), secrets)
    return _redact_string(urlunsplit(parts._replace(query=urlencode(query, safe=":/ "))), secrets)


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange (or one browser redirect) as shown on /activity. Already redacted."""

    label: str
    method: str
    url: str
    status: int | None
    duration_ms: int | None
    request: dict | str | None = None
    response: dict | str | None = None
    error: str | None = None
    at: float = field(default_factory=time.time)

    @classmethod
    def build(cls, label, method, url, status, duration_ms, request=None, response=None,
              error=None, secrets: tuple[str, ...] = ()) -> Exchange:
        """Create an exchange, redacting URL, request and response with :func:`redact`."""
        return cls(
            label=label, method=method, url=redact_url(url, secrets), status=status,
            duration_ms=duration_ms, request=redact(request, secrets),
            response=redact(response, secrets), error=redact(error, secrets),
        )

    def to_dict(self) -> dict:
        return asdict(self)


def prepend(entries: list[dict], exchange: Exchange, limit: int = TRACE_LIMIT) -> list[dict]:
    """Newest first, capped at ``limit``."""
    return [exchange.to_dict(), *entries][:limit]
