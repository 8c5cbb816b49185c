"""Runtime Manager for CloudHub 1.0 (reference §5.1), spoken through :meth:`AnypointClient.api`.

One :class:`CloudHub` per request: the client, the user's access token and the organization,
optionally bound to one environment (``X-ANYPNT-ENV-ID``). Answers become frozen dataclasses
(``models.Application``, ``MuleVersion``, ``Deployment``, ``LogLine``). Errors are
AnypointClient's: MissingScope (403), DelegationEnded (401), PlatformUnavailable; any other 4xx
is a PlatformError whose ``status`` and ``message`` (CloudHub's ``{"message"}``) the caller
shows (400 bad artifact, 404, 409 name taken). A JAR goes up as a :class:`MultipartBody`, a
chunk at a time, never whole in memory: from a file, or, when its ``size`` is known, from the
browser's upload as it arrives (UploadInterrupted when that ends early or runs long).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote

from .client import AnypointClient, data_list, parsed
from .errors import NotFound, PlatformError
from .models import Application, Deployment, LogLine, MalformedAnswer, MuleVersion
from .multipart import FilePart, MultipartBody

APPLICATIONS = "/cloudhub/api/v2/applications"
#: What an environment id can look like (Anypoint's are UUIDs); anything else is no environment.
ENVIRONMENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
JAR_TYPE = "application/java-archive"

#: The scope each CloudHub operation needs (``full`` covers all, ``read:full`` the reads).
SCOPES = {
    "read": "read:applications",
    "deploy": "create:applications",
    "manage": "manage:application_settings",
    "delete": "delete:applications",
}


@dataclass(frozen=True)
class Jar:
    """An uploaded JAR on its way to CloudHub and its file name: a seekable binary stream, or
    with ``size`` a one-way stream of exactly that many bytes (see ``multipart.FilePart``)."""

    filename: str
    stream: BinaryIO
    size: int | None = None


def app_info(domain: str, runtime: str, worker_size: str, workers: int, region: str,
             properties: dict[str, str]) -> dict:
    """The ``appInfoJson`` of a deploy, with the fields mule-maven-plugin sets (§5.1)."""
    return {"domain": domain, "muleVersion": {"version": runtime}, "region": region,
            "workers": {"amount": workers, "type": {"name": worker_size}},
            "properties": properties, "monitoringAutoRestart": True, "objectStoreV1": False,
            "persistentQueues": False, "loggingCustomLog4JEnabled": False}


class CloudHub:
    """CloudHub 1.0 calls on behalf of the signed-in user."""

    def __init__(self, client: AnypointClient, access_token: str, org_id: str,
                 env_id: str | None = None):
        self.client = client
        self.access_token = access_token
        self.org_id = org_id
        self.env_id = env_id

    def _call(self, method: str, path: str, label: str, **kwargs):
        headers = {"X-ANYPNT-ORG-ID": self.org_id, **kwargs.pop("headers", {})}
        if self.env_id:
            if not ENVIRONMENT_ID.fullmatch(self.env_id):  # it goes into a header: never sent
                raise NotFound(f"there is no environment with the id {self.env_id[:60]!r}")
            headers["X-ANYPNT-ENV-ID"] = self.env_id
        return self.client.api(method, path, self.access_token, label=label, headers=headers,
                               **kwargs)

    def applications(self) -> list[Application]:
        """The environment's applications (a bare JSON array), by name."""
        def build(body) -> list[Application]:
            if not isinstance(body, list):
                raise MalformedAnswer("the answer is not a list")
            return sorted((Application.from_json(item) for item in body),
                          key=lambda app: app.domain)

        return parsed(APPLICATIONS, build, self._call("GET", APPLICATIONS, "list applications"))

    def application(self, domain: str) -> Application:
        """One application; NotFound when there is none of that name."""
        path = f"{APPLICATIONS}/{quote(domain, safe='')}"
        return parsed(path, Application.from_json, self._call("GET", path, "get application"))

    def deployments(self, domain: str, limit: int = 10) -> list[Deployment]:
        """The application's latest ``limit`` deployments, newest first."""
        path = f"{APPLICATIONS}/{quote(domain, safe='')}/deployments"
        return parsed(path, lambda body: [Deployment.from_json(item) for item in data_list(body)],
                      self._call("GET", path, "deployments",
                                 params={"orderByDate": "DESC", "limit": limit}))

    def deployment_logs(self, domain: str, deployment_id: str,
                        limit: int = 500) -> tuple[list[LogLine], int]:
        """The deployment's newest ``limit`` log lines (CloudHub gives at most 2000), oldest
        first, and how many it has in all."""
        path = (f"{APPLICATIONS}/{quote(domain, safe='')}/deployments/"
                f"{quote(deployment_id, safe='')}/logs")

        def build(body) -> tuple[list[LogLine], int]:
            lines = [LogLine.from_json(item) for item in data_list(body)]
            total = body.get("total")
            known = isinstance(total, int) and not isinstance(total, bool) and total >= 0
            return lines, total if known else len(lines)

        return parsed(path, build, self._call("GET", path, "deployment log",
                                              params={"limit": limit}))

    def domain_available(self, domain: str) -> bool:
        """Whether the name is free; PlatformError(400) with CloudHub's reason for a bad name."""
        path = f"/cloudhub/api/applications/domains/{quote(domain, safe='')}"
        body = self._call("GET", path, "check name")
        if not isinstance(body, dict) or not isinstance(body.get("available"), bool):
            raise PlatformError(f"{path} did not say whether the name is available")
        return body["available"]

    def mule_versions(self) -> list[MuleVersion]:
        """The Mule runtimes offered, as CloudHub orders them (newest first)."""
        path = "/cloudhub/api/mule-versions"
        return parsed(path, lambda body: [MuleVersion.from_json(item) for item in data_list(body)],
                      self._call("GET", path, "mule versions"))

    def _upload(self, method: str, path: str, label: str, info: dict, jar: Jar,
                auto_start: bool | None) -> Application:
        fields = [("appInfoJson", json.dumps(info))]
        if auto_start is not None:
            fields.append(("autoStart", "true" if auto_start else "false"))
        body = MultipartBody(fields, [FilePart("file", jar.filename, jar.stream, JAR_TYPE,
                                                      jar.size)])
        answer = self._call(method, path, label, data=body, upload=True,
                            headers={"Content-Type": body.content_type})
        return parsed(path, Application.from_json, answer)

    def deploy(self, info: dict, jar: Jar, auto_start: bool | None = True) -> Application:
        """POST a new application (parts ``appInfoJson``, ``autoStart``, ``file``);
        ``auto_start=None`` leaves ``autoStart`` out, as mule-maven-plugin does (START follows)."""
        return self._upload("POST", APPLICATIONS, "deploy", info, jar, auto_start)

    def redeploy(self, domain: str, jar: Jar, changes: dict | None = None) -> Application:
        """PUT a new JAR for an existing application; settings not in ``changes`` (an
        ``appInfoJson`` subset) stay as they are."""
        path = f"{APPLICATIONS}/{quote(domain, safe='')}"
        return self._upload("PUT", path, "redeploy", {**(changes or {}), "domain": domain}, jar,
                            None)

    def set_status(self, domain: str, status: str) -> None:
        """``START`` or ``STOP``; an answer of 304 (nothing to change) counts as done."""
        path = f"/cloudhub/api/applications/{quote(domain, safe='')}/status"
        self._call("POST", path, status.lower(), json={"status": status})

    def delete(self, domain: str) -> None:
        """DELETE the application (204)."""
        self._call("DELETE", f"{APPLICATIONS}/{quote(domain, safe='')}", "delete")
