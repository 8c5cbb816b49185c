"""The protocol trace: exchanges with the provider and platform, with every secret fingerprinted.

Pure functions (no Flask). What the app *sends* is shown by an allow-list: a request header,
form field, query parameter or JSON string is in clear only when its name is known to be
harmless (:data:`HARMLESS_FIELDS`, :data:`HARMLESS_HEADERS`); every other value becomes a
fingerprint. Numbers, booleans and nulls are shown (they are settings, not secrets). What the
platform *answers* is shown as it came, except the keys that hold secrets (:data:`SECRET_KEYS`)
and application properties (CloudHub keeps passwords there), which are fingerprinted. Any string
known to be a secret (a token, the client secret) is replaced wherever it appears.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, fields
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Request fields (form, query, JSON keys, multipart parts) whose values are never secret.
HARMLESS_FIELDS = frozenset({
    "grant_type", "redirect_uri", "post_logout_redirect_uri", "scope", "response_type",
    "response_mode", "token_type_hint", "code_challenge_method", "prompt", "client_id", "iss",
    "error", "error_description", "status", "domain", "version", "region", "name", "type",
    "autoStart", "environment", "releaseChannel", "javaVersion", "recommended", "filename",
})
#: Request headers shown in clear; ``Authorization`` keeps its scheme.
HARMLESS_HEADERS = frozenset({"accept", "accept-encoding", "connection", "content-type",
                              "content-length", "transfer-encoding", "user-agent",
                              "x-anypnt-env-id", "x-anypnt-org-id"})
#: Answer keys whose values are secrets, codes or tokens wherever they appear.
SECRET_KEYS = frozenset({
    "access_token", "refresh_token", "id_token", "code", "client_secret", "token",
    "code_verifier", "password", "state", "nonce", "id_token_hint", "assertion",
    "authorization", "cookie", "set-cookie", "secret", "client_assertion",
})
#: Answer keys whose *values* (a mapping) are the user's own secrets: CloudHub properties.
SECRET_MAPPINGS = frozenset({"properties"})
TRACE_LIMIT = 200
#: An answer's lists keep this many items in the trace, and its strings this many characters
#: (a deployment's log is 500 lines; the trace shows how the call went, not every line).
KEPT_ITEMS = 20
KEPT_CHARS = 4000


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


def _hidden(value) -> str:
    return fingerprint(value if isinstance(value, str) else json.dumps(value, sort_keys=True))


def shown_request(value, key: str | None = None):
    """What the app sent, by the allow-list: strings in clear only under a harmless name."""
    if isinstance(value, dict):
        return {name: shown_request(item, str(name)) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [shown_request(item, key) for item in value]
    if isinstance(value, str):
        return value if key in HARMLESS_FIELDS else _hidden(value)
    return value  # a number, a boolean or null: a setting, not a secret


def shown_headers(headers: dict) -> dict:
    """Request headers by the allow-list; ``Authorization: Bearer fp:…``."""
    shown = {}
    for name, value in headers.items():
        if name.lower() == "authorization" and " " in str(value):
            scheme, _, credential = str(value).partition(" ")
            shown[name] = f"{scheme} {fingerprint(credential)}"
        elif name.lower() in HARMLESS_HEADERS:
            shown[name] = value
        else:
            shown[name] = _hidden(value)
    return shown


def redact(value, secrets: tuple[str, ...] = (), abridge: bool = False):
    """A copy of an answer (dict/list/str/…) with secret keys, properties and known secrets
    fingerprinted. An ``Authorization`` value keeps its scheme: ``Bearer fp:1a2b3c4d``.
    With ``abridge``, in the same pass, every list is cut to :data:`KEPT_ITEMS` items (then a
    note of how many more) and every string to :data:`KEPT_CHARS` characters, so one answer
    never fills the trace."""
    if isinstance(value, dict):
        clean = {}
        for key, item in value.items():
            lowered = key.lower() if isinstance(key, str) else str(key).lower()
            if lowered in SECRET_KEYS and item is not None and item != "":
                if isinstance(item, str) and " " in item and lowered == "authorization":
                    scheme, _, credential = item.partition(" ")
                    clean[key] = f"{scheme} {fingerprint(credential)}"
                else:
                    clean[key] = _hidden(item)
            elif key in SECRET_MAPPINGS and isinstance(item, dict):
                clean[key] = {name: _hidden(secret) for name, secret in item.items()}
            elif isinstance(item, (dict, list, tuple, str)):
                clean[key] = redact(item, secrets, abridge)
            else:
                clean[key] = item  # a number, a boolean or null
        return clean
    if isinstance(value, (list, tuple)):
        if not abridge or len(value) <= KEPT_ITEMS:
            return [redact(item, secrets, abridge) for item in value]
        kept = [redact(item, secrets, abridge) for item in value[:KEPT_ITEMS]]
        return [*kept, f"… {len(value) - KEPT_ITEMS} more, not kept in the trace"]
    if isinstance(value, str):
        if secrets:  # before the cut, so that no part of a secret is kept
            value = _redact_string(value, secrets)
        if abridge and len(value) > KEPT_CHARS:
            value = f"{value[:KEPT_CHARS]}… ({len(value) - KEPT_CHARS} more characters)"
        return value
    return value


def redact_url(url: str, secrets: tuple[str, ...] = ()) -> str:
    """The URL with query values by the allow-list (readable, not percent-encoded)."""
    parts = urlsplit(url)
    if not parts.query:
        return _redact_string(url, secrets)
    query = shown_request(dict(parse_qsl(parts.query, keep_blank_values=True)))
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
    #: The answer's headers (``Set-Cookie`` and known secrets fingerprinted); None when none came.
    response_headers: dict | None = None

    @classmethod
    def build(cls, label, method, url, status, duration_ms, request=None, response=None,
              error=None, secrets: tuple[str, ...] = (),
              response_headers: dict | None = None) -> Exchange:
        """Create an exchange: the URL and ``request`` by the allow-list (``headers`` as headers,
        every other part as fields), ``response``, its headers and ``error`` by :func:`redact`."""
        return cls(
            label=label, method=method, url=redact_url(url, secrets), status=status,
            duration_ms=duration_ms, request=_shown(request, secrets),
            response=redact(response, secrets, abridge=True), error=redact(error, secrets),
            response_headers=(redact(dict(response_headers), secrets)
                              if response_headers is not None else None),
        )

    def to_dict(self) -> dict:
        """The exchange as a plain dict (its values are already fresh copies: no deep copy)."""
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(item.name for item in fields(Exchange))


def _shown(request, secrets: tuple[str, ...]):
    if isinstance(request, dict):
        request = {part: shown_headers(value) if part == "headers" and isinstance(value, dict)
                   else shown_request(value) for part, value in request.items()}
    else:
        request = shown_request(request)
    return _without(request, secrets)


def _without(value, secrets: tuple[str, ...]):
    """``value`` with every known secret string replaced (nothing else changed)."""
    if isinstance(value, dict):
        return {key: _without(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_without(item, secrets) for item in value]
    return _redact_string(value, secrets) if isinstance(value, str) else value

