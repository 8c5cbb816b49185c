"""Server-side sessions (Flask-Session 0.8) and the token/trace store on the same backend.

The cookie holds only an opaque id; ``__Host-`` prefix and ``Secure`` when served over https.
Idle lifetime = ``SESSION_IDLE_MINUTES`` (refreshed on each request); absolute lifetime is checked
in ``before_request`` against the sign-in time.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

import redis
from cachelib.file import FileSystemCache
from flask import Flask, session
from flask_session import Session

from .. import clock
from ..delegation.store import FileStore, RedisStore, Sealer, Store
from ..settings import Settings
from .guards import end_delegation


def init_app(app: Flask, settings: Settings) -> Store:
    """Configure Flask-Session for ``settings.session_backend``; return the matching Store."""
    secure = settings.secure_cookies
    app.config.update(
        SESSION_COOKIE_NAME="__Host-cal_session" if secure else "cal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_PATH="/",
        SESSION_PERMANENT=True,
        SESSION_REFRESH_EACH_REQUEST=True,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        SESSION_KEY_PREFIX=settings.redis_prefix + "session:",
        SESSION_ID_LENGTH=32,
    )
    keys = [key.get_secret_value().encode() for key in settings.store_keys]
    sealer = Sealer(keys) if keys else Sealer.from_secret(settings.secret_key.get_secret_value())
    if settings.session_backend == "redis":
        client = redis.Redis.from_url(settings.redis_url)
        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=client)
        store: Store = RedisStore(client, sealer, settings.redis_prefix,
                                  settings.store_lock_wait_seconds)
    else:
        base = os.path.join(app.instance_path, "sessions")
        os.makedirs(base, exist_ok=True)
        app.config.update(SESSION_TYPE="cachelib",
                          SESSION_CACHELIB=FileSystemCache(base, threshold=2000))
        store = FileStore(os.path.join(app.instance_path, "store"), sealer,
                          settings.store_lock_wait_seconds)
    Session(app)

    @app.before_request
    def enforce_absolute_lifetime():
        started = session.get("started")
        if started and clock.now() - started > settings.session_max_hours * 3600:
            end_delegation("your session reached its maximum length; sign in again")

    return store


def browser_id() -> str:
    """An opaque id for this browser's session, kept across sign-in; sign-in flows are bound to
    it. Set on the home page already, so that a request in flight while ``/login`` runs writes
    the session back with the same id."""
    if "browser" not in session:
        session["browser"] = secrets.token_urlsafe(24)
    return session["browser"]
