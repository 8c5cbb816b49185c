"""Links to the app's pages that take no arguments (the navigation, the stylesheet), built
once per app and script root: ``url_for`` costs tens of microseconds a call, and every page
has a dozen of them in its frame."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for


def link(endpoint: str, filename: str | None = None) -> str:
    """``url_for(endpoint)`` (``filename`` for a static file), remembered."""
    links = current_app.extensions.setdefault("links", {})
    key = (request.script_root, endpoint, filename)
    if key not in links:
        links[key] = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    return links[key]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["link"] = link
