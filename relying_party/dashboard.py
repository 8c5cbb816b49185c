"""Home and dashboard: ``dashboard.index``, ``dashboard.reload_profile``,
``dashboard.session_json``, ``dashboard.healthz``, ``dashboard.readyz``."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session

from . import clock
from .anypoint.errors import PlatformError, PlatformUnavailable
from .anypoint.models import Me
from .anypoint.scopes import ENVIRONMENT_SCOPES, describe
from .delegation.store import StoreUnavailable
from .oidc.claims import claim_rows, moments, relative, token_view, utc
from .oidc.provider import IssuerMismatch
from .services import services
from .web.fragments import fragment
from .web.guards import current_tokens, require_delegation, signed_in
from .web.redirects import same_origin_path

bp = Blueprint("dashboard", __name__)
#: Scopes that let the app call no platform API (``profile`` reads ``/accounts/api/me``).
IDENTITY_SCOPES = frozenset({"openid", "email", "offline_access"})


def role_of(me: Me) -> dict:
    """The user's role as Anypoint says it in ``/accounts/api/me``: the owner of the
    organization (or of a business group) is its administrator; anyone else a member, whose
    permissions ``/me`` does not list."""
    org = me.organization
    owned = [group.name for group in me.business_groups
             if group.owner_id and group.owner_id == me.user_id and group.id != org.id]
    if org.owner_id and org.owner_id == me.user_id:
        return {"title": "Organization administrator", "admin": True,
                "detail": f"Anypoint names you the owner of {org.name}."}
    if owned:
        return {"title": "Business group administrator", "admin": True,
                "detail": f"Anypoint names you the owner of {', '.join(owned)}, "
                          f"a member of {org.name}."}
    return {"title": f"Member of {org.name}", "admin": False,
            "detail": "Not its owner. Anypoint's /accounts/api/me does not list your "
                      "permissions; the Deploy page shows what you may do in each environment."}


def when(epoch: float | None, now: float) -> str | None:
    """``2026-12-02 04:12:09 UTC (3 min ago)``: a time as the dashboard shows it."""
    return f"{utc(epoch)} ({relative(epoch, now)})" if epoch else None


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
        if panel.get("me"):
            panel["role"] = role_of(panel["me"])
    now = clock.now()
    return render_template(
        "dashboard/index.html", user=session["user"], panel=panel,
        id_token_card=id_token_card(tokens.id_token, tokens.refresh_count, now),
        userinfo=claim_rows(session.get("userinfo") or {}, now),
        scopes=tokens.scopes, identity_only=set(tokens.scopes) <= IDENTITY_SCOPES,
        times={"signed_in": when(session.get("started"), now),
               "issued": when(tokens.issued_at, now), "expires": when(tokens.expires_at, now)},
        refresh_count=tokens.refresh_count,
        more_scope=" ".join([*tokens.scopes, ENVIRONMENT_SCOPES[0]]),
        profile_scope=" ".join([*tokens.scopes, "profile"]))


def id_token_card(token: str | None, refresh_count: int, now: float):
    """The decoded ID token's card (``dashboard/_id_token.html``), rendered again only when
    the token, its refresh count or a time it shows reads differently; None without a token."""
    if not token:
        return None
    return fragment("dashboard/_id_token.html", "id_token_card",
                    (token, refresh_count, moments(token, now)),
                    lambda: (token_view(token, now), refresh_count))


@bp.app_template_global()
def newest_id_token() -> dict | None:
    """The newest ID token of the delegation as the page shows it (``oidc.claims``): after a
    refresh, the one it brought. None when signed out or there is none."""
    tokens = current_tokens(refresh=False)
    return token_view(tokens.id_token if tokens else None, clock.now())


@bp.app_template_global()
def platform_url() -> str:
    """The platform's base URL (``ANYPOINT_URL``), for the commands a page shows."""
    return services().settings.anypoint_url.rstrip("/")


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
