"""A small fake of Anypoint's account and CloudHub APIs, plugged in as the app's HTTP session.

It replaces ``AnypointClient.http`` (the one ``requests.Session`` of the app), so every other
layer (anypoint.py's checks and trace, cloudhub.py, the views) runs for real. A streamed upload
is consumed the way a socket would: chunk by chunk, recording each chunk's size.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import requests
from werkzeug.formparser import parse_form_data

from relying_party import create_app
from relying_party.anypoint.models import TokenSet

ORG = "org-1"
ENVIRONMENTS = [
    {"id": "env-sbx", "name": "Sandbox", "organizationId": ORG, "isProduction": False,
     "type": "sandbox"},
    {"id": "env-prod", "name": "Production", "organizationId": ORG, "isProduction": True,
     "type": "production"},
]
RUNTIMES = [{"version": "4.9.0", "state": "ACTIVE", "recommended": True, "releaseChannel": "LTS"},
            {"version": "4.6.0", "state": "ACTIVE", "recommended": False}]
ALL_SCOPES = ("openid", "profile", "offline_access", "view:environment", "read:applications",
              "create:applications", "manage:application_settings", "delete:applications")


def response(status: int, body=None) -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = b"" if body is None else json.dumps(body).encode()
    answer.headers["Content-Type"] = "application/json"
    return answer


def application(domain: str, status: str = "DEPLOYING", **extra) -> dict:
    return {"domain": domain, "status": status, "lastUpdateTime": 1_700_000_000_000,
            "workers": {"amount": 1, "type": {"name": "Micro"}}, "region": "us-east-1",
            "muleVersion": {"version": "4.9.0"}, "fileName": "hello.jar", **extra}


class FakePlatform:
    """Answers by (method, path); ``answers`` overrides them; ``calls`` records every request."""

    def __init__(self):
        self.headers: dict = {}
        self.calls: list[dict] = []
        self.answers: dict[tuple[str, str], object] = {}
        self.apps: dict[str, dict] = {}

    def request(self, method, url, headers=None, data=None, json=None, **_kwargs):
        path = urlsplit(url).path
        call = {"method": method, "path": path, "headers": dict(headers or {}), "json": json}
        if data is not None and not isinstance(data, dict):
            call["length"] = len(data)  # what the Content-Length says, before the body is read
            chunks = list(data)  # drains the stream as a socket would, once
            call["chunks"] = [len(chunk) for chunk in chunks]
            call["body"] = b"".join(chunks)
        self.calls.append(call)
        answer = self.answers.get((method, path))
        if isinstance(answer, Exception):
            raise answer
        if answer is not None:
            return answer
        return self.default(method, path, call)

    def default(self, method, path, call) -> requests.Response:
        if path == "/accounts/api/me":
            return response(200, {"user": {"id": "u1", "username": "developer", "firstName": "Sam",
                                           "organization": {"id": ORG, "name": "Training"}}})
        if path == f"/accounts/api/organizations/{ORG}/environments":
            return response(200, {"data": ENVIRONMENTS, "total": len(ENVIRONMENTS)})
        if path == "/cloudhub/api/mule-versions":
            return response(200, {"data": RUNTIMES, "total": len(RUNTIMES)})
        if path == "/cloudhub/api/v2/applications" and method == "GET":
            return response(200, list(self.apps.values()))
        if path == "/cloudhub/api/v2/applications" and method == "POST":
            info = json.loads(self.form(call)[0]["appInfoJson"])
            self.apps[info["domain"]] = application(info["domain"])
            return response(200, self.apps[info["domain"]])
        if path.startswith("/cloudhub/api/v2/applications/") and method == "GET":
            found = self.apps.get(path.rsplit("/", 1)[1])
            return response(200, found) if found else response(404, {"message": "Not found"})
        if path.startswith("/cloudhub/api/v2/applications/") and method == "DELETE":
            self.apps.pop(path.rsplit("/", 1)[1], None)
            return response(204)
        return response(404, {"message": f"no fake for {method} {path}"})

    @staticmethod
    def form(call: dict) -> tuple[dict, dict]:
        """A recorded multipart upload parsed by Werkzeug: ({name: text},
        {name: (filename, bytes)})."""
        environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": call["headers"]["Content-Type"],
                   "CONTENT_LENGTH": str(len(call["body"])), "wsgi.input": _Input(call["body"])}
        _stream, fields, files = parse_form_data(environ)
        parts = {}
        for name, part in files.items():
            parts[name] = (part.filename, part.read())
            part.close()
        return fields.to_dict(), parts

    def posts(self, path: str = "/cloudhub/api/v2/applications") -> list[dict]:
        return [call for call in self.calls if call["method"] == "POST" and call["path"] == path]

    def close(self):
        pass


class _Input:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.at + size
        chunk, self.at = self.data[self.at:end], min(end, len(self.data))
        return chunk


def platform_app(tmp_path, scopes=ALL_SCOPES, **settings):
    """The app pointed at a fake Anypoint (so it is "Anypoint"), and the fake; ``settings``
    adds or replaces the app's settings by their names."""
    app = create_app({
        "PROVIDER_PREFETCH": "false",  # the fake answers the platform's APIs, not discovery
        "ANYPOINT_URL": "http://anypoint.test", "ANYPOINT_CLIENT_ID": "client",
        "ANYPOINT_CLIENT_SECRET": "client-secret-0123456789",
        "SECRET_KEY": "test-secret-key-0123456789", "INSTANCE_PATH": str(tmp_path / "instance"),
        **settings,
    }, env_file=None)
    app.config.update(TESTING=True)
    fake = FakePlatform()
    app.extensions["connected_app_lab"].client.http = fake
    app.extensions["connected_app_lab"].tokens.save("grant-1", TokenSet(
        access_token="access-token-0123456789", token_type="bearer",
        expires_at=time.time() + 3600, scopes=tuple(scopes), issued_at=time.time()))
    return app, fake


def signed_in_client(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user={"sub": "u1", "name": "Sam Chen"}, grant_id="grant-1",
                       csrf="csrf-token")
    return client
