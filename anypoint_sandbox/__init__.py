"""The Anypoint sandbox: a local stand-in for Anypoint Platform's OAuth 2.0 / OpenID Connect
identity provider and platform APIs, at Anypoint's own paths and in its own shapes."""

import secrets

from flask import Flask, redirect, url_for

from . import api, cli, cli_telemetry, console, oauth, storage
from .cloudhub import api as cloudhub_api
from .settings import load_settings
from .storage import Setting, session
from .web import errors


def create_app(test_config: dict | None = None) -> Flask:
    """Build a sandbox app. Settings come from the environment (see ``settings.py``), overridden
    by ``test_config``; tables are created; the session secret is generated and persisted in the
    database when SANDBOX_SECRET_KEY is unset. Raises ``settings.SettingsError`` on bad settings."""
    app = Flask(__name__)
    app.config.update(load_settings(test_config))
    storage.init_app(app)
    with app.app_context():
        app.secret_key = app.config["SANDBOX_SECRET_KEY"] or _persisted_secret_key()
    oauth.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    console.init_app(app)
    app.register_blueprint(cloudhub_api.bp)
    app.register_blueprint(cli_telemetry.bp)
    cli.init_app(app)
    app.add_url_rule("/", "home", lambda: redirect(url_for("oauth.discovery")))
    return app


def _persisted_secret_key() -> str:
    """The database's secret key, made by the first process that needs one: a second process
    started at once on the same database waits for it and reads the same key."""
    stored = session().get(Setting, "secret_key")
    if stored is None:
        storage.serialized(session(), "secret key")
        stored = session().get(Setting, "secret_key", populate_existing=True)
    if stored is None:
        stored = Setting(name="secret_key", value=secrets.token_urlsafe(48))
        session().add(stored)
    session().commit()
    return stored.value
