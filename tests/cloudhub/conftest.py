"""Fixtures for the CloudHub API tests: a seeded sandbox with its own upload folder and a fast
deploy time, a hand-driven clock, tokens for each seeded user and the CI Deployer, and ``Api``,
which sends CloudHub calls with the right headers."""

import io
import json

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.sandbox.conftest import TOKEN, SignIn, bearer
from tests.support.clock import Clock  # noqa: F401 - for the tests' annotations
from tests.support.sandbox import sandbox_app, seeded_database

DEPLOY_SECONDS = 4
RUNTIME_MANAGER = ("read:applications create:applications manage:application_settings "
                   "delete:applications")
APPLICATIONS = "/cloudhub/api/v2/applications"


@pytest.fixture
def settings(tmp_path) -> dict:
    """The sandbox's test config; a test may change it before asking for ``app``."""
    return {"TESTING": True, "SANDBOX_UPLOAD_DIR": str(tmp_path / "uploads"),
            "SANDBOX_DEPLOY_SECONDS": DEPLOY_SECONDS}


@pytest.fixture
def database(tmp_path) -> tuple:
    """This test's copy of the seeded database: (path, what the seed returned)."""
    path = tmp_path / "sandbox.db"
    return path, seeded_database(path)


@pytest.fixture
def app(settings, database):
    app = sandbox_app(database[0], **settings)
    yield app
    app.extensions["sandbox_storage"].dispose()


@pytest.fixture
def uploads(app):
    """The upload folder (``stored_files(uploads)`` lists what it holds)."""
    return app.config["SANDBOX_UPLOAD_DIR"]


def stored_files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


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


def app_info(domain: str, **fields) -> dict:
    """An appInfoJson as mule-maven-plugin sends it, with ``fields`` replacing its values."""
    info = {"domain": domain, "muleVersion": {"version": "4.6.0"}, "region": "us-east-1",
            "workers": {"amount": 1, "type": {"name": "Micro", "weight": 0.1,
                                              "cpu": "0.1 vCores", "memory": "500 MB memory"}},
            "properties": {"env": "dev"}, "monitoringAutoRestart": True, "objectStoreV1": False}
    info.update(fields)
    return info


class Api:
    """CloudHub calls as one token in one environment (headers filled in)."""

    def __init__(self, client, token: str, env_id: str | None):
        self.client, self.token, self.env_id = client, token, env_id

    def headers(self, **extra) -> dict:
        headers = bearer(self.token)
        if self.env_id:
            headers["X-ANYPNT-ENV-ID"] = self.env_id
        headers.update(extra)
        return headers

    def deploy(self, domain: str, jar, *, auto_start=None, info=None, headers=None, **fields):
        """POST the multipart create; ``jar`` is a path or bytes; ``info`` replaces the whole
        appInfoJson text (for malformed ones)."""
        data = {"appInfoJson": info if info is not None else json.dumps(app_info(domain, **fields))}
        if jar is not None:
            content = jar if isinstance(jar, bytes) else jar.read_bytes()
            data["file"] = _part(content, f"{domain}-1.0.0-mule-application.jar")
        if auto_start is not None:
            data["autoStart"] = auto_start
        return self.multipart("POST", APPLICATIONS, data, headers or self.headers())

    def redeploy(self, name: str, jar=None, **fields):
        """PUT a redeploy of application ``name``; ``fields`` become its appInfoJson."""
        data = {"appInfoJson": json.dumps(fields)} if fields else {}
        if jar is not None:
            data["file"] = _part(jar.read_bytes(), "new-version.jar")
        return self.multipart("PUT", f"{APPLICATIONS}/{name}", data, self.headers())

    def multipart(self, method: str, path: str, data: dict, headers: dict):
        # Encoded in memory: the test client spools large bodies to a file it never closes.
        boundary, body = encode_multipart(data)
        return self.client.open(path, method=method, data=body, headers=headers,
                                content_type=f"multipart/form-data; boundary={boundary}")

    def get(self, domain: str):
        return self.client.get(f"{APPLICATIONS}/{domain}", headers=self.headers())

    def status(self, domain: str) -> str:
        response = self.get(domain)
        assert response.status_code == 200, response.json
        return response.json["status"]

    def list(self):
        return self.client.get(APPLICATIONS, headers=self.headers())

    def delete(self, domain: str):
        return self.client.delete(f"{APPLICATIONS}/{domain}", headers=self.headers())

    def set_status(self, domain: str, status: str):
        return self.client.post(f"/cloudhub/api/applications/{domain}/status",
                                json={"status": status}, headers=self.headers())

    def domain(self, domain: str):
        return self.client.get(f"/cloudhub/api/applications/domains/{domain}",
                               headers=self.headers())


def _part(content: bytes, file_name: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=file_name,
                       content_type="application/java-archive")


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


def message(response) -> str:
    """The ``{"message"}`` of an error answer (and proof it has that shape)."""
    assert response.is_json and set(response.json) == {"message"}, response.data
    return response.json["message"]
