"""Server-side sessions (Flask-Session 0.8) kept in the app's own store, on the same backend as
token sets and traces (files under instance/, or Redis).

The cookie holds only an opaque id; ``__Host-`` prefix and ``Secure`` when served over https.
Idle lifetime = ``SESSION_IDLE_MINUTES`` since the session was last written (renewed by any
request, written back at most once a minute when nothing else changed), checked in
``before_request``: the record and its cookie live twice as long, so that the request after an
idle time-out ends the delegation and says it was one ("you were signed out after N minutes
without activity") instead of finding nothing. The absolute lifetime is checked there too,
against the sign-in time. A session record is written only when there is
something to keep: an anonymous visitor leaves nothing behind, so no amount of anonymous traffic
can push out a signed-in user's session (the store is not a cache: it never evicts).

When the store does not answer (Redis down or hanging: its socket timeouts bound the wait), the
request gets an empty session and every page but the health checks answers 503 in words; the
app serves again as soon as the store answers, without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from datetime import timedelta

import redis
from cachelib.base import BaseCache
from flask import Flask, current_app, g, request, session
from flask_session.cachelib import CacheLibSessionInterface

from .. import clock
from ..delegation.store import FileStore, RedisStore, Sealer, Store, StoreUnavailable
from ..delegation.tokens import TokenStore
from ..settings import Settings
from .guards import end_delegation

log = logging.getLogger(__name__)
#: A session that was only read is written back at most this often, seconds.
RENEW_EVERY = 60
#: A session record (and its cookie) is kept this many idle lifetimes, so that the request that
#: comes after an idle time-out can say it was one.
KEPT_FOR = 2
#: Endpoints that answer without a session store: liveness, readiness, the stylesheet.
STORELESS = frozenset({"dashboard.healthz", "dashboard.readyz", "static"})


class StoreCache(BaseCache):
    """cachelib's interface over the app's store, so Flask-Session keeps sessions there."""

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def get(self, key: str):
        return self.store.get(key)

    def set(self, key: str, value, timeout: int | None = None) -> bool:
        self.store.set(key, value, timeout or 3600)
        return True

    def delete(self, key: str) -> bool:
        self.store.delete(key)
        return True


def grant_for(sid: str, secret: str) -> str:
    """The id of the delegation a sign-in starts in the session ``sid`` (a new sid at each
    sign-in): derived from it with the app's secret, so that the session and its token set can
    be read together, in one round trip, without the one naming the other."""
    digest = hmac.new(secret.encode(), b"grant:" + sid.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class ResilientSessionInterface(CacheLibSessionInterface):
    """Flask-Session's interface, except that a store that does not answer gives an empty
    session marked ``g.store_down`` (the page then says so) instead of an exception that no
    error page could render, and saving is then skipped. The session is read together with
    the token set of the delegation its sid would hold (``grant_for``), kept in
    ``g.prefetched_tokens`` for ``web.guards.current_tokens``."""

    def _retrieve_session_data(self, store_id: str):
        sid = store_id[len(self.key_prefix):]
        grant_id = grant_for(sid, current_app.config["SECRET_KEY"])
        data, tokens = self.cache.store.get_many([store_id, TokenStore.key(grant_id)])
        if data is not None:
            g.prefetched_tokens = (grant_id, tokens)
        return data

    def open_session(self, app, request):
        try:
            return super().open_session(app, request)
        except StoreUnavailable as error:
            g.store_down = str(error)
            return self.session_class(sid=self._generate_sid(self.sid_length),
                                      permanent=self.permanent)

    def should_set_storage(self, app, session) -> bool:
        """Written when changed; a session only read is written back (renewing its idle
        lifetime, and its cookie's) at most every :data:`RENEW_EVERY` seconds, not on every
        request."""
        now = clock.now()
        if session.modified:
            session["renewed"] = now
            return True
        if not super().should_set_storage(app, session):
            return False
        if now - session.get("renewed", 0) < RENEW_EVERY:
            return False
        session["renewed"] = now
        return True

    def save_session(self, app, session, response):
        if g.get("store_down"):
            return
        try:
            super().save_session(app, session, response)
        except StoreUnavailable as error:
            log.warning("the session was not saved: %s", error)


def sealer_of(settings: Settings) -> Sealer:
    keys = [key.get_secret_value().encode() for key in settings.store_keys]
    return Sealer(keys) if keys else Sealer.from_secret(settings.secret_key.get_secret_value())


def store_of(app: Flask, settings: Settings) -> Store:
    """The app's store on ``settings.session_backend``."""
    if settings.session_backend == "redis":
        client = redis.Redis.from_url(
            settings.redis_url, socket_timeout=settings.redis_timeout_seconds,
            socket_connect_timeout=settings.redis_timeout_seconds, retry_on_timeout=False)
        return RedisStore(client, sealer_of(settings), settings.redis_prefix,
                          settings.store_lock_wait_seconds)
    return FileStore(os.path.join(app.instance_path, "store"), sealer_of(settings),
                     settings.store_lock_wait_seconds, clock=clock.now)


def init_app(app: Flask, settings: Settings) -> Store:
    """Configure Flask-Session over the app's store; return the store."""
    secure = settings.secure_cookies
    app.config.update(
        SESSION_COOKIE_NAME="__Host-cal_session" if secure else "cal_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_PATH="/",
        SESSION_PERMANENT=True,
        SESSION_REFRESH_EACH_REQUEST=True,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes * KEPT_FOR),
    )
    store = store_of(app, settings)
    app.session_interface = ResilientSessionInterface(
        client=StoreCache(store), key_prefix="session:", use_signer=False, permanent=True,
        sid_length=32)

    @app.before_request
    def check_session():
        """Refuse without a store; end a delegation past its idle or absolute lifetime."""
        if g.get("store_down") and request.endpoint not in STORELESS:
            raise StoreUnavailable(g.store_down)
        current = session._get_current_object()  # one lookup of the proxy, not one a read
        now, renewed, started = clock.now(), current.get("renewed"), current.get("started")
        idle = settings.session_idle_minutes
        if current.get("user") and renewed and now - renewed > idle * 60:
            end_delegation(idle_reason(idle))
        elif started and now - started > settings.session_max_hours * 3600:
            end_delegation("your session reached its maximum length; sign in again")

    return store


def idle_reason(minutes: int) -> str:
    """Why a delegation ended after an idle time-out, in words (``session["ended"]``)."""
    return f"you were signed out after {minutes} minutes without activity"


def browser_id() -> str:
    """An opaque id for this browser's session, kept across sign-in; sign-in flows are bound to
    it. Created by /login, the first request that has something to keep: before it, requests
    write no session, so none in flight can write one back without it."""
    if "browser" not in session:
        session["browser"] = secrets.token_urlsafe(24)
    return session["browser"]
