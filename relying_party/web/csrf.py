"""CSRF protection for every POST: a random token bound to the server-side session.

Forms carry it in ``csrf_token``; scripts may send the ``X-CSRF-Token`` header. A missing or wrong
token is a 400 page that says why (a form from elsewhere, a session that ended, an earlier
session) and offers to reload the page the form came from; the token is renewed at sign-in.
A view that reads its own body as it arrives (a streamed upload) is marked
:func:`checked_in_view` and calls :func:`check` itself with the token from its first fields,
before it acts on anything.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from flask import Flask, current_app, request, session
from werkzeug.exceptions import HTTPException

from ..services import services
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
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "csrf_checked_in_view", False):
            return
        check(request.form.get("csrf_token"))


def checked_in_view(view: Callable) -> Callable:
    """Mark ``view`` as checking the token itself (its body is not parsed before it runs)."""
    view.csrf_checked_in_view = True
    return view


def check(sent: str | None) -> None:
    """Problem(400) unless ``sent`` (or the ``X-CSRF-Token`` header) is this session's token."""
    sent = sent or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(400, "This form has expired", why_expired(sent, expected),
                      "csrf_failed", (page_of_form(), "Reload the page"))


def why_expired(sent: str, expected: str | None) -> str:
    """Why a form's token is refused, in the words of what most likely happened."""
    if not sent:
        return ("The form was not sent from one of this app's pages (it carried no form "
                "token), so nothing was done. Reload the page and try again.")
    if not expected:
        minutes = services().settings.session_idle_minutes
        return ("This page was loaded in a session that has ended — you signed out (maybe in "
                "another tab), or you were signed out after "
                f"{minutes} minutes without activity — so its forms no longer work. "
                "Nothing was done. Reload the page (sign in again if it asks) and try again.")
    return ("This form belongs to an earlier session: you signed in again (maybe in another "
            "tab) after this page was loaded, so it no longer works. Nothing was done. "
            "Reload the page and try again.")


def page_of_form() -> str:
    """The page a refused form most likely came from: the nearest path above the form's
    action that answers GET (``/access/revoke`` → ``/access``), else home."""
    adapter = current_app.url_map.bind("localhost")
    path = request.path.rstrip("/")
    while path:
        path = path.rsplit("/", 1)[0]
        try:
            adapter.match(path or "/", method="GET")
        except HTTPException:
            continue
        return request.script_root + (path or "/")
    return request.script_root + "/"
