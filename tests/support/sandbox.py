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

A database is a SQLite file (a path) or a PostgreSQL URL: :func:`postgres_database` makes a
PostgreSQL database of the test's own (``tests.support.postgres``) that ``seeded_database`` fills
from a PostgreSQL template of this process's own (``CREATE DATABASE … TEMPLATE``).
"""

import atexit
import contextlib
import copy
import functools
import pathlib
import shutil
import tempfile
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import create_engine, update

from anypoint_sandbox import create_app
from anypoint_sandbox.oauth.keys import current_signing_key
from anypoint_sandbox.seed import APP_CALLBACK, seed_demo
from anypoint_sandbox.storage import ConnectedApp, session
from anypoint_sandbox.storage.engine import engine_url
from tests.support import postgres
from tests.support.live import LiveServer, serve

#: A cheap password hash: the suite signs in hundreds of times (scrypt costs ~100 ms a hash).
FAST = {"SANDBOX_PASSWORD_HASH": "pbkdf2:sha256:1000"}


def is_postgres(database) -> bool:
    return isinstance(database, str) and database.startswith("postgresql://")


def database_url(database) -> str:
    """SANDBOX_DATABASE_URL for ``database``: a PostgreSQL URL as it is, a path as SQLite."""
    return database if is_postgres(database) else f"sqlite:///{database}"


def sandbox_app(database, **config) -> Flask:
    """A sandbox app on ``database`` (a SQLite file's path or a PostgreSQL URL); ``config`` adds
    settings by name."""
    return create_app({"SANDBOX_DATABASE_URL": database_url(database), **FAST, **config})


def postgres_database() -> str:
    """The URL of a new, empty PostgreSQL database of this test's own (``seeded_database``
    fills it); :func:`drop_postgres` drops it. Skips (fails under CI=true) without PostgreSQL."""
    postgres.require()
    return postgres.database_url(postgres.new_name())


def drop_postgres(url: str) -> None:
    postgres.drop_database(url.rsplit("/", 1)[1])


def _seed_template(database) -> dict:
    app = sandbox_app(database)
    with app.app_context():
        seed = seed_demo()
        current_signing_key(session())
    app.extensions["sandbox_storage"].dispose()  # SQLite: closes the WAL, the file holds all
    return seed


@functools.cache
def seeded_template(kind: str = "sqlite") -> tuple[str | pathlib.Path, dict]:
    """This process's seeded database of ``kind`` (sqlite: a file; postgresql: a database's
    name), holding the demo data and a signing key, and what the seed returned."""
    if kind == "postgresql":
        name = postgres.create_database(name=postgres.new_name("template_"))
        atexit.register(postgres.drop_database, name)
        return name, _seed_template(postgres.database_url(name))
    folder = pathlib.Path(tempfile.mkdtemp(prefix="sandbox-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder / "template.db", _seed_template(folder / "template.db")


def seeded_database(database, redirect_uris=()) -> dict:
    """A copy of the seeded template at ``database`` (a SQLite path, or the URL of a PostgreSQL
    database that does not exist yet, from :func:`postgres_database`), with ``redirect_uris``
    also registered for the "Connected App Lab" app; returns the seed (users' passwords, apps'
    secrets…)."""
    if is_postgres(database):
        template, seed = seeded_template("postgresql")
        postgres.create_database(template=template, name=database.rsplit("/", 1)[1])
    else:
        template, seed = seeded_template()
        database = pathlib.Path(database)
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, database)
    seed = copy.deepcopy(seed)
    if redirect_uris:
        uris = list(dict.fromkeys([APP_CALLBACK, *redirect_uris]))
        engine = create_engine(engine_url(database_url(database)))
        with engine.begin() as connection:
            connection.execute(update(ConnectedApp).where(
                ConnectedApp.name == "Connected App Lab").values(redirect_uris=uris))
        engine.dispose()
        next(app for app in seed["apps"] if app["name"] == "Connected App Lab")[
            "redirect_uris"] = uris
    return seed


@contextlib.contextmanager
def own_database(kind: str, folder: pathlib.Path):
    """``with own_database("sqlite" | "postgresql", tmp_path) as (database, seed):`` a seeded
    database of the test's own: a file in ``folder``, or a PostgreSQL database dropped at the
    end (whoever is still connected then is disconnected)."""
    if kind == "sqlite":
        path = folder / "sandbox.db"
        yield path, seeded_database(path)
        return
    url = postgres_database()
    try:
        yield url, seeded_database(url)
    finally:
        drop_postgres(url)


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


def run_sandbox(database, redirect_uris=(), *, tls=None, **config) -> SandboxHandle:
    """Serve a fresh, seeded sandbox on ``database`` (a SQLite path or a new PostgreSQL
    database's URL: see :func:`seeded_database`) on a free port of 127.0.0.1. ``config`` holds
    extra sandbox settings by their names (e.g. ``SANDBOX_ACCESS_TOKEN_TTL=2``). ``tls`` =
    (certificate, key, host name) serves https under that name (the client resolves it to
    127.0.0.1)."""
    seed = seeded_database(database, redirect_uris)
    https = {"ssl_context": (str(tls[0]), str(tls[1])), "host": tls[2]} if tls else {}
    live = serve(lambda base_url: sandbox_app(database, SANDBOX_BASE_URL=base_url, **config),
                 **https)
    return SandboxHandle(url=live.url, seed=seed, app=live.app, server=live)


def fast_cloudhub(tmp_path, **config) -> dict:
    """Sandbox settings for deploy tests: CloudHub deploys take 0.3 s and uploads land in
    ``tmp_path / "uploads"``; ``config`` adds or overrides settings."""
    return {"SANDBOX_DEPLOY_SECONDS": 0.3, "SANDBOX_UPLOAD_DIR": str(tmp_path / "uploads"),
            **config}
