"""Two sandbox processes on one PostgreSQL database serve one demo: a token got through one is
good at the other (userinfo, introspection, an API call), revoked at one it is refused at the
other, and both publish the same keys and sign with them. Two real ``python -m anypoint_sandbox``
processes, on a PostgreSQL database of the test's own."""

import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.support.pages import csrf_of
from tests.support.sandbox import drop_postgres, postgres_database, seeded_database

TIMEOUT = 10
CALLBACK = "http://127.0.0.1:5999/cb"
OAUTH = "/accounts/api/v2/oauth2"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(port: int, env: dict, folder) -> subprocess.Popen:
    log = open(folder / f"sandbox-{port}.log", "wb")  # closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "anypoint_sandbox", "--host", "127.0.0.1", "--port", str(port)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    return process


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the sandbox at {url} stopped ({process.returncode})"
        try:
            if requests.get(f"{url}{OAUTH}/keys", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.fail(f"the sandbox at {url} did not answer within 60 s")


@pytest.fixture
def two_sandboxes(tmp_path):
    """(url A, url B, seed): two processes on one seeded PostgreSQL database, both advertising
    A's address as the one base URL of the demo."""
    database = postgres_database()
    processes = []
    try:
        seed = seeded_database(database, redirect_uris=[CALLBACK])
        ports = _free_port(), _free_port()
        urls = tuple(f"http://127.0.0.1:{port}" for port in ports)
        env = {**os.environ, "SANDBOX_DATABASE_URL": database, "SANDBOX_BASE_URL": urls[0],
               "SANDBOX_PASSWORD_HASH": "pbkdf2:sha256:1000"}
        env.pop("SANDBOX_SECRET_KEY", None)
        processes = [_start(port, env, tmp_path) for port in ports]
        for url, process in zip(urls, processes, strict=True):
            _wait_until_up(url, process)
        yield *urls, seed
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
            process.log.close()
        drop_postgres(database)


def _sign_in(base: str, lab: dict, user: dict) -> str:
    """The authorization code flow through the sandbox at ``base``; the callback's code."""
    browser = requests.Session()
    page = browser.get(f"{base}{OAUTH}/authorize", params={
        "response_type": "code", "client_id": lab["client_id"], "redirect_uri": CALLBACK,
        "scope": "openid profile view:environment", "nonce": "n-0S6_WzA2Mj"}, timeout=TIMEOUT)
    assert page.url.endswith("/login"), page.url
    consent = browser.post(page.url, data={"csrf_token": csrf_of(page.text),
                                           "username": user["username"],
                                           "password": user["password"]}, timeout=TIMEOUT)
    assert consent.url.endswith("/consent"), consent.text[:300]
    back = browser.post(consent.url, data={"csrf_token": csrf_of(consent.text),
                                           "decision": "allow"},
                        allow_redirects=False, timeout=TIMEOUT)
    assert back.status_code == 302 and back.headers["Location"].startswith(CALLBACK)
    browser.close()
    return requests.utils.urlparse(back.headers["Location"]).query.split("code=")[1].split("&")[0]


def test_two_processes_on_one_database_serve_one_demo(two_sandboxes):
    first, second, seed = two_sandboxes
    lab = next(app for app in seed["apps"] if app["name"] == "Connected App Lab")
    user = next(user for user in seed["users"] if user["role"] == "developer")
    client = {"client_id": lab["client_id"], "client_secret": lab["client_secret"]}

    code = _sign_in(first, lab, user)
    tokens = requests.post(f"{first}{OAUTH}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **client},
        timeout=TIMEOUT).json()
    access = {"Authorization": f"Bearer {tokens['access_token']}"}

    keys = [requests.get(f"{url}{OAUTH}/keys", timeout=TIMEOUT).json() for url in (first, second)]
    assert keys[0] == keys[1] and keys[0]["keys"]
    claims = jwt.decode(tokens["id_token"], KeySet.import_key_set(keys[1])).claims
    assert claims["iss"] == f"{first}{OAUTH}" and claims["nonce"] == "n-0S6_WzA2Mj"

    info = requests.get(f"{second}{OAUTH}/userinfo", headers=access, timeout=TIMEOUT)
    assert info.status_code == 200 and info.json()["sub"] == claims["sub"]
    active = requests.post(f"{second}{OAUTH}/introspect", data={
        "token": tokens["access_token"], **client}, timeout=TIMEOUT).json()
    assert active["active"] is True and active["client_id"] == lab["client_id"]
    me = requests.get(f"{second}/accounts/api/me", headers=access, timeout=TIMEOUT)
    assert me.status_code == 200 and me.json()["user"]["username"] == user["username"]

    revoked = requests.post(f"{first}{OAUTH}/revoke", data={
        "token": tokens["access_token"], **client}, timeout=TIMEOUT)
    assert revoked.status_code == 200
    assert requests.get(f"{second}/accounts/api/me", headers=access,
                        timeout=TIMEOUT).status_code == 401
    assert requests.get(f"{second}{OAUTH}/userinfo", headers=access,
                        timeout=TIMEOUT).status_code == 401
    assert requests.post(f"{second}{OAUTH}/introspect", data={
        "token": tokens["access_token"], **client}, timeout=TIMEOUT).json() == {"active": False}
