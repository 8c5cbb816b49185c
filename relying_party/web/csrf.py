"""CSRF protection for every POST: a random token bound to the server-side session.

Forms carry it in ``csrf_token``; scripts may send the ``X-CSRF-Token`` header. A missing or wrong
token is a 400 page; the token is renewed at sign-in. A view that reads its own body as it
arrives (a streamed upload) is marked :func:`checked_in_view` and calls :func:`check` itself
with the token from its first fields, before it acts on anything.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from flask import Flask, current_app, request, session

from .errors import Problem


def csrf_token() -> str:
    """This session's token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def renew() -> None:
    session["csrf"] = secrets.token_urlsafe(32)


def checked_in_view(view: Callable) -> Callable:
    """Mark ``view`` as checking the token itself (its body is not parsed before it runs)."""
    view.csrf_checked_in_view = True
    return view


def check(sent: str | None) -> None:
    """Problem(400) unless ``sent`` (or the ``X-CSRF-Token`` header) is this session's token."""
    sent = sent or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(400, "This form has expired",
                      "The form was not sent from this app's page, or your session "
                      "ended. Reload the page and try again.", "csrf_failed")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.content_length is None and request.headers.get("Transfer-Encoding"):
            # A body of unknown length would be cut at the limit and read as a shorter form.
            raise Problem(411, "Send the form with its length",
                          "This app reads a form only when the request says how long it is "
                          "(Content-Length), as every browser does.", "length_required")
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "csrf_checked_in_view", False):
            return
        check(request.form.get("csrf_token"))
