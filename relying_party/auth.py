"""Sign-in and sign-out: ``auth.login``, ``auth.callback``, ``auth.sign_out`` (the page),
``auth.logout``, ``auth.logout_revoke`` and ``auth.signed_out``.

Anypoint offers apps no end-session endpoint: signing out here ends this app's session, not the
person's session with Anypoint, and the signed-out page says so and links to the provider's own
sign-out. A callback opened again (reload, Back) while signed in says that you are signed in.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from . import clock
from .anypoint.errors import PlatformError
from .anypoint.trace import Exchange
from .delegation.probes import CannotRevoke, revoke
from .oidc import signin
from .oidc.provider import authorization_url, new_flow
from .services import services
from .web import csrf, trace
from .web.guards import signed_in
from .web.problem import Problem
from .web.redirects import same_origin_path
from .web.sessions import browser_id, grant_for
from .web.trace import record, trace_key

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

FLOW_SECONDS = 600
FLOW_KEY = "flow:"


def take_flow(state: str) -> dict | None:
    """The pending sign-in for ``state`` if this browser started it, removed so it works once.

    Flows live in the store, each under its own key, not in the session record: a request that
    was in flight while ``/login`` ran would otherwise write the session back without the flow.
    The key names the browser, so an answer brought by another browser takes nothing.
    """
    if not state or len(state) > 128:
        return None
    flow = services().store.take(flow_key(session.get("browser", ""), state))
    if flow is None or flow.get("browser") != session.get("browser"):
        return None
    return flow


def flow_key(browser: str, state: str) -> str:
    return f"{FLOW_KEY}{browser}:{state}"


def requested_scopes(metadata) -> tuple[str, ...]:
    """Scopes from ``?scope=`` (space separated or repeated), validated; else the defaults.

    Raises Problem(400) naming an unknown scope.
    """
    asked = [s for value in request.args.getlist("scope") for s in value.split()]
    if not asked:
        return services().settings.scopes
    known = set(metadata.scopes_supported) | {"openid"}
    unknown = [s for s in asked if s not in known] if metadata.scopes_supported else []
    if unknown:
        raise Problem(400, "Unknown permission requested",
                      f"The provider does not offer the scope {unknown[0][:80]!r}. Pick "
                      "permissions from the list on the home page.", "invalid_scope")
    return tuple(dict.fromkeys(["openid", *asked]))


@bp.get("/login")
def login():
    """Start a sign-in: 302 to the provider. 400 for unknown scopes, 502 if discovery is wrong.
    The first request of a visitor that keeps something: the browser id and the trace."""
    svc = services()
    metadata = svc.provider.metadata()
    browser_id()
    trace.start()
    scopes = requested_scopes(metadata)
    flow = new_flow(scopes, same_origin_path(request.args.get("next"), svc.settings.origin))
    flow["browser"] = browser_id()
    svc.store.set(flow_key(flow["browser"], flow["state"]), flow, FLOW_SECONDS)
    target = authorization_url(metadata, svc.settings, flow)
    record(Exchange.build("authorize redirect", "GET", target, 302, None,
                          request={"scope": list(scopes)}))
    return redirect(target, 302)


@bp.get("/auth/callback")
def callback():
    """Finish a sign-in (see signin.complete); 303 to the kept ``next`` on success, else 4xx."""
    svc = services()
    params = request.args.to_dict()
    record(Exchange.build("callback", "GET", request.url, None, None, request=params))
    flow = take_flow(params.get("state") or "")
    if flow is None or clock.now() - flow["created"] > FLOW_SECONDS:
        if signed_in():  # this answer was used already (a reload, Back): nothing to finish
            return render_template("auth/already_signed_in.html", user=session["user"])
        raise Problem(400, "Sign-in did not complete",
                      "This sign-in answer does not belong to a sign-in started in this browser, "
                      "or it was already used or is too old. You are still signed out.",
                      "invalid_state")
    result = signin.complete(params, flow, svc, signed_in=signed_in())
    previous = session.get("grant_id")
    trace_id = session.get("trace_id")
    current_app.session_interface.regenerate(session)
    session.clear()
    session.update(browser=flow["browser"], trace_id=trace_id or secrets.token_urlsafe(16))
    grant_id = grant_for(session.sid, current_app.config["SECRET_KEY"])
    svc.tokens.save(grant_id, result.tokens)
    claims = result.report.claims
    info = result.userinfo
    session.update(
        grant_id=grant_id, started=clock.now(), requested=flow["scopes"],
        user={"sub": claims["sub"],
              "name": info.get("name") or claims.get("name") or info.get("preferred_username")
              or claims.get("preferred_username") or claims["sub"],
              "email": info.get("email") or claims.get("email")},
        userinfo=info, id_report=result.report.to_dict(),
    )
    csrf.renew()
    if previous:
        end_previous_delegation(previous)
    note_sign_in()
    return redirect(flow["next"], 303)


def note_sign_in() -> None:
    """Note the sign-in as the delegation's last check. What Anypoint says about the user
    (``delegation.profile``) is asked by the first page that shows it, once, and kept."""
    session["last_check"] = {"at": clock.now(), "how": "sign-in", "works": True,
                             "detail": "the provider issued the tokens, and the ID token "
                                       "and userinfo checked out"}


def end_previous_delegation(grant_id: str) -> None:
    """The delegation this browser had before signing in again is nobody's any more: revoke its
    tokens at the provider (RFC 7009, refresh token first) and forget them, so no refresh token
    stays active unheld. A provider that does not answer leaves it to expire there."""
    svc = services()
    tokens = svc.tokens.load(grant_id)
    svc.tokens.delete(grant_id)
    svc.profiles.drop(grant_id)
    if tokens is None:
        return
    try:
        revoke(svc, tokens, "both")
    except (PlatformError, CannotRevoke) as error:
        log.warning("the previous delegation's tokens were not revoked: %s", error)


def _forget() -> str | None:
    """Clear everything of this session (tokens, trace, cookie data); return the ID token."""
    svc = services()
    id_token = None
    if session.get("grant_id"):
        tokens = svc.tokens.load(session["grant_id"])
        id_token = tokens.id_token if tokens else None
        svc.tokens.delete(session["grant_id"])
        svc.profiles.drop(session["grant_id"])
    if session.get("trace_id"):
        svc.store.delete(trace_key())
    current_app.session_interface.regenerate(session)
    session.clear()
    return id_token


def _leave(id_token: str | None, notice: str):
    """Redirect after sign-out: RP-initiated logout when the provider advertises it."""
    try:
        end_session = services().provider.metadata().end_session_endpoint
    except PlatformError:
        end_session = None
    session["notice"] = notice
    if end_session and id_token:
        query = urlencode({"id_token_hint": id_token, "state": secrets.token_urlsafe(16),
                           "post_logout_redirect_uri":
                           services().settings.post_logout_redirect_uri})
        return redirect(f"{end_session}{'&' if '?' in end_session else '?'}{query}", 303)
    return redirect(url_for("auth.signed_out"), 303)


@bp.get("/logout")
def sign_out():
    """The sign-out page: what signing out does and does not end, Sign out (POST) and Sign out
    and revoke; ``auth/_before_sign_out.html``, when it exists, adds what to do first."""
    if not signed_in():
        return redirect(url_for("auth.signed_out"), 303)
    return render_template("auth/sign_out.html", **_provider_pages())


@bp.get("/signed-out")
def signed_out():
    """After sign-out: that this app forgot you, that the provider's own session remains
    (no end-session endpoint), with its sign-out page and the profile's connected apps."""
    if signed_in():
        return redirect(url_for("dashboard.index"), 303)
    return render_template("auth/signed_out.html", notice=session.pop("notice", None),
                           **_provider_pages())


def _provider_pages() -> dict:
    svc = services()
    return {"anypoint": svc.provider.is_anypoint,
            "signout_url": svc.settings.provider_page("signout"),
            "profile_url": svc.settings.provider_page("profile"),
            "on_platform": (urlsplit(svc.settings.anypoint_url).hostname or "").endswith(
                "anypoint.mulesoft.com")}


@bp.post("/logout")
def logout():
    """Sign out (POST with CSRF): forget the session here, then 303 home or to the provider."""
    return _leave(_forget(), "You are signed out.")


@bp.post("/logout/revoke")
def logout_revoke():
    """Revoke the refresh and access tokens (RFC 7009) first, then sign out."""
    svc = services()
    notice = "You are signed out and this app's access was revoked."
    tokens = svc.tokens.load(session["grant_id"]) if session.get("grant_id") else None
    if tokens is not None:
        try:
            revoke(svc, tokens, "both")
        except PlatformError:
            notice = ("You are signed out, but the provider could not confirm the revocation. "
                      "You can remove the app from your Anypoint profile.")
    return _leave(_forget(), notice)
