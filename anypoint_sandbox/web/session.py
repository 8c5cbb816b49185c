"""The sandbox's own browser session, shared by the sign-in and consent pages and the console:
who is signed in, signing in from the form, and the CSRF token every form carries."""

import secrets

from flask import abort, current_app, request, session
from werkzeug.security import check_password_hash, generate_password_hash

from ..storage import User, now
from ..storage import session as db_session

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
