"""CSRF protection for every POST: a random token bound to the server-side session.

Forms carry it in ``csrf_token``; scripts may send the ``X-CSRF-Token`` header. A missing or wrong
token is a 400 page; the token is renewed at sign-in.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session

from .errors import Problem


def csrf_token() -> str:
    """This session's token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def renew() -> None:
    session["csrf"] = secrets.token_urlsafe(32)


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
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        expected = session.get("csrf")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise Problem(400, "This form has expired",
                          "The form was not sent from this app's page, or your session "
                          "ended. Reload the page and try again.", "csrf_failed")
