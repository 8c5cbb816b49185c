"""Your delegated access: ``access.show`` and the POST actions refresh, check, revoke, reveal.

Every action answers JSON (the probe results) when asked with ``Accept: application/json``;
otherwise it keeps the result for one view and answers 303 to ``/access``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for

from . import clock
from .anypoint.errors import PlatformError
from .anypoint.scopes import describe
from .anypoint.trace import fingerprint
from .delegation import probes
from .lab.probe import confirm
from .oidc.provider import IssuerMismatch
from .services import services
from .web import confirm as ask_first
from .web.errors import ended_page, wants_json
from .web.fragments import fragment
from .web.guards import end_delegation, require_delegation, signed_in
from .web.problem import Problem

bp = Blueprint("access", __name__)
PURPOSE = "to see what you delegated to this app"


def summary(tokens) -> dict:
    """The token set as a person needs to see it: fingerprints, never values."""
    return {"token_type": tokens.token_type, "issued_at": tokens.issued_at,
            "expires_at": tokens.expires_at, "access_token": fingerprint(tokens.access_token),
            "refresh_token": fingerprint(tokens.refresh_token) if tokens.refresh_token else None,
            "has_refresh_token": bool(tokens.refresh_token), "id_token":
            fingerprint(tokens.id_token) if tokens.id_token else None,
            "refresh_count": tokens.refresh_count, "rotation_count": tokens.rotation_count,
            "scopes": list(tokens.scopes)}



def _answer(result: dict):
    if wants_json():
        return jsonify(result)
    session["last_result"] = result
    return redirect(url_for("access.show"), 303)


def note_check(api: dict) -> None:
    """Keep ``api`` (the API call's probe row) as the delegation's last check (in the
    session: a new sign-in starts a new one)."""
    session["last_check"] = {"at": clock.now(), "how": api["check"], "works": api["works"],
                             "detail": api["detail"]}


@bp.get("/access")
def show():
    """Requested vs granted scopes, the token set, the ID token report card, last results,
    and the delegation's last check with the platform (shown, not run again: **Check with
    the provider** runs one; the revocation lab probes everything)."""
    result = session.pop("last_result", None)
    if not signed_in() and session.get("ended"):
        return ended_page(result)
    tokens = require_delegation(PURPOSE)
    last_check = session.get("last_check")
    requested = session.get("requested") or []
    granted = list(tokens.scopes)
    rows = [{"scope": s, "description": describe(s), "requested": s in requested,
             "granted": s in granted} for s in dict.fromkeys([*requested, *granted])]
    try:
        offered = services().provider.metadata().scopes_supported
    except (PlatformError, IssuerMismatch):  # the page still works without the offer list
        offered = ()
    more = [{"scope": s, "description": describe(s)} for s in offered if s not in granted]
    reveal = session.pop("reveal", False)
    return render_template("access/index.html", rows=rows, tokens=summary(tokens),
                           report_card=report_card(), result=result, more=more,
                           granted=granted, now=clock.now(), last_check=last_check,
                           raw_access_token=tokens.access_token if reveal else None)


def report_card():
    """The sign-in's ID token report card, rendered once per delegation (sign-in makes it)."""
    return fragment("access/_report_card.html", "report_card", (session["grant_id"],),
                    lambda: (session.get("id_report") or {},))


@bp.post("/access/refresh")
def refresh():
    """Refresh now (force). DelegationEnded → the 'access ended' page."""
    before = require_delegation(PURPOSE, refresh=False)
    if not before.refresh_token:
        raise Problem(409, "There is no refresh token",
                      "Anypoint gave this app no refresh token (the offline_access scope was not "
                      "granted), so it cannot refresh. You are still signed in; when the access "
                      "token expires, sign in again, or ask for offline_access now.",
                      "no_refresh_token", (url_for("access.show"), "Back to your access"))
    tokens = services().tokens.fresh(session["grant_id"], force=True)
    return _answer({"action": "refresh", "ok": True, "tokens": summary(tokens),
                    "before": summary(before)})


@bp.post("/access/check")
def check():
    """Introspection (when offered) plus an API call with the access token; when the call is
    refused, the full probe (see ``lab.probe.confirm``): a refresh, or the "access ended" page."""
    tokens = require_delegation(PURPOSE, refresh=False)
    svc = services()
    introspected = probes.introspect(svc, tokens)
    api = probes.api_probe(svc, tokens)
    note_check(api)
    confirm(svc, session["grant_id"], api)  # refused? probe all, refresh if it can
    return _answer({"action": "check", "probes": [*introspected, api]})


@bp.post("/access/revoke")
def revoke():
    """Revoke ``token`` = access | refresh | both, then run every probe and show the table.
    A form posted without ``confirmed`` gets the page that says what will happen first."""
    tokens = require_delegation(PURPOSE, refresh=False)
    svc = services()
    which = request.form.get("token", "")
    if which not in probes.CHOICES:
        raise probes.CannotRevoke("Pick the access token, the refresh token, or both.")
    if not ask_first.confirmed():
        return ask_first.revoke_page(which, tokens, svc.provider.is_anypoint,
                                     url_for("access.revoke"),
                                     url_for("access.show", _anchor="revoke"))
    grant_id = session["grant_id"]
    revoked = probes.revoke(svc, tokens, which)
    introspected = probes.introspect(svc, tokens)
    api = probes.api_probe(svc, tokens)
    rows = [*introspected, api]
    if tokens.refresh_token:
        rows.append(probes.refresh_probe(svc, grant_id))
    access_works = any(r["works"] for r in rows if r["token"] == "access")
    refresh_works = any(r["works"] for r in rows if r["check"] == "Refresh attempt")
    ended = not access_works and not refresh_works
    result = {"action": "revoke", "revoked": revoked, "probes": rows, "ended": ended}
    note_check(api)
    if ended:
        end_delegation("you revoked this app's access")
    return _answer(result)


@bp.post("/access/reveal")
def reveal():
    """Show the raw access token once (for curl). The refresh token is never shown."""
    require_delegation(PURPOSE, refresh=False)
    session["reveal"] = True
    return redirect(url_for("access.show", _anchor="tokens"), 303)
