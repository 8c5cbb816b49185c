"""ID token validation (OpenID Connect Core §3.1.3.7), step by step, as a report card.

:func:`validate_id_token` never raises for a bad token: it returns an :class:`IdTokenReport` with
one :class:`Step` per check; ``report.ok`` is true only when every step passed. Failure details
name what was expected, never values taken from the rejected token.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from joserfc import jwk, jws
from joserfc.errors import JoseError

from .. import clock

KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "HS": "oct"}


@dataclass(frozen=True)
class Step:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class IdTokenReport:
    """The outcome of every check; ``header``/``claims`` are decoded only for the report card."""

    steps: tuple[Step, ...]
    header: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.passed for step in self.steps)

    @property
    def first_failure(self) -> Step | None:
        return next((step for step in self.steps if not step.passed), None)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "header": self.header, "claims": self.claims,
                "steps": [{"name": step.name, "passed": step.passed, "detail": step.detail}
                          for step in self.steps]}


def _candidate_keys(jwks: dict, alg: str, kid: str | None) -> list[dict]:
    kty = KEY_TYPES.get(alg[:2])
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict)
            and k.get("kty") == kty and k.get("use", "sig") == "sig"]
    if kid is not None:
        return [k for k in keys if k.get("kid") == kid]
    return keys


def validate_id_token(
    token: str, *, jwks: dict, refetch_jwks: Callable[[], dict | None], issuer: str,
    client_id: str, nonce: str | None, algorithms: tuple[str, ...], leeway: int = 60,
    client_secret: str | None = None, expected_sub: str | None = None, now: float | None = None,
) -> IdTokenReport:
    """Check ``token`` and return the report card.

    ``refetch_jwks`` is called at most once, when no key matches the token's ``kid``; it returns a
    fresh JWKS, or ``None`` when the rate limit forbids another fetch. ``nonce=None`` skips the
    nonce step (refresh responses); ``expected_sub`` adds the "same user" step after a refresh.
    """
    now = clock.now() if now is None else now
    steps: list[Step] = []
    try:
        obj = jws.extract_compact(token.encode())
        header, claims = dict(obj.headers()), json.loads(obj.payload)
        if not isinstance(claims, dict):
            raise ValueError("claims are not a JSON object")
    except (JoseError, ValueError, UnicodeError) as error:
        return IdTokenReport((Step("Well-formed signed JWT", False,
                                   f"could not be decoded ({type(error).__name__})"),))
    steps.append(Step("Well-formed signed JWT", True, "three parts, JSON header and claims"))

    alg = str(header.get("alg"))
    allowed = alg in algorithms and alg != "none"
    steps.append(Step("Algorithm allowed", allowed,
                      f"{alg} is on the allow-list" if allowed else
                      f"only {', '.join(algorithms)} are accepted (never 'none')"))
    verified = False
    if allowed:
        verified = _check_signature(obj, alg, header.get("kid"), jwks, refetch_jwks,
                                    client_secret, steps)
    else:
        steps.append(Step("Signature verified", False, "not checked: algorithm refused"))
    _check_claims(claims, issuer, client_id, nonce, leeway, now, expected_sub, steps)
    if not verified:
        steps = [s if s.passed is False or s.name in ("Well-formed signed JWT", "Algorithm allowed",
                                                       "Signing key found") else
                 Step(s.name, False, "not trusted: the signature was not verified")
                 for s in steps]
    return IdTokenReport(tuple(steps), header, claims)


@functools.lru_cache(maxsize=64)
def _imported(data: str):
    """A JWK (as canonical JSON) imported once per process: every sign-in checks with the
    same few provider keys, and building an RSA key is the costly part of a check."""
    return jwk.import_key(json.loads(data))


def _check_signature(obj, alg, kid, jwks, refetch_jwks, client_secret, steps) -> bool:
    if alg.startswith("HS"):
        keys = [jwk.OctKey.import_key(client_secret or "")]
        steps.append(Step("Signing key found", True, "the client secret (HMAC configured)"))
    else:
        candidates = _candidate_keys(jwks, alg, kid)
        if not candidates and kid is not None:
            fresh = refetch_jwks()
            candidates = _candidate_keys(fresh, alg, kid) if fresh else []
        if not candidates:
            steps.append(Step("Signing key found", False,
                              "no key in the provider's JWKS matches the token's key id"))
            steps.append(Step("Signature verified", False, "not checked: no key"))
            return False
        steps.append(Step("Signing key found", True,
                          f"key id {kid}" if kid else f"{len(candidates)} candidate key(s)"))
        keys = []
        for data in candidates:
            try:
                keys.append(_imported(json.dumps(data, sort_keys=True)))
            except (JoseError, ValueError, TypeError):
                continue
    for key in keys:
        try:
            if jws.validate_compact(obj, key, algorithms=[alg]):
                steps.append(Step("Signature verified", True, f"{alg} signature checks out"))
                return True
        except (JoseError, ValueError, TypeError):
            continue
    steps.append(Step("Signature verified", False, "the signature does not match the key"))
    return False


def _check_claims(claims, issuer, client_id, nonce, leeway, now, expected_sub, steps) -> None:
    iss_ok = claims.get("iss") == issuer
    steps.append(Step("Issuer (iss)", iss_ok, f"equals {issuer}" if iss_ok else
                      f"does not equal the expected issuer {issuer}"))
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    aud_ok = client_id in audiences and all(isinstance(a, str) for a in audiences)
    steps.append(Step("Audience (aud)", aud_ok, "names this app's client id" if aud_ok else
                      "does not name this app's client id"))
    azp = claims.get("azp")
    if len(audiences) > 1 or azp is not None:
        azp_ok = azp == client_id
        detail = "names this app" if azp_ok else (
            "missing although aud has several values" if azp is None else "names another client")
    else:
        azp_ok, detail = True, "not needed (single audience)"
    steps.append(Step("Authorized party (azp)", azp_ok, detail))
    exp = claims.get("exp")
    exp_ok = isinstance(exp, int | float) and exp > now - leeway
    steps.append(Step("Not expired (exp)", exp_ok, "in the future" if exp_ok else
                      f"missing or in the past (leeway {leeway} s)"))
    iat = claims.get("iat")
    iat_ok = isinstance(iat, int | float) and iat <= now + leeway
    steps.append(Step("Issued at (iat)", iat_ok, f"not in the future (leeway {leeway} s)"
                      if iat_ok else f"missing or in the future (leeway {leeway} s)"))
    sub = claims.get("sub")
    sub_ok = isinstance(sub, str) and bool(sub)
    steps.append(Step("Subject (sub)", sub_ok, "present" if sub_ok else "missing"))
    if nonce is not None:
        nonce_ok = claims.get("nonce") == nonce
        steps.append(Step("Nonce", nonce_ok, "matches this sign-in" if nonce_ok else
                          "does not match the one sent for this sign-in"))
    if expected_sub is not None:
        same = sub == expected_sub
        steps.append(Step("Same user as at sign-in", same, "same sub" if same else
                          "the refreshed token names another user"))


def claims_of(token: str) -> dict:
    """Claims of a token that was already validated when it was stored (no checks here)."""
    return json.loads(jws.extract_compact(token.encode()).payload)
