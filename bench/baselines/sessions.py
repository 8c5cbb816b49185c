"""Server-side sessions for the baselines, configured as the app configures its own (Flask-Session
0.8, permanent, refreshed on each request), from the environment:

SESSION_BACKEND   filesystem (cachelib's FileSystemCache under SESSION_DIR), redis (REDIS_URL,
                  keys under REDIS_PREFIX) or cookie (Flask's signed cookie, Authlib's examples)
"""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask


def init_sessions(app: Flask, cookie_name: str) -> None:
    app.secret_key = os.environ["SECRET_KEY"]
    backend = os.environ.get("SESSION_BACKEND", "filesystem")
    app.config.update(SESSION_COOKIE_NAME=cookie_name, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_PERMANENT=True,
                      SESSION_REFRESH_EACH_REQUEST=True,
                      PERMANENT_SESSION_LIFETIME=timedelta(minutes=60))
    if backend == "cookie":
        return
    from flask_session import Session

    if backend == "redis":
        import redis

        app.config.update(SESSION_TYPE="redis",
                          SESSION_REDIS=redis.Redis.from_url(os.environ["REDIS_URL"]),
                          SESSION_KEY_PREFIX=os.environ["REDIS_PREFIX"] + "session:")
    else:
        from cachelib.file import FileSystemCache

        folder = os.environ.get("SESSION_DIR") or os.path.join(os.getcwd(), "sessions")
        os.makedirs(folder, exist_ok=True)
        app.config.update(SESSION_TYPE="cachelib",
                          SESSION_CACHELIB=FileSystemCache(folder, threshold=2000))
    Session(app)
