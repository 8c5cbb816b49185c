"""The pages a person sees: sign-in and consent. Every response is ``Cache-Control: no-store``
and every form carries a CSRF token bound to the sandbox session.

The consent page marks what a scope will not do for this person (their account lacks the
right, or has it only in some environments) and, when they already granted the app something,
which scopes are new. A request already answered (the browser's Back button after signing in)
gets a page that leads back to the app instead of an error.
"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request

from ..access_management import governance
from ..access_management.scopes import IDENTITY_SCOPES, SPECIAL_SCOPES, describe
from ..storage import ConnectedApp, Environment, User
from ..storage import session as db_session
from ..web.errors import error_page
from ..web.security import INTERACTION_FORMS, secure
from ..web.session import WRONG_PASSWORD, check_csrf, csrf_token, sign_in_from_form, signed_in_user
from . import authorization

bp = Blueprint("interaction", __name__, url_prefix="/accounts/interaction")
secure(bp, INTERACTION_FORMS)


def _check_csrf() -> None:
    check_csrf("Go back to the application and start again.")


def _pending_or_page(pending_id: str):
    pending = authorization.find_pending(pending_id)
    if pending is None:
        answered = authorization.answered_in_this_browser(pending_id)
        if answered is not None:
            return None, _answered_page(answered)
        return None, error_page("This sign-in request has expired",
                                "Go back to the application and start again.", 400)
    return pending, None


def app_home(app: ConnectedApp, redirect_uri: str | None = None) -> str | None:
    """Where a person goes back to the app: its ``client_uri``, else the origin of the
    redirect URI the request used (one of the app's), else of its first; None when none is
    a web address."""
    if app.client_uri:
        return app.client_uri
    used = [redirect_uri] if redirect_uri in (app.redirect_uris or ()) else []
    for uri in [*used, *(app.redirect_uris or ())]:
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}/"
    return None


def _answered_page(answered: tuple[str, str | None]):
    """This browser already answered the request (Back after signing in): a link back to the
    app; 200 to look at, 400 to a form posted again (a request works once)."""
    client_id, redirect_uri = answered
    app = db_session().get(ConnectedApp, client_id)
    if app is None:
        return error_page("This sign-in request has expired",
                          "Go back to the application and start again.", 400)
    body = render_template("sandbox/answered.html", app=app, home=app_home(app, redirect_uri),
                           user=signed_in_user())
    return body, 400 if request.method == "POST" else 200, {"Cache-Control": "no-store"}


def consent_rows(user: User, pending) -> tuple[list[dict], bool]:
    """Each requested scope for the consent page: ``{scope, new, right}`` where ``right`` is
    ``None`` (needs no permission, or the user holds it everywhere), ``"none"`` (the account
    lacks it: the app will not be able to use it either) or a list of the environment names
    where the user holds it. Also whether the app already holds an earlier grant (then ``new``
    marks the scopes this request adds)."""
    earlier = authorization.earlier_consent(user, pending)
    granted = set(earlier.scope.split()) if earlier else set()
    rows = []
    for scope in describe(authorization.requested_scopes(pending)):
        rows.append({"scope": scope, "new": earlier is not None and scope.name not in granted,
                     "right": _right_of(user, scope.name)})
    return rows, earlier is not None


def _right_of(user: User, scope: str):
    if scope in IDENTITY_SCOPES or scope in SPECIAL_SCOPES:
        return None
    held = [right.environment_id for right in user.rights if right.scope == scope]
    if not held:
        return "none"
    if None in held:
        return None
    names = [environment.name for environment in (
        db_session().get(Environment, environment_id) for environment_id in held)
        if environment is not None and environment.organization_id == user.organization_id]
    return sorted(names) or "none"


def _app_of(pending) -> ConnectedApp:
    return db_session().get(ConnectedApp, pending.params["client_id"])


@bp.route("/<pending_id>/login", methods=["GET", "POST"])
def login(pending_id: str):
    """Sign-in form (``username``, ``password``); on success continue the authorization."""
    pending, page = _pending_or_page(pending_id)
    if page:
        return page
    error = None
    if request.method == "POST":
        _check_csrf()
        if sign_in_from_form():
            pending.login_required = False
            db_session().commit()
            return authorization.advance(pending)
        error = WRONG_PASSWORD
    status = 401 if error else 200
    return render_template("sandbox/login.html", app=_app_of(pending), error=error,
                           username=request.form.get("username", ""), csrf=csrf_token()), status


@bp.route("/<pending_id>/consent", methods=["GET", "POST"])
def consent(pending_id: str):
    """Consent page: the app's name, each scope in plain words, Allow / Deny."""
    pending, page = _pending_or_page(pending_id)
    if page:
        return page
    user = signed_in_user()
    if user is None or pending.login_required or _policy_denial(pending, user):
        return authorization.advance(pending)
    if request.method == "POST":
        _check_csrf()
        decision = request.form.get("decision")
        if decision not in ("allow", "deny"):
            abort(400, "Choose Allow or Deny.")
        if decision == "allow":
            authorization.remember_consent(user, pending)
        return authorization.finish(pending, user, approved=decision == "allow")
    rows, more = consent_rows(user, pending)
    return render_template("sandbox/consent.html", app=_app_of(pending), user=user,
                           rows=rows, more=more, csrf=csrf_token())


def _policy_denial(pending, user) -> str | None:
    return governance.denial_reason(user, _app_of(pending),
                                    authorization.requested_scopes(pending))


@bp.route("/<pending_id>/restricted", methods=["GET", "POST"])
def restricted(pending_id: str):
    """Why the organization's policy stops this app (or these scopes); the button returns
    ``access_denied`` to the app. When the policy now allows the request, carry on."""
    pending, page = _pending_or_page(pending_id)
    if page:
        return page
    user = signed_in_user()
    reason = _policy_denial(pending, user) if user and not pending.login_required else None
    if reason is None:
        return authorization.advance(pending)
    if request.method == "POST":
        _check_csrf()
        return authorization.finish(pending, user, approved=False, reason=reason)
    scopes = describe(authorization.requested_scopes(pending))
    return render_template("sandbox/restricted.html", app=_app_of(pending), user=user,
                           reason=reason, scopes=scopes, csrf=csrf_token()), 403
