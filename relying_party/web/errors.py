"""One error policy: HTML pages for people, ``{error, error_description}`` JSON for API callers.

Views raise :class:`Problem` (or let a platform exception through); the handlers here pick the
status code, the words and the "what now" button. Never a stack trace, never an error with 200.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, redirect, render_template, request, session, url_for
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, SecurityError

from .. import clock
from ..anypoint.errors import (
    DelegationEnded,
    MissingScope,
    NotFound,
    PlatformError,
    PlatformUnavailable,
)
from ..anypoint.trace import fingerprint
from ..delegation.probes import CannotRevoke
from ..delegation.store import StoreBusy, StoreUnavailable
from ..oidc.provider import IssuerMismatch
from ..oidc.signin import SignInFailed
from ..services import services
from .guards import end_delegation, signed_in
from .problem import Problem

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """True for ``*.json`` paths and clients that prefer JSON (``Accept: application/json``)."""
    if request.path.endswith(".json"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def render_problem(problem: Problem):
    """The problem as JSON for API callers, else as a page; a request that could not even be
    routed (an untrusted Host) gets the bare page, which links nowhere."""
    if wants_json():
        body = {"error": problem.code, "error_description": problem.message}
        return jsonify(body), problem.status
    if request_ctx.url_adapter is None:
        return render_template("errors/bare.html", problem=problem), problem.status
    action = problem.action or (url_for("dashboard.index"), "Back to the start")
    return render_template("errors/problem.html", problem=problem, action=action), problem.status


def observed(error: DelegationEnded) -> str:
    """What the app saw when the delegation ended, in words (kept in ``session["ended"]``)."""
    if error.status == 401 and error.url:
        return f"Anypoint answered 401 (access token refused) to {urlsplit(error.url).path}"
    if error.message.startswith("refresh refused: "):
        return f"Anypoint refused the refresh token ({error.message.split(': ', 1)[1]})"
    return error.message or "your access was revoked or has expired"


def refreshed_after_401(error: DelegationEnded) -> DelegationEnded | None:
    """A page's API call (GET) got 401: maybe the access token expired or only it was revoked.
    Return ``None`` to reload the page — with the token another request already got in the
    meantime, or else after refreshing — or the refusal to report. A token this retry issued
    that is refused again within 30 s is not retried (no redirect loop)."""
    if error.status != 401 or request.method != "GET" or not signed_in():
        return error
    tokens = services().tokens
    held = tokens.load(session["grant_id"])
    if held is not None and error.token and fingerprint(held.access_token) != error.token:
        return None  # another request refreshed after this one loaded the refused token
    retried = session.get("retried_401") or {}
    if held is None or (retried.get("token") == fingerprint(held.access_token)
                        and clock.now() - retried.get("at", 0) < 30):
        return error
    try:
        renewed = tokens.fresh(session["grant_id"], rejected=held)
    except DelegationEnded as refusal:
        return DelegationEnded(f"{observed(error)}; then {observed(refusal)}")
    except PlatformError:
        return error
    session["retried_401"] = {"token": fingerprint(renewed.access_token), "at": clock.now()}
    return None


def ended_page(result: dict | None = None):
    """The "your access ended" answer (401): JSON for API callers, else the page that says what
    was observed, the likely causes and "Sign in again"; ``result`` is a probe table to show."""
    reason = session.get("ended") or "your access was revoked or has expired"
    if wants_json():
        return jsonify(error="delegation_ended", error_description=(
            f"Your access was revoked or has expired: {reason}. Sign in again.")), 401
    return render_template("access/ended.html", reason=reason, result=result,
                           profile_url=services().settings.provider_page("profile")), 401


def init_app(app: Flask) -> None:
    """Register the handlers for Problem, the platform exceptions and HTTP errors."""

    @app.errorhandler(Problem)
    def problem(error: Problem):
        return render_problem(error)

    @app.errorhandler(SignInFailed)
    def sign_in_failed(error: SignInFailed):
        return render_problem(Problem(error.status, "Sign-in did not complete", error.message,
                                      error.code))

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(error: StoreUnavailable):
        log.warning("the session store does not answer: %s", error)
        g.store_down = str(error)  # so the session is not saved: one wait per request, not two
        return render_problem(Problem(
            503, "This app cannot reach its session store",
            "The app keeps your session and your delegation in its store "
            f"({services().settings.session_backend}), which is not answering right now: "
            f"{error}. Nothing was changed. Try again in a minute; you stay signed in once "
            "it answers again.", "temporarily_unavailable"))

    @app.errorhandler(StoreBusy)
    def store_busy(_error: StoreBusy):
        return render_problem(Problem(
            503, "This app is busy with your session",
            "Another request of yours is still updating your session (a token refresh or a "
            "sign-in, for example), so this one gave up waiting. Nothing was changed. Try "
            "again in a moment.", "temporarily_unavailable"))

    @app.errorhandler(CannotRevoke)
    def cannot_revoke(error: CannotRevoke):
        return render_problem(Problem(400, "Nothing was revoked", str(error), "invalid_request"))

    @app.errorhandler(DelegationEnded)
    def delegation_ended(error: DelegationEnded):
        final = refreshed_after_401(error)
        if final is None:
            return redirect(request.full_path.rstrip("?"), 303)
        end_delegation(observed(final))
        return ended_page()

    @app.errorhandler(MissingScope)
    def missing_scope(error: MissingScope):
        return render_problem(Problem(
            403, "Not allowed by the access you granted",
            f"Anypoint refused the call: {error.message}. Ask for more access on the "
            "Delegated access page.", "insufficient_scope",
            (url_for("access.show"), "Delegated access")))

    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        return render_problem(Problem(
            404, "Not found", f"Anypoint has no such thing: {error.message}.", "not_found"))

    @app.errorhandler(IssuerMismatch)
    def issuer_mismatch(error: IssuerMismatch):
        return render_problem(Problem(
            502, "The sign-in provider is not the one configured",
            f"No sign-in was started because {error}. Check OIDC_ISSUER and OIDC_DISCOVERY_URL.",
            "issuer_mismatch"))

    @app.errorhandler(PlatformUnavailable)
    def unavailable(error: PlatformUnavailable):
        log.warning("provider unavailable: %s", error.message)
        return render_problem(Problem(
            error.http_status, "Anypoint is not answering",
            "The sign-in provider or the platform could not be reached, or answered with an "
            "error. Nothing was changed. Try again in a minute.", "temporarily_unavailable"))

    @app.errorhandler(PlatformError)
    def platform_error(error: PlatformError):
        log.warning("platform error: %s", error.message)
        return render_problem(Problem(
            502, "Anypoint gave an unexpected answer",
            "The platform answered in a way this app did not expect. Nothing was changed.",
            "bad_gateway"))

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError):
        return render_problem(Problem(
            400, "Not this app's address",
            "This app is not served under the host name your browser used. Open it at "
            f"{services().settings.origin} (the host of its redirect URI, or one listed in "
            "TRUSTED_HOSTS).",
            "untrusted_host"))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_problem(Problem(error.code or 500, error.name,
                                      error.description or error.name,
                                      error.name.lower().replace(" ", "_")))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error")
        return render_problem(Problem(500, "Something went wrong",
                                      "The app hit an unexpected error. Nothing was changed.",
                                      "server_error"))
