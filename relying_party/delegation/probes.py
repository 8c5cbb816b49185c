"""What the provider says about our tokens: introspection, an API call, a refresh attempt; revoke.

Each probe returns a row ``{"token", "check", "works", "detail"}`` for the result table (the API
probe adds ``status``, a refused refresh adds ``error``); probes never raise for a rejected token
(that is the answer), only PlatformUnavailable when nobody answers.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..anypoint.errors import DelegationEnded, MissingScope, OAuthError, PlatformError
from ..anypoint.models import TokenSet

if TYPE_CHECKING:
    from ..services import Services

HINTS = {"access": "access_token", "refresh": "refresh_token"}
CHOICES = ("access", "refresh", "both")


class CannotRevoke(ValueError):
    """Nothing was sent: the choice is not one of :data:`CHOICES`, or the provider offers no
    revocation endpoint. ``str(error)`` says which in plain words."""


def _row(token: str, check: str, works: bool, detail: str, **extra) -> dict:
    return {"token": token, "check": check, "works": works, "detail": detail, **extra}


def introspect(svc: Services, tokens: TokenSet) -> list[dict]:
    """RFC 7662 for each token we hold, when the provider offers introspection."""
    endpoint = svc.provider.metadata().introspection_endpoint
    if not endpoint:
        return []
    rows = []
    for kind, value in (("access", tokens.access_token), ("refresh", tokens.refresh_token)):
        if not value:
            continue
        try:
            body = svc.client.oauth_post("introspect", endpoint,
                                         {"token": value, "token_type_hint": HINTS[kind]},
                                         svc.provider.auth_method())
            active = body.get("active") is True
            rows.append(_row(kind, "Introspection", active, "active" if active else "not active"))
        except OAuthError as error:
            rows.append(_row(kind, "Introspection", False, f"refused: {error.error}"))
    return rows


def api_probe(svc: Services, tokens: TokenSet) -> dict:
    """One API call with the access token: /accounts/api/me on Anypoint, userinfo elsewhere."""
    if svc.provider.is_anypoint:
        check = "API call GET /accounts/api/me"
        call = partial(svc.client.api, "GET", "/accounts/api/me", tokens.access_token,
                       label="probe")
    else:
        endpoint = svc.provider.metadata().userinfo_endpoint
        if not endpoint:
            return _row("access", "API call", False, "the provider has no userinfo endpoint")
        check = "GET userinfo"
        call = partial(svc.client.userinfo, endpoint, tokens.access_token)
    try:
        call()
        return _row("access", check, True, "200 OK", status=200)
    except DelegationEnded as error:
        return _row("access", check, False, f"{error.status} rejected", status=error.status)
    except MissingScope as error:
        return _row("access", check, True, f"403 (token accepted, scope missing: {error.message})",
                    status=403)


def refresh_probe(svc: Services, grant_id: str) -> dict:
    """Try the refresh token; a success stores the new token set (it is a real refresh)."""
    try:
        renewed = svc.tokens.fresh(grant_id, force=True)
    except DelegationEnded as error:
        # "refresh refused: invalid_grant" → "invalid_grant" (see signin.refresher)
        return _row("refresh", "Refresh attempt", False, str(error),
                    error=str(error).removeprefix("refresh refused: "))
    return _row("refresh", "Refresh attempt", True,
                f"new access token issued (refresh #{renewed.refresh_count})")


def revoke(svc: Services, tokens: TokenSet, which: str) -> list[str]:
    """RFC 7009 revocation of ``access``, ``refresh`` or ``both`` (refresh first).

    Raises CannotRevoke for a bad choice or a provider without revocation; PlatformError family.
    """
    if which not in CHOICES:
        raise CannotRevoke("Pick the access token, the refresh token, or both.")
    endpoint = svc.provider.metadata().revocation_endpoint
    if not endpoint:
        raise CannotRevoke("This provider does not advertise a revocation endpoint.")
    kinds = ["refresh", "access"] if which == "both" else [which]
    done = []
    for kind in kinds:
        value = tokens.refresh_token if kind == "refresh" else tokens.access_token
        if not value:
            continue
        try:
            svc.client.oauth_post("revoke", endpoint, {"token": value,
                                                        "token_type_hint": HINTS[kind]},
                                  svc.provider.auth_method())
        except OAuthError as error:
            raise PlatformError(f"revocation refused: {error.error}") from None
        done.append(kind)
    return done
