"""The sandbox's own browser session, shared by the sign-in and consent pages and the console:
who is signed in, signing in from the form, and the CSRF token every form carries."""

import secrets

from flask import abort, current_app, render_template, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from ..storage import User, now
from ..storage import session as db_session
from . import throttle

WRONG_PASSWORD = "The username or password is not correct."


def hash_password(password: str) -> str:
    """The stored form of a password (SANDBOX_PASSWORD_HASH's method)."""
    return generate_password_hash(password, method=current_app.config["SANDBOX_PASSWORD_HASH"])


def signed_in_user() -> User | None:
    """The user of the sandbox session cookie, if any."""
    user_id = session.get("user_id")
    return db_session().get(User, user_id) if user_id else None


def sign_in_from_form() -> User | None:
    """The user whose posted ``username`` and ``password`` match, now signed in: a fresh
    session (no fixation) holding ``user_id`` and ``auth_time``, ``last_login`` recorded and the
    account's failures forgotten (the caller commits). None when they do not match; the session
    is then left as it was. Raises ``throttle.Throttled`` (before any check) while the account
    or the client address is locked, and for the failure that locks one."""
    username = request.form.get("username", "").strip()
    keys = throttle.sign_in_keys(username)
    throttle.check(keys)
    user = db_session().query(User).filter_by(username=username).first()
    if not check_password(user, request.form.get("password", "")):
        throttle.failed(keys)
        return None
    throttle.succeeded(keys[0])
    session.clear()  # a fresh session on sign-in (no fixation)
    session.update(user_id=user.id, auth_time=now())
    user.last_login = now()
    return user


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; for no user a hash is still checked, so that an
    unknown username takes as long to refuse as a wrong password."""
    if user is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def _decoy_hash() -> str:
    cached = current_app.extensions.get("sandbox_decoy_hash")
    if cached is None:
        cached = current_app.extensions["sandbox_decoy_hash"] = hash_password(
            secrets.token_urlsafe(16))
    return cached


def sign_in_page(app, error: str | None = None, status: int = 200, headers=None):
    """The sign-in form (for ``app``, or the console's when None) with ``error`` shown."""
    body = render_template("sandbox/login.html", app=app, error=error,
                           username=request.form.get("username", ""), csrf=csrf_token())
    return body, status, headers or {}


def sign_in_attempt():
    """Sign in from the posted form: (user, None), or (None, the sign-in page to answer):
    401 for a wrong username or password, 429 with Retry-After while throttled."""
    try:
        user = sign_in_from_form()
    except throttle.Throttled as refusal:
        return None, (str(refusal), 429, refusal.headers)
    return (user, None) if user else (None, (WRONG_PASSWORD, 401, {}))


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf(what_now: str) -> None:
    """400 (``what_now`` tells the person how to go on) unless the posted ``csrf_token`` is
    this session's."""
    sent = request.form.get("csrf_token", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, f"This form has expired. {what_now}")
