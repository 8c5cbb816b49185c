"""Home and dashboard: ``dashboard.index``, ``dashboard.reload_profile``,
``dashboard.session_json``, ``dashboard.healthz``, ``dashboard.readyz``."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session

from .anypoint.errors import PlatformError, PlatformUnavailable
from .anypoint.scopes import ENVIRONMENT_SCOPES, describe
from .delegation.store import StoreUnavailable
from .oidc.provider import IssuerMismatch
from .services import services
from .web.guards import current_tokens, require_delegation, signed_in
from .web.redirects import same_origin_path

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    """Signed out: what the app is and the scope picker. Signed in: who you are (what
    Anypoint said about you is kept per delegation: see ``delegation.profile``)."""
    if not signed_in():
        return home()
    tokens = current_tokens()
    svc = services()
    panel: dict = {"anypoint": svc.provider.is_anypoint}
    if panel["anypoint"]:
        try:
            profile = svc.profiles.get(session["grant_id"], tokens)
        except PlatformUnavailable:
            panel["unavailable"] = True
        else:
            panel.update(profile=profile, me=profile.me, me_refused=profile.me_refused)
            if profile.environments is not None:
                panel["environments"] = profile.environments
            elif profile.environments_refused:
                panel["environments_refused"] = profile.environments_refused
            else:
                panel["environments_scope"] = ENVIRONMENT_SCOPES[0]
    report = session.get("id_report") or {}
    return render_template("dashboard/index.html", user=session["user"], panel=panel,
                           claims=report.get("claims", {}), userinfo=session.get("userinfo", {}),
                           scopes=tokens.scopes, more_scope=" ".join(
                               [*tokens.scopes, ENVIRONMENT_SCOPES[0]]))


@bp.post("/profile/reload")
def reload_profile():
    """The Reload button: what Anypoint says about you is asked again by the next page
    (``next``, a path of this app; home otherwise)."""
    require_delegation("to reload what Anypoint says about you", refresh=False)
    services().profiles.drop(session["grant_id"])
    return redirect(same_origin_path(request.form.get("next"), services().settings.origin), 303)


def home():
    svc = services()
    try:
        metadata = svc.provider.metadata()
        problem = None
    except IssuerMismatch as error:
        metadata, problem = None, ("The configured provider is not the expected one", str(error),
                                   502)
    except PlatformError:
        metadata, problem = None, ("Anypoint is not answering", "The sign-in provider could not "
                                   "be reached. Try again in a minute.", 503)
    defaults = set(svc.settings.scopes)
    offered = list(metadata.scopes_supported) if metadata else []
    offered = offered or list(svc.settings.scopes)
    picker = [{"scope": s, "description": describe(s), "checked": s in defaults or s == "openid",
               "fixed": s == "openid"} for s in dict.fromkeys(["openid", *offered])]
    body = render_template("dashboard/home.html", picker=picker, problem=problem,
                           ended=session.get("ended"), notice=session.pop("notice", None),
                           anypoint=svc.provider.is_anypoint)
    return body, (problem[2] if problem else 200)


@bp.get("/session.json")
def session_json():
    """``{authenticated, sub, name, email, scopes, expires_at}``; never a token."""
    if signed_in():
        tokens = current_tokens(refresh=False)
        if tokens is not None:
            user = session["user"]
            return jsonify(authenticated=True, sub=user["sub"], name=user.get("name"),
                           email=user.get("email"), scopes=list(tokens.scopes),
                           expires_at=tokens.expires_at)
    body = {"authenticated": False, "sub": None, "name": None, "email": None, "scopes": [],
            "expires_at": None}
    if session.get("ended"):
        body["ended"] = session["ended"]
    return jsonify(body)


@bp.get("/healthz")
def healthz():
    """Liveness: 200 whenever the process serves requests (it needs nothing else)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Readiness: ``{status, store, provider}``, 200 when the session store and the provider's
    discovery document both answer, else 503 saying which does not (each check bounded by its
    own timeouts)."""
    svc = services()
    checks = {}
    try:
        svc.store.ping()
        checks["store"] = f"ok ({svc.settings.session_backend})"
    except StoreUnavailable as error:
        checks["store"] = f"not answering: {error}"
    try:
        svc.provider.metadata()
        checks["provider"] = "ok"
    except (PlatformError, IssuerMismatch) as error:
        checks["provider"] = f"not answering: {error}"
    ready = all(value.startswith("ok") for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", **checks), 200 if ready else 503
