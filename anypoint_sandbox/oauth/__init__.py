"""The OAuth 2.0 / OpenID Connect provider: Authlib's server, grants, keys, endpoints, and
the sign-in and consent pages. ``init_app`` wires the server and registers the endpoints."""

from flask import Flask

from . import interaction, routes, server


def init_app(app: Flask) -> None:
    """Create the app's authorization server and register the OAuth and interaction pages."""
    server.init_app(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(interaction.bp)
