"""The pages a person sees: sign-in and consent. Every response is ``Cache-Control: no-store``
and every form carries a CSRF token bound to the sandbox session."""

from flask import Blueprint, abort, render_template, request

from ..access_management import governance
from ..access_management.scopes import describe
from ..storage import ConnectedApp
from ..storage import session as db_session
from ..web.errors import error_page
from ..web.security import INTERACTION_FORMS, secure
from ..web.session import check_csrf, csrf_token, sign_in_attempt, sign_in_page, signed_in_user
from . import authorization

bp = Blueprint("interaction", __name__, url_prefix="/accounts/interaction")
secure(bp, INTERACTION_FORMS)


def _check_csrf() -> None:
    check_csrf("Go back to the application and start again.")


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
    """Sign-in form (``username``, ``password``); on success continue the authorization. 401
    for a wrong username or password, 429 (Retry-After) while the account or the address is
    throttled."""
    pending, page = _pending_or_page(pending_id)
    if page:
        return page
    problem = (None, 200, {})
    if request.method == "POST":
        _check_csrf()
        user, problem = sign_in_attempt()
        if user:
            pending.login_required = False
            db_session().commit()
            return authorization.advance(pending)
    return sign_in_page(_app_of(pending), *problem)


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
