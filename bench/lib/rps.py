"""The relying parties of a run — the app (``relying_party:create_app()``, its public factory,
configured by environment variables as in production) and the baselines — on ports chosen before
the sandbox is seeded, so that the seed registers their callbacks.

    ports = Ports()                                  # one free port per relying party
    sandbox = start_sandbox(servers, ports.callbacks())
    app = start_app(servers, sandbox, ports.app, backend="redis", redis_prefix=prefix)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import redis

from .sandbox import Sandbox
from .servers import Server, Servers, free_port

REDIS_URL = "redis://127.0.0.1:6379/0"
APP_COOKIE = "cal_session"
BARE_COOKIE = "bare_session"
AUTHLIB_COOKIE = "authlib_session"
LAB = "Connected App Lab"


@dataclass
class Ports:
    app: int = field(default_factory=free_port)
    bare: int = field(default_factory=free_port)
    authlib: int = field(default_factory=free_port)

    def callbacks(self) -> list[str]:
        return [f"http://127.0.0.1:{self.app}/auth/callback",
                f"http://127.0.0.1:{self.authlib}/auth"]


def redis_prefix(name: str) -> str:
    """A Redis key prefix of this run's own (cleaned up by :func:`forget_redis_keys`)."""
    return f"bench-{name}-{secrets.token_hex(4)}:"


def forget_redis_keys(prefix: str) -> int:
    """Delete this run's keys (only those under ``prefix``); how many there were."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start:start + 500])
        return len(keys)
    except redis.RedisError:
        return 0
    finally:
        client.close()


def _sessions(backend: str, prefix: str | None) -> dict:
    if backend == "redis" and not prefix:
        raise ValueError("a Redis backend needs a prefix of the run's own")
    return {"SESSION_BACKEND": backend, "REDIS_URL": REDIS_URL,
            **({"REDIS_PREFIX": prefix} if prefix else {})}


def start_app(servers: Servers, sandbox: Sandbox, port: int, backend: str = "filesystem",
              redis_prefix: str | None = None, workers: int = 1, threads: int = 4,
              **settings) -> Server:
    """The app as the seeded "Connected App Lab"; ``settings`` add app settings by name."""
    url = f"http://127.0.0.1:{port}"
    lab = sandbox.app_named(LAB)
    env = {"ANYPOINT_URL": sandbox.url, "ANYPOINT_CLIENT_ID": lab["client_id"],
           "ANYPOINT_CLIENT_SECRET": lab["client_secret"],
           "ANYPOINT_REDIRECT_URI": url + "/auth/callback",
           "ANYPOINT_POST_LOGOUT_REDIRECT_URI": url + "/",
           "SECRET_KEY": secrets.token_urlsafe(32),
           "INSTANCE_PATH": str(servers.work / f"app-{port}" / "instance"),
           **_sessions(backend, redis_prefix and redis_prefix + "app:"),
           **{name: str(value) for name, value in settings.items()}}
    server = servers.gunicorn(f"app-{port}", "relying_party:create_app()", env, port,
                              workers=workers, threads=threads)
    server.wait_up("/healthz")
    return server


def start_bare(servers: Servers, port: int, backend: str = "filesystem",
               redis_prefix: str | None = None) -> Server:
    env = {"SECRET_KEY": secrets.token_urlsafe(32),
           **_sessions(backend, redis_prefix and redis_prefix + "bare:")}
    server = servers.gunicorn(f"bare-{port}", "bench.baselines.bare_flask:create_app()", env,
                              port)
    server.wait_up("/ping")
    return server


def start_authlib(servers: Servers, sandbox: Sandbox, port: int, backend: str = "filesystem",
                  redis_prefix: str | None = None, workers: int = 1) -> Server:
    lab = sandbox.app_named(LAB)
    env = {"ANYPOINT_URL": sandbox.url, "ANYPOINT_CLIENT_ID": lab["client_id"],
           "ANYPOINT_CLIENT_SECRET": lab["client_secret"],
           "SECRET_KEY": secrets.token_urlsafe(32),
           **_sessions(backend, redis_prefix and redis_prefix + "authlib:")}
    server = servers.gunicorn(f"authlib-{port}", "bench.baselines.authlib_rp:create_app()", env,
                              port, workers=workers)
    server.wait_up("/")
    return server
