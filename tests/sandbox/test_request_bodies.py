"""Request bodies at the sandbox: every route but a CloudHub upload takes at most
SANDBOX_MAX_BODY_KB (256), refused with 413 in words before the body is read — from its
Content-Length, or, for a chunked body, once the limit is passed — as an HTML page for pages
and JSON for APIs; a multipart deploy keeps MAX_CONTENT_LENGTH (the JAR's limit)."""

import io
import json
import re
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.support.cloudhub_client import app_info
from tests.support.sandbox import run_sandbox, sandbox_app, seeded_database
from tests.support.sandbox_client import TOKEN

HUNDRED_MB = 100 * 1024 * 1024
LIMIT = 256 * 1024
WORDS = "this address accepts at most 256 KB"
# (path, content type, how the 413 is shaped)
ROUTES = [
    (TOKEN, "application/x-www-form-urlencoded", "oauth"),
    ("/accounts/api/v2/oauth2/revoke", "application/x-www-form-urlencoded", "oauth"),
    ("/accounts/api/v2/oauth2/introspect", "application/json", "oauth"),
    ("/accounts/interaction/some-request/login", "application/x-www-form-urlencoded", "page"),
    ("/console/sign-in", "application/x-www-form-urlencoded", "page"),
    ("/console/profile/password", "application/x-www-form-urlencoded", "page"),
    ("/accounts/api/connectedApplications", "application/json", "platform"),
    ("/audit/v2/organizations/some-org/query", "application/json", "platform"),
    ("/cloudhub/api/applications/some-app/status", "application/json", "platform"),
    ("/cloudhub/api/v2/applications", "application/json", "platform"),  # an Exchange deploy
    ("/no/such/route", "text/plain", "page"),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    handle = run_sandbox(tmp_path_factory.mktemp("bodies") / "sandbox.db")
    yield handle
    handle.stop()


def send_head(url: str, head: str, body: bytes = b"") -> tuple[float, bytes]:
    """Send a request head and the start of a body, and read the answer (its head and its
    Content-Length of body) without sending the rest: the seconds it took and the answer."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(head.encode() + b"\r\n" + body)
        answer = b""
        while not _complete(answer):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return time.monotonic() - started, answer


def _complete(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^Content-Length: *(\d+)", head)
    return bool(found and length and len(body) >= int(length[1]))


def _check_shape(answer: bytes, shape: str) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:300]
    assert WORDS.encode() in body, body[:500]
    if shape == "page":
        assert b"Content-Type: text/html" in head
    else:
        assert b"Content-Type: application/json" in head
        assert (b'"error":"invalid_request"' in body.replace(b" ", b"")) == (shape == "oauth")


@pytest.mark.parametrize(("path", "content_type", "shape"), ROUTES)
def test_a_100_mb_body_is_refused_from_its_content_length(live, path, content_type, shape):
    took, answer = send_head(live.url, f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             f"Content-Type: {content_type}\r\n"
                             f"Content-Length: {HUNDRED_MB}\r\nConnection: close\r\n",
                             b"a" * 1024)
    _check_shape(answer, shape)
    assert b"is 104,857,600 bytes" in answer
    assert took < 5  # answered without waiting for the 100 MB


def _chunked(total: int) -> bytes:
    chunk = b"a" * 8192
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(total // len(chunk))
                    ) + b"0\r\n\r\n"


@pytest.mark.parametrize(("path", "content_type", "shape"), ROUTES[::3])
def test_a_chunked_body_past_the_limit_is_refused(live, path, content_type, shape):
    _took, answer = send_head(live.url, f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              f"Content-Type: {content_type}\r\n"
                              "Transfer-Encoding: chunked\r\nConnection: close\r\n",
                              _chunked(LIMIT + 64 * 1024))
    _check_shape(answer, shape)


def test_a_small_chunked_body_is_read_whole(live):
    deployer = live.app_named("CI Deployer")
    body = (f"grant_type=client_credentials&client_id={deployer['client_id']}"
            f"&client_secret={deployer['client_secret']}").encode()
    answer = requests.post(live.url + TOKEN, data=iter([body[:20], body[20:]]), timeout=10,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200 and answer.json()["access_token"]


def test_a_body_just_under_the_limit_is_read(client, admin):
    body = b'{"client_name": "' + b"n" * (LIMIT - 100) + b'"}'
    answer = client.post("/accounts/api/connectedApplications", data=body, headers=admin,
                         content_type="application/json")
    assert answer.status_code == 400 and "at most 200 characters" in answer.json["message"]


def test_the_limit_is_a_setting(tmp_path):
    seeded_database(tmp_path / "s.db")
    app = sandbox_app(tmp_path / "s.db", TESTING=True, SANDBOX_MAX_BODY_KB=1)
    try:
        answer = app.test_client().post(TOKEN, data={"grant_type": "x" * 2000})
        assert answer.status_code == 413
        assert answer.json == {"error": "invalid_request", "error_description":
                               "The request body is 2,011 bytes; this address accepts at "
                               "most 1 KB. Send less."}
    finally:
        app.extensions["sandbox_storage"].dispose()


def test_a_multipart_deploy_keeps_the_jar_limit(client, deployer, seed):
    token = client.post(TOKEN, data={"grant_type": "client_credentials",
                                     "client_id": deployer["client_id"],
                                     "client_secret": deployer["client_secret"]}).json
    env = seed["organization"]["environments"][0]["id"]
    boundary, body = encode_multipart({
        "appInfoJson": json.dumps(app_info("big-jar-app")),
        "file": FileStorage(io.BytesIO(b"not a jar " * 200_000), "app.jar")})
    assert len(body) > 4 * LIMIT
    answer = client.post("/cloudhub/api/v2/applications", data=body,
                         content_type=f"multipart/form-data; boundary={boundary}",
                         headers={"Authorization": f"Bearer {token['access_token']}",
                                  "X-ANYPNT-ENV-ID": env})
    # Read whole and judged as a JAR, not refused for its size.
    assert answer.status_code == 400 and WORDS not in answer.json["message"], answer.json


def test_a_multipart_deploy_past_the_jar_limit_is_still_refused_before_reading(live):
    deployer = live.app_named("CI Deployer")
    token = requests.post(live.url + TOKEN, timeout=10, data={
        "grant_type": "client_credentials", "client_id": deployer["client_id"],
        "client_secret": deployer["client_secret"]}).json()["access_token"]
    took, answer = send_head(live.url, "POST /cloudhub/api/v2/applications HTTP/1.1\r\n"
                             f"Authorization: Bearer {token}\r\n"
                             f"X-ANYPNT-ENV-ID: {live.environment_id('Sandbox')}\r\n"
                             "Host: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                             f"boundary=x\r\nContent-Length: {300 * 1024 * 1024}\r\n"
                             "Connection: close\r\n", b"--x\r\n")
    assert answer.startswith(b"HTTP/1.1 413") and b"The upload is larger than" in answer
    assert took < 5
