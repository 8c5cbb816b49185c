"""Connected App Lab's relying party: an Anypoint connected app acting on behalf of a user."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask
from markupsafe import Markup, escape
from werkzeug.middleware.proxy_fix import ProxyFix

from .settings import Settings, SettingsError, load_settings

MAX_FORM_BYTES = 64 * 1024

__all__ = ["create_app", "Settings", "SettingsError"]


class LabFlask(Flask):
    """Flask, except that whether a view or hook is a coroutine function is asked once per
    function, not on each of the dozen calls a request makes (Flask's ``ensure_sync`` is
    meant to be overridden; the answer never changes for a function)."""

    def ensure_sync(self, func):
        synced = self.__dict__.setdefault("_synced", {})
        try:
            return synced[func]
        except KeyError:
            synced[func] = super().ensure_sync(func)
            return synced[func]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _when(epoch: float | None) -> str:
    """Seconds since the epoch as a readable UTC time for templates."""
    if not epoch:
        return "—"
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _breakable(name: str) -> Markup:
    """A scope or other identifier with a line-break opportunity after each ``:`` and ``_``,
    so a narrow table breaks ``manage:application_settings`` between its words."""
    return Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[:_])", str(name)))


def _ago(epoch: float | None) -> str:
    """How long ago ``epoch`` was, in words (``just now``, ``40 s ago``, ``3 min ago``)."""
    from . import clock

    if not epoch:
        return "never"
    seconds = max(0, int(clock.now() - epoch))
    if seconds < 5:
        return "just now"
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"


def create_app(overrides: dict | None = None, env_file: str | None = ".env") -> Flask:
    """Build the app. ``overrides`` (tests) beat the environment, which beats ``env_file``.

    Raises :class:`SettingsError` naming the first missing or malformed setting.
    """
    # Imported here, not at the top: ``flask deploy`` (relying_party.pipeline) imports this
    # package and must not load the web app to run.
    from . import access, activity, auth, cicd, clock, dashboard, deploy, explore, lab
    from .anypoint.client import AnypointClient
    from .delegation.profile import Profiles
    from .delegation.tokens import TokenStore
    from .oidc.provider import Provider
    from .oidc.signin import refresher
    from .services import EXTENSION, Services
    from .web import budget, csrf, errors, fragments, links, logs, security, sessions, trace
    from .web.trace import Recorder

    settings = load_settings(overrides, env_file)
    app = LabFlask(__name__, instance_path=settings.instance_path, instance_relative_config=True)
    app.config.update(SECRET_KEY=settings.secret_key.get_secret_value(),
                      TRUSTED_HOSTS=list(settings.trusted_hosts),
                      # Every form of the app is small; only the deploy routes raise this, for
                      # the JAR. Werkzeug refuses a larger body (413) before reading it.
                      MAX_CONTENT_LENGTH=MAX_FORM_BYTES)
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    store = sessions.init_app(app, settings)
    client = AnypointClient(settings.anypoint_url, settings.client_id,
                            settings.client_secret.get_secret_value(),
                            (settings.http_connect_timeout, settings.http_timeout), Recorder(),
                            upload_timeout=settings.upload_answer_timeout,
                            deadline=settings.platform_deadline_seconds)
    provider = Provider(settings, client)
    if settings.provider_prefetch:
        provider.prefetch()
    tokens = TokenStore(store, None, settings.refresh_margin_seconds,
                        keep_seconds=settings.session_max_hours * 3600)
    profiles = Profiles(store, client, clock.now, settings.profile_max_age_seconds,
                        settings.session_max_hours * 3600)
    services = Services(settings, store, client, provider, tokens, profiles)
    services.tokens.refresh = refresher(services)
    app.extensions[EXTENSION] = services

    origins = tuple(sorted({_origin(settings.oidc_discovery_url), _origin(settings.anypoint_url)}))
    security.init_app(app, origins)
    logs.init_app(app)
    errors.init_app(app)
    csrf.init_app(app)
    links.init_app(app)
    fragments.init_app(app)
    trace.init_app(app)
    budget.init_app(app, settings.platform_deadline_seconds)
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["ago"] = _ago
    app.jinja_env.filters["breakable"] = _breakable
    for module in (dashboard, auth, access, lab, deploy, explore, cicd, activity):
        app.register_blueprint(module.bp)
    return app
