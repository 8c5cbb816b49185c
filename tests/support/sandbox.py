"""The Anypoint sandbox served over real HTTP from a thread, seeded, for end-to-end tests.

    sandbox = run_sandbox(tmp_path / "sandbox.db", redirect_uris=[f"{app_url}/auth/callback"])
    sandbox.url        # http://127.0.0.1:<port>
    sandbox.issuer     # f"{sandbox.url}/accounts/api/v2/oauth2"
    sandbox.seed       # what seed_demo() returned: organization, users (passwords), apps (secrets)
    sandbox.stop()
"""

import pathlib
from dataclasses import dataclass

from flask import Flask

from anypoint_sandbox import create_app
from anypoint_sandbox.seed import seed_demo
from tests.support.live import LiveServer, serve


@dataclass
class SandboxHandle:
    url: str
    seed: dict
    app: Flask
    server: LiveServer

    @property
    def issuer(self) -> str:
        return self.app.config["SANDBOX_ISSUER"]

    def app_named(self, name: str) -> dict:
        """The seeded connected app called ``name`` (client_id, client_secret, ...)."""
        return next(app for app in self.seed["apps"] if app["name"] == name)

    def user(self, role: str) -> dict:
        """The seeded user with ``role`` (username, password, role)."""
        return next(user for user in self.seed["users"] if user["role"] == role)

    def stop(self) -> None:
        self.server.stop()
        self.app.extensions["sandbox_storage"].dispose()


def run_sandbox(db_path, redirect_uris=(), **config) -> SandboxHandle:
    """Serve a fresh, seeded sandbox on a free port of 127.0.0.1. ``config`` holds extra sandbox
    settings by their names (e.g. ``SANDBOX_ACCESS_TOKEN_TTL=2``)."""
    db_path = pathlib.Path(db_path)

    def build(base_url: str) -> Flask:
        return create_app({"SANDBOX_DATABASE_URL": f"sqlite:///{db_path}",
                           "SANDBOX_BASE_URL": base_url, **config})

    live = serve(build)
    with live.app.app_context():
        seed = seed_demo(tuple(redirect_uris))
    return SandboxHandle(url=live.url, seed=seed, app=live.app, server=live)
