"""An ID token as jwt.io shows it, without ever showing the token: its three segments
(header, payload, signature) cut short and colour-coded, and each claim with a one-line meaning,
times as UTC with how long ago or how soon by the app's clock, booleans as words. No Flask.

Pages must not show tokens (only the explicit "Reveal access token" does, once), so a segment
is shown as its first characters and its length, and the whole token by its fingerprint.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from ..anypoint.trace import fingerprint

#: Each standard claim (OpenID Connect Core §2, §5.1; RFC 7519 §4.1) in one line.
MEANINGS = {
    "iss": "Issuer: who made and signed this token",
    "sub": "Subject: your stable, unique id at the issuer",
    "aud": "Audience: the app this token is for (this app's client id)",
    "exp": "Expires: the token must not be accepted after this time",
    "iat": "Issued at: when the provider made this token",
    "nbf": "Not before: the token must not be accepted before this time",
    "jti": "JWT id: a unique id of this token",
    "auth_time": "When you last really signed in (typed your password) at the provider",
    "nonce": "The one-time value this app sent with the sign-in, echoed to prove freshness",
    "acr": "Authentication context class: how strongly you were authenticated",
    "amr": "Authentication methods used (password, one-time code, …)",
    "azp": "Authorized party: the client the token was issued to",
    "at_hash": "Hash of the access token issued with it (binds the two)",
    "c_hash": "Hash of the authorization code issued with it",
    "sid": "Session id at the provider",
    "name": "Your full name",
    "given_name": "Your first name",
    "family_name": "Your last name",
    "middle_name": "Your middle name",
    "nickname": "Your casual name",
    "preferred_username": "The username you go by",
    "profile": "Your profile page",
    "picture": "Your picture",
    "website": "Your web site",
    "email": "Your email address",
    "email_verified": "Whether the provider checked that the email address is yours",
    "gender": "Your gender",
    "birthdate": "Your birthday",
    "zoneinfo": "Your time zone",
    "locale": "Your language and region",
    "phone_number": "Your phone number",
    "phone_number_verified": "Whether the provider checked that the phone number is yours",
    "address": "Your postal address",
    "updated_at": "When your profile at the provider last changed",
}
#: Claims that hold seconds since the epoch.
TIME_CLAIMS = frozenset({"exp", "iat", "nbf", "auth_time", "updated_at"})
#: Header parameters (RFC 7515 §4.1) in one line.
HEADER_MEANINGS = {
    "alg": "Signature algorithm",
    "kid": "Which of the provider's keys signed it (looked up in its JWKS)",
    "typ": "Token type",
    "cty": "Content type",
}
SEGMENT_CHARS = 12


def utc(epoch: float) -> str:
    """``2026-12-02 04:12:09 UTC``."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(seconds // 3600, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative(epoch: float, now: float) -> str:
    """``in 59 min``, ``3 min ago``, ``just now`` (within 5 s) — by ``now``, the app's clock."""
    delta = int(round(epoch - now))
    if abs(delta) < 5:
        return "just now"
    return f"in {_span(delta)}" if delta > 0 else f"{_span(-delta)} ago"


def _is_time(name: str, value) -> bool:
    """A time claim holding a time that can be shown (seconds since the epoch, before 5138)."""
    return (name in TIME_CLAIMS and isinstance(value, int | float)
            and not isinstance(value, bool) and 0 <= value < 10**11)


def shown_value(name: str, value, now: float) -> str:
    """A claim's value as words: times as UTC and relative, booleans as yes/no, lists joined,
    objects as JSON."""
    if _is_time(name, value):
        return f"{utc(value)} ({relative(value, now)})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) or "(none)"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "(null)" if value is None else str(value)


@dataclass(frozen=True)
class Claim:
    """One row: the claim's name, its value as words, the raw JSON value, its meaning."""

    name: str
    shown: str
    raw: str
    meaning: str
    is_time: bool = False


def claim_rows(claims: dict, now: float, meanings: dict | None = None) -> list[Claim]:
    """Every claim in the token's order, each with its meaning ("not a standard claim" for one
    the standards do not name)."""
    meanings = MEANINGS if meanings is None else meanings
    rows = []
    for name, value in claims.items():
        rows.append(Claim(str(name), shown_value(str(name), value, now),
                          json.dumps(value, ensure_ascii=False),
                          meanings.get(name, "Not a standard claim: the provider's own"),
                          name in TIME_CLAIMS and isinstance(value, int | float)
                          and not isinstance(value, bool)))
    return rows


@dataclass(frozen=True)
class Segment:
    """One part of a compact JWS as a page may show it: its first characters and length."""

    name: str
    start: str
    length: int


def segments(token: str | None) -> list[Segment]:
    """Header, payload and signature of ``token``, each cut to its first characters (never
    the whole token: a page may not show it). Empty when ``token`` is not three parts."""
    parts = (token or "").split(".")
    if len(parts) != 3:
        return []
    return [Segment(name, part[:SEGMENT_CHARS], len(part))
            for name, part in zip(("header", "payload", "signature"), parts, strict=True)]


def moments(token: str | None, now: float) -> tuple[str, ...]:
    """What changes in a token's view as time passes: how long ago or how soon each of its
    times is, as the page says it. A view is the same while these and the token are."""
    if not token:
        return ()
    return tuple(relative(part[name], now) for part in _decoded(token)
                 for name in sorted(TIME_CLAIMS & part.keys()) if _is_time(name, part[name]))


def decoded(token: str) -> tuple[dict, dict]:
    """The header and claims of a token that was validated when it was stored (no checks
    here: a few base64 and JSON decodes); ``({}, {})`` when it does not decode."""
    try:
        header, payload = (json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
                           for part in token.split(".")[:2])
    except (ValueError, binascii.Error, UnicodeError):
        return {}, {}
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return {}, {}
    return header, payload


#: :func:`decoded`, remembered for the last tokens shown (its dicts are read, never changed).
_decoded = functools.lru_cache(maxsize=256)(decoded)


def token_view(token: str | None, now: float) -> dict | None:
    """What the page shows of an ID token: its fingerprint, segments, header and claim rows.
    None when there is no token."""
    if not token:
        return None
    header, claims = _decoded(token)
    return {"fingerprint": fingerprint(token), "segments": segments(token),
            "header": claim_rows(header, now, HEADER_MEANINGS), "claims": claim_rows(claims, now),
            "length": len(token)}
