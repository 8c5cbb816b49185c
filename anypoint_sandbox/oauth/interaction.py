"""The pages a person sees: sign-in and consent. Every response is ``Cache-Control: no-store``
and every form carries a CSRF token bound to the sandbox session."""

import secrets

from flask import Blueprint, abort, render_template, request, session
from werkzeug.security import check_password_hash

from ..access_management import governance
from ..access_management.scopes import describe
from ..storage.engine import session as db_session
from ..storage.models import ConnectedApp, User, now
from ..web.errors import error_page
from . import authorization

bp = Blueprint("interaction", __name__, url_prefix="/accounts/interaction")


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'none'; frame-ancestors 'none'; "
        "form-action 'self' http: https:")
    return response


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


WRONG_PASSWORD = "The username or password is not correct."


def sign_in_from_form() -> User | None:
    """The user whose posted ``username`` and ``password`` match, now signed in: a fresh
    session (no fixation) holding ``user_id`` and ``auth_time``, and ``last_login`` recorded
    (the caller commits). None when they do not match; the session is then left as it was."""
    username = request.form.get("username", "").strip()
    user = db_session().query(User).filter_by(username=username).first()
    if not (user and check_password_hash(user.password_hash, request.form.get("password", ""))):
        return None
    session.clear()  # a fresh session on sign-in (no fixation)
    session.update(user_id=user.id, auth_time=now())
    user.last_login = now()
    return user


def _check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, "This form has expired. Go back to the application and start again.")


def _pending_or_page(pending_id: str):
    pending = authorization.find_pending(pending_id)
    if pending is None:
        return None, error_page("This sign-in request has expired",
                                "Go back to the application and start again.", 400)
    return pending, None


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
    user = authorization.signed_in_user()
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
    scopes = describe(authorization.requested_scopes(pending))
    return render_template("sandbox/consent.html", app=_app_of(pending), user=user,
                           scopes=scopes, csrf=csrf_token())


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
    user = authorization.signed_in_user()
    reason = _policy_denial(pending, user) if user and not pending.login_required else None
    if reason is None:
        return authorization.advance(pending)
    if request.method == "POST":
        _check_csrf()
        return authorization.finish(pending, user, approved=False, reason=reason)
    scopes = describe(authorization.requested_scopes(pending))
    return render_template("sandbox/restricted.html", app=_app_of(pending), user=user,
                           reason=reason, scopes=scopes, csrf=csrf_token()), 403
