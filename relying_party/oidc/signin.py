"""Completing a sign-in: every check of the callback, in order, before anything is kept.

:func:`complete` takes the callback's query parameters and the pending flow (already removed from
the session, so a state is one-time) and returns a :class:`SignIn`, or raises :class:`SignInFailed`
(4xx, nothing stored) or a platform exception (502/503).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..anypoint.errors import DelegationEnded, OAuthError, PlatformError, PlatformUnavailable
from ..anypoint.models import TokenSet

if TYPE_CHECKING:
    from ..services import Services
from .idtoken import IdTokenReport, claims_of, validate_id_token


class SignInFailed(Exception):
    """The callback failed a check: ``message`` says why in the user's words, ``code`` is the
    machine-readable reason, ``status`` the HTTP status (400, or 403 when the user declined)."""

    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def failed(message: str, code: str, status: int = 400) -> SignInFailed:
    return SignInFailed(message, code, status)


@dataclass(frozen=True)
class SignIn:
    tokens: TokenSet
    report: IdTokenReport
    userinfo: dict


def check_issuer_parameter(params: dict, services: Services) -> None:
    """RFC 9207: required when the provider advertises it; when present it must match exactly."""
    metadata = services.provider.metadata()
    iss = params.get("iss")
    if iss is None and metadata.authorization_response_iss_parameter_supported:
        raise failed("The answer did not say which provider sent it (no 'iss'), although the "
                     "provider promises to. It was ignored.", "missing_iss")
    if iss is not None and iss != services.settings.oidc_issuer:
        raise failed("The answer came from a different provider than the one this app uses. "
                     "It was ignored.", "wrong_iss")


def complete(params: dict, flow: dict, services: Services, signed_in: bool = False) -> SignIn:
    """Run the callback checks for ``flow`` and exchange the code; see the module docstring.
    ``signed_in``: the browser is signed in already (a refused answer leaves that as it is)."""
    settings, provider, client = services.settings, services.provider, services.client
    check_issuer_parameter(params, services)
    if params.get("error"):
        standing = ("Your earlier sign-in here is unchanged." if signed_in
                    else "You are still signed out.")
        if params["error"] == "access_denied":
            raise failed("You chose not to give this app access, or your organization has not "
                         "approved it (administrators approve connected apps under Access "
                         f"Management › Connected Apps). {standing} You can start again "
                         "whenever you like.", "access_denied", 403)
        raise failed(f"The provider refused the sign-in ({params['error'][:60]}). {standing}",
                     "provider_error")
    code = params.get("code")
    if not code:
        raise failed("The provider's answer had no authorization code.", "missing_code")
    metadata = provider.metadata()
    try:
        body = client.oauth_post("token", metadata.token_endpoint, {
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": settings.redirect_uri, "code_verifier": flow["verifier"],
        }, provider.auth_method())
    except OAuthError as error:
        raise failed("The provider would not exchange the sign-in code (it may have been "
                     f"used already or expired): {error.error}.", "token_error") from None
    requested = tuple(flow["scopes"])
    try:
        tokens = TokenSet.from_response(body, requested)
    except ValueError:
        raise failed("The provider's token answer had no access token.", "token_error") from None
    if not tokens.id_token:
        raise failed("The provider sent no ID token, so your identity cannot be checked.",
                     "missing_id_token")
    report = validate_id_token(
        tokens.id_token, jwks=provider.jwks(), refetch_jwks=provider.refetch_jwks,
        issuer=settings.oidc_issuer, client_id=settings.client_id, nonce=flow["nonce"],
        algorithms=settings.id_token_algorithms, leeway=settings.clock_leeway_seconds,
        client_secret=settings.client_secret.get_secret_value(),
    )
    if not report.ok:
        step = report.first_failure
        raise failed(f"The ID token failed the check '{step.name}': {step.detail}. "
                     "Nothing from it was kept.", "invalid_id_token")
    userinfo: dict = {}
    if metadata.userinfo_endpoint:
        try:
            userinfo = client.userinfo(metadata.userinfo_endpoint, tokens.access_token)
        except (DelegationEnded, PlatformError) as error:
            if isinstance(error, PlatformUnavailable):
                raise
            raise failed("The provider would not tell who you are (userinfo refused).",
                         "userinfo_error") from None
        if not isinstance(userinfo, dict) or userinfo.get("sub") != report.claims["sub"]:
            raise failed("The provider's profile answer is about a different user than the ID "
                         "token. Nothing was kept.", "userinfo_sub_mismatch")
    return SignIn(tokens, report, userinfo)


def refresher(services: Services):
    """The ``refresh(old) -> new`` function for TokenStore: token call plus ID token checks."""

    def refresh(old: TokenSet) -> TokenSet:
        provider, settings = services.provider, services.settings
        try:
            body = services.client.oauth_post("refresh", provider.metadata().token_endpoint, {
                "grant_type": "refresh_token", "refresh_token": old.refresh_token,
            }, provider.auth_method())
        except OAuthError as error:
            if error.error in ("invalid_grant", "invalid_token", "unauthorized_client"):
                raise DelegationEnded(f"refresh refused: {error.error}") from None
            raise
        new = TokenSet.from_response(body, old.scopes, previous=old)
        if body.get("id_token"):
            old_sub = claims_of(old.id_token).get("sub") if old.id_token else None
            report = validate_id_token(
                body["id_token"], jwks=provider.jwks(), refetch_jwks=provider.refetch_jwks,
                issuer=settings.oidc_issuer, client_id=settings.client_id, nonce=None,
                algorithms=settings.id_token_algorithms, leeway=settings.clock_leeway_seconds,
                client_secret=settings.client_secret.get_secret_value(),
                expected_sub=old_sub)
            if not report.ok:
                raise PlatformError(f"the refreshed ID token failed: {report.first_failure.name}")
        return new

    return refresh
