"""The Anypoint sandbox served over real HTTP from a thread, seeded, for end-to-end tests.

    sandbox = run_sandbox(tmp_path / "sandbox.db", redirect_uris=[f"{app_url}/auth/callback"])
    sandbox.url        # http://127.0.0.1:<port>
    sandbox.issuer     # f"{sandbox.url}/accounts/api/v2/oauth2"
    sandbox.seed       # what seed_demo() returned: organization, users (passwords), apps (secrets)
    sandbox.stop()

``fast_cloudhub(tmp_path)`` is the sandbox config of the deploy tests; the labs that serve the
relying party beside it are in ``tests.support.labs``.

Seeding costs a signing key and three password hashes, so each test process seeds once, into a
template database (:func:`seeded_template`), and every test starts from a copy of it
(:func:`seeded_database`): the same demo data, in a database of the test's own.
"""

import atexit
import copy
import functools
import json
import pathlib
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass

from flask import Flask

from anypoint_sandbox import create_app
from anypoint_sandbox.oauth.keys import current_signing_key
from anypoint_sandbox.seed import APP_CALLBACK, seed_demo
from anypoint_sandbox.storage import session
from tests.support.live import LiveServer, serve

#: A cheap password hash: the suite signs in hundreds of times (scrypt costs ~100 ms a hash).
FAST = {"SANDBOX_PASSWORD_HASH": "pbkdf2:sha256:1000"}


def sandbox_app(db_path, **config) -> Flask:
    """A sandbox app on the SQLite file ``db_path`` (``config`` adds settings by name)."""
    return create_app({"SANDBOX_DATABASE_URL": f"sqlite:///{db_path}", **FAST, **config})


@functools.cache
def seeded_template() -> tuple[pathlib.Path, dict]:
    """This process's seeded database (demo data and a signing key) and what the seed returned."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="sandbox-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    app = sandbox_app(folder / "template.db")
    with app.app_context():
        seed = seed_demo()
        current_signing_key(session())
    app.extensions["sandbox_storage"].dispose()  # closes the WAL: the file holds everything
    return folder / "template.db", seed


def seeded_database(db_path, redirect_uris=()) -> dict:
    """A copy of the seeded template at ``db_path``, with ``redirect_uris`` also registered for
    the "Connected App Lab" app; returns the seed (users' passwords, apps' secrets…)."""
    template, seed = seeded_template()
    db_path = pathlib.Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, db_path)
    seed = copy.deepcopy(seed)
    if redirect_uris:
        uris = list(dict.fromkeys([APP_CALLBACK, *redirect_uris]))
        with sqlite3.connect(db_path) as db:
            db.execute("UPDATE connected_apps SET redirect_uris = ? WHERE name = ?",
                       (json.dumps(uris), "Connected App Lab"))
        db.close()
        next(app for app in seed["apps"] if app["name"] == "Connected App Lab")[
            "redirect_uris"] = uris
    return seed


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

    def environment_id(self, name: str) -> str:
        """The id of the seeded environment called ``name``."""
        envs = self.seed["organization"]["environments"]
        return next(env["id"] for env in envs if env["name"] == name)

    def stop(self) -> None:
        self.server.stop()
        self.app.extensions["sandbox_storage"].dispose()


def run_sandbox(db_path, redirect_uris=(), *, tls=None, **config) -> SandboxHandle:
    """Serve a fresh, seeded sandbox on a free port of 127.0.0.1. ``config`` holds extra sandbox
    settings by their names (e.g. ``SANDBOX_ACCESS_TOKEN_TTL=2``). ``tls`` = (certificate, key,
    host name) serves https under that name (the client resolves it to 127.0.0.1)."""
    seed = seeded_database(db_path, redirect_uris)
    https = {"ssl_context": (str(tls[0]), str(tls[1])), "host": tls[2]} if tls else {}
    live = serve(lambda base_url: sandbox_app(db_path, SANDBOX_BASE_URL=base_url, **config),
                 **https)
    return SandboxHandle(url=live.url, seed=seed, app=live.app, server=live)


def fast_cloudhub(tmp_path, **config) -> dict:
    """Sandbox settings for deploy tests: CloudHub deploys take 0.3 s and uploads land in
    ``tmp_path / "uploads"``; ``config`` adds or overrides settings."""
    return {"SANDBOX_DEPLOY_SECONDS": 0.3, "SANDBOX_UPLOAD_DIR": str(tmp_path / "uploads"),
            **config}
