"""Fixtures for the sandbox's own tests: a seeded app per test, its test client, and
``SignIn`` — the authorize → sign-in → consent → code steps in one call; ``sandbox`` serves one
over real HTTP."""

import pytest
from flask import Flask
from werkzeug.security import generate_password_hash

from anypoint_sandbox.storage import User, session
from tests.support.databases import on_both
from tests.support.live import serve
from tests.support.sandbox import run_sandbox, sandbox_app
from tests.support.sandbox_client import ADMIN_SCOPE, Console, SignIn, bearer

#: The modules whose tests run on PostgreSQL as well as SQLite (storage, OAuth and the core
#: APIs); the others run on SQLite only, to keep the suite's time.
POSTGRESQL_TOO = {"test_account_details", "test_accounts", "test_audit_query", "test_authorize",
                  "test_connected_apps_api", "test_governance_api", "test_keys_cli_audit",
                  "test_no_server_errors", "test_permissions", "test_revoke_introspect_userinfo",
                  "test_storage", "test_token"}


def pytest_generate_tests(metafunc):
    on_both(metafunc, POSTGRESQL_TOO)


@pytest.fixture
def app(database):
    app = sandbox_app(database[0], TESTING=True)
    yield app
    app.extensions["sandbox_storage"].dispose()


@pytest.fixture
def sandbox(tmp_path):
    """A seeded sandbox served over real HTTP (``SandboxHandle``), for the browser tests, with
    ``callback``: a redirect URI of the seeded app served by a stub of this test's own, so that
    the browser never lands on whatever runs on localhost:5000. test_end_to_end.py has its own."""
    stub = Flask("callback-stub")
    stub.add_url_rule("/auth/callback", "callback", lambda: "callback reached")
    app = serve(lambda url: stub)
    handle = run_sandbox(tmp_path / "sandbox.db", redirect_uris=[app.url + "/auth/callback"])
    handle.callback = app.url + "/auth/callback"
    yield handle
    handle.stop()
    app.stop()


@pytest.fixture
def seed(app, database):
    return database[1]


@pytest.fixture
def lab(seed):
    return next(app for app in seed["apps"] if app["name"] == "Connected App Lab")


@pytest.fixture
def deployer(seed):
    return next(app for app in seed["apps"] if app["name"] == "CI Deployer")


@pytest.fixture
def sign_in(client, seed, lab):
    return SignIn(client, seed, lab)


@pytest.fixture
def admin_token(sign_in) -> str:
    """An Organization Administrator's access token granted ``full`` (through the lab app)."""
    return sign_in.tokens("admin", ADMIN_SCOPE)["access_token"]


@pytest.fixture
def admin(admin_token) -> dict:
    return bearer(admin_token)


@pytest.fixture
def business_group_admin(app, seed) -> dict:
    """An administrator whose organization is the business group (username, password, id)."""
    group = seed["organization"]["businessGroups"][0]
    with app.app_context():
        user = User(username="bg-admin", first_name="Robin", last_name="Park",
                    email="bg-admin@training.example.com", role="admin",
                    organization_id=group["id"],
                    password_hash=generate_password_hash("group-password",
                                                         method="pbkdf2:sha256:1000"))
        session().add(user)
        session().commit()
        return {"username": "bg-admin", "password": "group-password", "id": user.id,
                "organization_id": group["id"]}


@pytest.fixture
def console(client, seed):
    return Console(client, seed)
