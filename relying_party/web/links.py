"""Links to the app's pages that take no arguments (the navigation, the stylesheet), built
once per app and script root: ``url_for`` costs tens of microseconds a call, and every page
has a dozen of them in its frame. The navigation itself is rendered once per page it marks
and person it names (``web.fragments``)."""

from __future__ import annotations

from flask import Flask, current_app, request, session, url_for
from markupsafe import Markup

from .fragments import fragment


def link(endpoint: str, filename: str | None = None) -> str:
    """``url_for(endpoint)`` (``filename`` for a static file), remembered."""
    links = current_app.extensions.setdefault("links", {})
    key = (request.script_root, endpoint, filename)
    if key not in links:
        links[key] = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    return links[key]


def navigation() -> Markup:
    """The main navigation (``_nav.html``) for this request's page and signed-in person."""
    user = session.get("user")
    signed_in, name = bool(user), (user or {}).get("name")
    endpoint = request.endpoint
    return fragment("_nav.html", "navigation", (endpoint, signed_in, name),
                    lambda: (endpoint, signed_in, name))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["link"] = link
    app.jinja_env.globals["navigation"] = navigation
