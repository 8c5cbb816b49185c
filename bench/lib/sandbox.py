"""The Anypoint sandbox as the benchmarks run it: seeded by its own ``seed --json`` command (as
``make demo`` does) with the callbacks of every relying party of the run, and served behind the
call counter (:mod:`bench.lib.counting`) as ``python -m anypoint_sandbox`` serves it (werkzeug,
threaded, as the upload benchmark before this harness did), or under gunicorn (``gunicorn=True``).

werkzeug's server closes every connection after its answer, so each platform call of the app
opens a new one; gunicorn keeps them alive, and takes uploads in more slowly.
"""

from __future__ import annotations

import json
import os
import pathlib
import secrets
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import requests

from .counting import BENCH_AGENT, COUNTS_PATH
from .servers import Server, Servers, free_port

DISCOVERY = "/accounts/api/v2/oauth2/.well-known/openid-configuration"
#: The test suite's cheap password hash: the sandbox's sign-in page is not what is measured.
FAST_HASH = "pbkdf2:sha256:1000"


@dataclass
class Sandbox:
    server: Server
    seed: dict

    @property
    def url(self) -> str:
        return self.server.url

    def app_named(self, name: str) -> dict:
        return next(app for app in self.seed["apps"] if app["name"] == name)

    def user(self, role: str) -> dict:
        return next(user for user in self.seed["users"] if user["role"] == role)

    def environment_id(self, name: str) -> str:
        return next(env["id"] for env in self.seed["organization"]["environments"]
                    if env["name"] == name)

    def reset_calls(self) -> None:
        requests.delete(self.url + COUNTS_PATH, timeout=10).raise_for_status()

    def calls(self, caller: str = "rp", status: bool = False) -> Counter:
        """Calls counted since the last reset, made by ``caller`` (``rp``: the relying party),
        by call name, or by (name, status) when ``status``."""
        rows = requests.get(self.url + COUNTS_PATH, timeout=10).json()
        counted: Counter = Counter()
        for row in rows:
            if row["caller"] == caller:
                counted[(row["call"], row["status"]) if status else row["call"]] += row["count"]
        return counted

    def client_credentials_token(self, app_name: str = "CI Deployer") -> str:
        app = self.app_named(app_name)
        answer = requests.post(self.url + "/accounts/api/v2/oauth2/token", timeout=30,
                               headers={"User-Agent": BENCH_AGENT}, data={
                                   "grant_type": "client_credentials",
                                   "client_id": app["client_id"],
                                   "client_secret": app["client_secret"]})
        answer.raise_for_status()
        return answer.json()["access_token"]


def start_sandbox(servers: Servers, redirect_uris: list[str], gunicorn: bool = False,
                  **settings) -> Sandbox:
    """Seed a fresh sandbox database with ``redirect_uris`` for "Connected App Lab" and serve
    it; ``settings`` are SANDBOX_* settings by name (e.g. SANDBOX_ACCESS_TOKEN_TTL)."""
    port = free_port()
    folder: pathlib.Path = servers.work / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    env = {"SANDBOX_DATABASE_URL": f"sqlite:///{folder / 'sandbox.db'}",
           "SANDBOX_BASE_URL": f"http://127.0.0.1:{port}",
           "SANDBOX_SECRET_KEY": secrets.token_urlsafe(32),
           "SANDBOX_UPLOAD_DIR": str(folder / "uploads"), "SANDBOX_PASSWORD_HASH": FAST_HASH,
           **{name: str(value) for name, value in settings.items()}}
    command = [sys.executable, "-m", "flask", "--app", "anypoint_sandbox", "seed", "--json"]
    for uri in redirect_uris:
        command += ["--redirect-uri", uri]
    seeded = subprocess.run(command, cwd=folder, env={**os.environ, **env}, capture_output=True,
                            text=True)
    if seeded.returncode != 0:
        sys.exit(f"Seeding the sandbox failed:\n{seeded.stderr or seeded.stdout}")
    if gunicorn:
        server = servers.gunicorn("sandbox", "bench.lib.counting:create_sandbox()", env, port,
                                  threads=8)
    else:
        server = servers.command("sandbox", ["-m", "bench.lib.counting", "--port", str(port)],
                                 env, port)
    server.wait_up(DISCOVERY)
    return Sandbox(server, json.loads(seeded.stdout))

