"""CloudHub calls against a sandbox app with Flask's test client: ``Api`` (one token in one
environment, headers filled in), the appInfoJson mule-maven-plugin sends, and small checks."""

import io
import json

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.support.sandbox_client import bearer

DEPLOY_SECONDS = 4
RUNTIME_MANAGER = ("read:applications create:applications manage:application_settings "
                   "delete:applications")
APPLICATIONS = "/cloudhub/api/v2/applications"


def stored_files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


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


def message(response) -> str:
    """The ``{"message"}`` of an error answer (and proof it has that shape)."""
    assert response.is_json and set(response.json) == {"message"}, response.data
    return response.json["message"]
