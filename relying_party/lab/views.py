"""The revocation lab: ``lab.show`` (/access/lab) and the POST actions ``lab.probe``/``revoke``.

Each action records an observation in this session's probe history (see ``lab_probe``) and
answers JSON (``{"probe", "history", "ended"}``) to ``Accept: application/json``, else 303 back to
the lab. When a probe finds that nothing works any more, the delegation is ended here (tokens
forgotten, ``session["ended"]`` set); the history stays visible until sign-out.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for

from .. import clock
from ..anypoint.errors import PlatformError
from ..anypoint.trace import fingerprint
from ..delegation import probes
from ..services import services
from ..web import confirm
from ..web.errors import wants_json
from ..web.guards import end_delegation, require_delegation, signed_in
from ..web.problem import Problem
from . import probe as lab_probe
from .history import AFTER, after_label
from .scenarios import scenarios

bp = Blueprint("lab", __name__)

REVOKED = {"access": "revoked_access", "refresh": "revoked_refresh", "both": "revoked_both"}
PURPOSE = "to try the revocation lab"



@bp.get("/access/lab")
def show():
    """Scenario cards, the tokens (fingerprints, expiry countdown) and the probe history.

    Calls nothing at the platform but (cached) discovery: observing is the probe's job, and the
    page must not refresh an expiring token behind the user's back. After the delegation ended:
    the history with the "ended" notice; signed out otherwise: the 401 page.
    """
    svc = services()
    history = lab_probe.load_history(svc)
    ended = None if signed_in() else session.get("ended")
    tokens = None if ended else require_delegation(PURPOSE, refresh=False)
    try:
        metadata = svc.provider.metadata()
        offers = {"revocation": bool(metadata.revocation_endpoint),
                  "introspection": bool(metadata.introspection_endpoint)}
    except PlatformError:
        offers = None
    return render_template(
        "lab/index.html", history=history, ended=ended, tokens=tokens, offers=offers,
        fingerprint=fingerprint, after_label=after_label, now=clock.now(),
        cards=scenarios(svc.settings, bool(tokens and tokens.refresh_token)),
        anypoint=svc.provider.is_anypoint)


def _record(after: str):
    """Probe, store the observation, end the delegation when nothing works; answer."""
    svc = services()
    entry = lab_probe.observe(svc, session["grant_id"], after)
    history = lab_probe.remember(svc, entry)
    if entry["ended"]:
        end_delegation(lab_probe.ended_reason(entry))
    if wants_json():
        return jsonify(probe=history[0], history=history, ended=entry["ended"])
    return redirect(url_for("lab.show", _anchor="history"), 303)


@bp.post("/access/lab/probe")
def probe():
    """Probe now; ``after`` (optional) names what the user just did, from a fixed list."""
    require_delegation(PURPOSE, refresh=False)
    after = request.form.get("after", "")
    if after not in AFTER or after in ("detected", *REVOKED.values()):
        raise Problem(400, "Unknown scenario", "Probe again from the lab's page.",
                      "invalid_request")
    return _record(after)


@bp.post("/access/lab/revoke")
def revoke():
    """Revoke ``token`` = access | refresh | both (RFC 7009, as /access/revoke), then probe;
    a form posted without ``confirmed`` gets the page that says what will happen first."""
    tokens = require_delegation(PURPOSE, refresh=False)
    svc = services()
    which = request.form.get("token", "")
    if which not in probes.CHOICES:
        raise probes.CannotRevoke("Pick the access token, the refresh token, or both.")
    if not confirm.confirmed():
        return confirm.revoke_page(which, tokens, svc.provider.is_anypoint,
                                   url_for("lab.revoke"),
                                   url_for("lab.show", _anchor=f"scenario-{REVOKED[which]}"))
    probes.revoke(svc, tokens, which)
    return _record(REVOKED[which])


@bp.before_app_request
def forget_history():
    """Signing out drops the probe history with the rest of the session (after the CSRF check)."""
    if request.method == "POST" and request.endpoint in ("auth.logout", "auth.logout_revoke"):
        if "trace_id" in session:
            services().store.delete(lab_probe.history_key())
