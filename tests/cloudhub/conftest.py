"""Fixtures for the CloudHub API tests: a seeded sandbox with its own upload folder and a fast
deploy time, a hand-driven clock, tokens for each seeded user and the CI Deployer, and ``Api``,
which sends CloudHub calls with the right headers."""


import pytest

from tests.support.cloudhub_client import DEPLOY_SECONDS, RUNTIME_MANAGER, Api
from tests.support.databases import on_both
from tests.support.sandbox import sandbox_app
from tests.support.sandbox_client import TOKEN, SignIn


@pytest.fixture
def settings(tmp_path) -> dict:
    """The sandbox's test config; a test may change it before asking for ``app``."""
    return {"TESTING": True, "SANDBOX_UPLOAD_DIR": str(tmp_path / "uploads"),
            "SANDBOX_DEPLOY_SECONDS": DEPLOY_SECONDS}


#: The modules whose tests run on PostgreSQL as well as SQLite (storage, OAuth and the core
#: APIs); the others run on SQLite only, to keep the suite's time.
POSTGRESQL_TOO = {"test_api_permissions", "test_deployments"}


def pytest_generate_tests(metafunc):
    on_both(metafunc, POSTGRESQL_TOO)


@pytest.fixture
def app(settings, database):
    app = sandbox_app(database[0], **settings)
    yield app
    app.extensions["sandbox_storage"].dispose()


@pytest.fixture
def uploads(app):
    """The upload folder (``stored_files(uploads)`` lists what it holds)."""
    return app.config["SANDBOX_UPLOAD_DIR"]


@pytest.fixture
def seed(app, database):
    return database[1]


@pytest.fixture
def environments(seed) -> dict[str, str]:
    """Environment ids by name (Sandbox, Design, Production)."""
    return {env["name"]: env["id"] for env in seed["organization"]["environments"]}




@pytest.fixture
def user_token(app, seed):
    """``user_token(username, scope=RUNTIME_MANAGER)``: an access token got through the real
    authorize → sign-in → consent → code exchange, in a client of its own."""
    lab = next(item for item in seed["apps"] if item["name"] == "Connected App Lab")

    def get(username: str, scope: str = RUNTIME_MANAGER) -> str:
        signer = SignIn(app.test_client(), seed, lab)
        return signer.tokens(username, scope=f"openid profile {scope}")["access_token"]

    return get


@pytest.fixture
def ci_token(client, seed) -> str:
    """The CI Deployer's client-credentials token (its context scopes cover Sandbox only)."""
    deployer = next(item for item in seed["apps"] if item["name"] == "CI Deployer")
    response = client.post(TOKEN, data={"grant_type": "client_credentials",
                                        "client_id": deployer["client_id"],
                                        "client_secret": deployer["client_secret"]})
    assert response.status_code == 200, response.json
    return response.json["access_token"]


@pytest.fixture
def as_user(client, user_token, environments):
    """``as_user(username, env="Sandbox", scope=RUNTIME_MANAGER)`` → Api."""

    def make(username: str, env: str | None = "Sandbox", scope: str = RUNTIME_MANAGER) -> Api:
        return Api(client, user_token(username, scope), environments.get(env))

    return make


@pytest.fixture
def developer(as_user) -> Api:
    """The seeded developer, all Runtime Manager scopes granted, in Sandbox."""
    return as_user("developer")
