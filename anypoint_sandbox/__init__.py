"""The Anypoint sandbox: a local stand-in for Anypoint Platform's OAuth 2.0 / OpenID Connect
identity provider and account APIs, at Anypoint's own paths and in its own shapes."""

import secrets

from flask import Flask

from .settings import load_settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build a sandbox app. Settings come from the environment (see ``config.py``), overridden
    by ``test_config``; tables are created; the session secret is generated and persisted in the
    database when SANDBOX_SECRET_KEY is unset. Raises ``config.SettingsError`` on bad settings."""
    app = Flask(__name__)
    app.config.update(load_settings(test_config))

    from . import cli
    from .api import accounts
    from .cloudhub import api as cloudhub_api
    from .console import areas as admin_areas
    from .oauth import interaction
    from .oauth import routes as oauth_routes
    from .oauth import server as oauth2
    from .storage import engine as db
    from .web import errors

    db.init_app(app)
    with app.app_context():
        app.secret_key = app.config["SANDBOX_SECRET_KEY"] or _persisted_secret_key()
    oauth2.init_app(app)
    errors.init_app(app)
    app.register_blueprint(oauth_routes.bp)
    app.register_blueprint(interaction.bp)
    app.register_blueprint(accounts.bp)
    admin_areas.init_app(app)
    app.register_blueprint(cloudhub_api.bp)
    cli.init_app(app)

    @app.get("/")
    def home():
        from flask import redirect, url_for

        return redirect(url_for("oauth.discovery"))

    return app


def _persisted_secret_key() -> str:
    from .storage.engine import session
    from .storage.models import Setting

    stored = session().get(Setting, "secret_key")
    if stored is None:
        stored = Setting(name="secret_key", value=secrets.token_urlsafe(48))
        session().add(stored)
        session().commit()
    return stored.value
