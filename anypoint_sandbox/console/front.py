"""The console: pages signed in with the sandbox's own session (the same one the sign-in page
of an authorization sets). This module is the console's front door — sign in, sign out, home —
and the pieces every console area shares: ``signed_in`` (a visit without a session goes to
sign in and comes back), CSRF checks, and the no-store / CSP headers (``secure(bp)``).
"""

from functools import wraps

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from ..storage import session as db_session
from ..web.security import secure
from ..web.session import WRONG_PASSWORD, csrf_token, sign_in_from_form, signed_in_user
from ..web.session import check_csrf as web_check_csrf

bp = Blueprint("console", __name__, url_prefix="/console")



secure(bp)


def _safe_next(target: str | None) -> str:
    """Only console paths of this sandbox (never another site) are followed after sign-in."""
    if target and target.startswith("/console/") and not target.startswith("/console//") and (
            "\\" not in target):
        return target
    return url_for("console.home")


def signed_in(view):
    """Decorator: ``g.user`` is the signed-in person; without a session, off to sign in (and
    back to this page afterwards). POSTs must carry the session's CSRF token (400 otherwise)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.user = signed_in_user()
        if g.user is None:
            back = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("console.sign_in", next=back.rstrip("?")))
        if request.method == "POST":
            check_csrf()
        return view(*args, **kwargs)

    return wrapper


def check_csrf() -> None:
    web_check_csrf("Reload the page and try again.")


def render(template: str, status: int = 200, **context):
    """A console page with the signed-in user and a fresh CSRF token in its context."""
    return render_template(template, user=g.user, csrf=csrf_token(), **context), status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """The sandbox's sign-in form; afterwards back to ``next`` (console paths only)."""
    target = _safe_next(request.args.get("next"))
    error = None
    if request.method == "POST":
        check_csrf()
        if sign_in_from_form():
            db_session().commit()
            return redirect(target)
        error = WRONG_PASSWORD
    body = render_template("sandbox/login.html", app=None, error=error,
                           username=request.form.get("username", ""), csrf=csrf_token())
    return body, 401 if error else 200


@bp.get("/sign-out")
def sign_out_page():
    """The sandbox's own sign-out page (apps link here: Anypoint offers them no end-session
    endpoint): who is signed in and a Sign out button, or that nobody is."""
    return render_template("sandbox/sign_out.html", user=signed_in_user(), csrf=csrf_token())


@bp.post("/sign-out")
@signed_in
def sign_out():
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("console.sign_in"))


@bp.get("/")
@signed_in
def home():
    """Administrators start at Connected Apps, everyone else at their profile."""
    if g.user.role == "admin":
        return redirect(url_for("console_apps.index"))
    return redirect(url_for("console_profile.connected_apps"))
