"""Request bodies: every route but the upload has a small limit, enforced from Content-Length
before anything is read (a chunked body is cut off as it arrives); the upload's own limit is
checked the same way on the server, and in the browser before a byte is sent."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest

from relying_party import MAX_FORM_BYTES
from tests.support.browser import sign_in_with_scopes
from tests.support.labs import DeployLab

HUNDRED_MB = 100 * 1024 * 1024
ROUTES = ["/logout", "/logout/revoke", "/access/check", "/access/revoke", "/access/lab/probe",
          "/access/refresh", "/auth/callback", "/login", "/cicd/"]


def send_head(url: str, head: str, body: bytes = b"") -> tuple[float, bytes]:
    """Send a request head (and the start of a body) and read the answer without sending the
    rest; the seconds it took and what came back."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(head.encode() + b"\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return time.monotonic() - started, answer


@pytest.mark.parametrize("path", ROUTES)
def test_a_100_mb_post_is_refused_before_it_is_read(lab, path):
    rp = lab()
    took, answer = send_head(rp.url, f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\n"
                             f"Content-Length: {HUNDRED_MB}\r\nConnection: close\r\n",
                             b"csrf_token=x&" + b"a" * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert took < 5  # it answered without waiting for the 100 MB


def test_a_body_of_unknown_length_is_refused_not_cut_short(lab):
    rp = lab()
    chunk = b"a" * 8192
    chunks = MAX_FORM_BYTES // len(chunk) + 4
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(chunks))
    _took, answer = send_head(rp.url, "POST /logout HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Transfer-Encoding: chunked\r\nConnection: close\r\n", body)
    assert answer.startswith(b"HTTP/1.1 411"), answer[:200]


def test_a_small_form_is_read_as_before(lab):
    rp = lab()
    answer = rp.browser.post(rp.url + "/logout", data={"csrf_token": "wrong", "x": "y" * 1000})
    assert answer.status_code == 400 and "This form has expired" in answer.text


def test_a_deploy_over_the_limit_is_refused_from_its_content_length(tmp_path):
    lab = DeployLab(tmp_path, rp_settings={"DEPLOY_MAX_UPLOAD_MB": "1"})
    try:
        browser = lab.signed_in()
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
        took, answer = send_head(lab.url, "POST /deploy HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 f"Cookie: {cookie}\r\nContent-Length: {HUNDRED_MB}\r\n"
                                 "Content-Type: multipart/form-data; boundary=x\r\n"
                                 "Connection: close\r\n", b"--x\r\n")
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert took < 5
    finally:
        lab.stop()


@pytest.mark.browser
def test_the_browser_refuses_a_jar_over_the_limit_before_sending_it(tmp_path, page,
                                                                     jar_builder):
    lab = DeployLab(tmp_path, rp_settings={"DEPLOY_MAX_UPLOAD_MB": "0.05"})
    try:
        jar = jar_builder.build(tmp_path / "big-1.0.0-mule-application.jar", pad_mb=1)
        sign_in_with_scopes(page, lab)
        page.goto(lab.url + "/deploy")
        page.fill("#name", "too-big-app")
        page.set_input_files("#file", str(jar))
        posted = []
        page.on("request", lambda request: posted.append(request.url)
                if request.method == "POST" else None)
        page.click("#deploy-submit")
        message = page.locator("#deploy-progress .upload-text")
        message.wait_for()
        assert "so it was not sent" in message.inner_text()
        assert posted == []
    finally:
        lab.stop()
