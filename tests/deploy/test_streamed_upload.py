"""The deploy upload passed through as it arrives, end to end against the live sandbox: the
platform has the JAR's first megabytes while the browser still holds its last ones and gets it
byte for byte; a body cut short, a wrong CSRF token, fields after the file and a body too
large by its Content-Length each get a page in words, and leave nothing at the platform."""

from __future__ import annotations

import hashlib
import http.client
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.support.calls import Calls
from tests.support.jars import load_builder
from tests.support.labs import DeployLab

BOUNDARY = "streamed-upload-test"
APPLICATIONS = "/cloudhub/api/v2/applications"


def multipart(parts: list) -> bytes:
    """A multipart/form-data body of ``parts`` in their order: ``(name, text)`` or
    ``(name, (filename, bytes))``, framed as browsers frame it."""
    body = b""
    for name, value in parts:
        if isinstance(value, tuple):
            head = (f'Content-Disposition: form-data; name="{name}"; filename="{value[0]}"\r\n'
                    "Content-Type: application/java-archive\r\n")
            data = value[1]
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"\r\n', value.encode()
        body += f"--{BOUNDARY}\r\n{head}\r\n".encode() + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


class RawPost:
    """A POST to the app over a socket of its own, its body sent when and as far as the test
    says: a browser whose upload is slow, stops short, or never starts."""

    def __init__(self, lab, browser, path: str, length: int):
        url = urlsplit(lab.url)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.conn.putrequest("POST", path)
        self.conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        self.conn.putheader("Content-Length", str(length))
        self.conn.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in browser.cookies))
        self.conn.endheaders()

    def send(self, data: bytes) -> None:
        self.conn.send(data)

    def stop_sending(self) -> None:
        self.conn.sock.shutdown(socket.SHUT_WR)

    def answer(self) -> tuple[int, str]:
        response = self.conn.getresponse()
        text = response.read().decode()
        self.conn.close()
        return response.status, text


class Received:
    """Sandbox middleware: how many bytes of each POST to the applications the sandbox has
    read so far, and an event once it has read ``wanted`` of one."""

    def __init__(self, app, wanted: int):
        self.app, self.wanted = app.wsgi_app, wanted
        self.read = 0
        self.enough = threading.Event()
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == APPLICATIONS:
            environ["wsgi.input"] = _Counting(environ["wsgi.input"], self)
        return self.app(environ, start_response)


class _Counting:
    def __init__(self, stream, received: Received):
        self.stream, self.received = stream, received

    def read(self, *args):
        data = self.stream.read(*args)
        self.received.read += len(data)
        if self.received.read >= self.received.wanted:
            self.received.enough.set()
        return data

    def readline(self, *args):
        return self.stream.readline(*args)


def fields(lab, browser, env_id: str, name: str, **changes) -> list:
    return list(lab.deploy_fields(browser, env_id, name, **changes).items())


def status_of(lab, browser, env_id: str, name: str) -> int:
    return browser.get(f"{lab.url}/deploy/{env_id}/{name}/status.json", timeout=10).status_code


@pytest.fixture
def big_jar(tmp_path) -> bytes:
    return load_builder().build(tmp_path / "streamed.jar", pad_mb=3).read_bytes()


def test_the_platform_has_the_file_while_the_browser_still_sends_it(deploy_lab, big_jar,
                                                                      tmp_path):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    env = lab.sandbox.environment_id("Sandbox")
    body = multipart([*fields(lab, browser, env, "streamed-app"),
                      ("file", ("streamed.jar", big_jar))])
    held_back = 512 * 1024
    received = Received(lab.sandbox.app, len(body) - held_back - 1024 * 1024)
    post = RawPost(lab, browser, "/deploy", len(body))
    post.send(body[:-held_back])
    # Spooled, nothing would reach the sandbox before the last byte: this would time out.
    assert received.enough.wait(20), f"the sandbox has only {received.read} bytes"
    post.send(body[-held_back:])
    status, text = post.answer()
    assert status == 303, text[:500]
    stored = list((tmp_path / "uploads").glob("streamed-app-*.jar"))
    assert len(stored) == 1
    assert hashlib.sha256(stored[0].read_bytes()).digest() == hashlib.sha256(big_jar).digest()
    upload = next(entry for entry in browser.get(lab.url + "/activity.json").json()["exchanges"]
                  if entry["label"] == "deploy")
    assert upload["status"] == 200
    assert upload["request"]["multipart"]["file"] == {
        "filename": "streamed.jar", "bytes": len(big_jar), "streamed": True}


def test_a_body_cut_short_leaves_nothing_at_the_platform(deploy_lab, big_jar, tmp_path):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    env = lab.sandbox.environment_id("Sandbox")
    body = multipart([*fields(lab, browser, env, "cut-app"), ("file", ("cut.jar", big_jar))])
    post = RawPost(lab, browser, "/deploy", len(body))
    post.send(body[:-300_000])
    post.stop_sending()
    status, text = post.answer()
    assert status == 400
    assert "The upload ended before the whole file arrived" in text
    assert 'value="cut-app"' in text  # the form again, the input kept
    assert status_of(lab, browser, env, "cut-app") == 404
    assert list((tmp_path / "uploads").glob("cut-app-*")) == []
    upload = next(entry for entry in browser.get(lab.url + "/activity.json").json()["exchanges"]
                  if entry["label"] == "deploy")
    assert upload["status"] is None and upload["error"].startswith("cut off: ")


def test_a_wrong_csrf_token_sends_nothing_to_the_platform(deploy_lab, big_jar):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    env = lab.sandbox.environment_id("Sandbox")
    body = multipart([*fields(lab, browser, env, "forged-app", csrf_token="forged"),
                      ("file", ("forged.jar", big_jar))])
    calls = Calls(lab.sandbox.app)
    answer = browser.post(lab.url + "/deploy", data=body, timeout=30, headers={
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert answer.status_code == 400 and "This form has expired" in answer.text
    assert calls.paths() == []


def test_the_fields_must_come_before_the_file(deploy_lab, big_jar, tmp_path):
    lab = deploy_lab
    browser = lab.signed_in("developer")
    env = lab.sandbox.environment_id("Sandbox")
    calls = Calls(lab.sandbox.app)
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    first = multipart([("file", ("first.jar", big_jar)), *fields(lab, browser, env, "file-first")])
    calls.clear()
    answer = browser.post(lab.url + "/deploy", data=first, headers=headers, timeout=30)
    assert answer.status_code == 400
    assert "must come before its file" in answer.text and "csrf_token" in answer.text
    assert calls.paths() == []

    after = multipart([*fields(lab, browser, env, "field-after"),
                       ("file", ("after.jar", big_jar)), ("note", "one field too late")])
    answer = browser.post(lab.url + "/deploy", data=after, headers=headers, timeout=30)
    assert answer.status_code == 400
    assert "The form has fields after its file" in answer.text
    assert status_of(lab, browser, env, "field-after") == 404
    assert list((tmp_path / "uploads").glob("field-after-*")) == []


def test_too_large_by_its_content_length_is_refused_before_reading(tmp_path):
    lab = DeployLab(tmp_path, rp_settings={"DEPLOY_MAX_UPLOAD_MB": "1"})
    try:
        browser = lab.signed_in("developer")
        calls = Calls(lab.sandbox.app)
        post = RawPost(lab, browser, "/deploy", 5 * 1024 * 1024)  # and not one byte sent
        status, text = post.answer()
        assert status == 413 and "That file is too large to deploy" in text
        assert calls.paths() == []
    finally:
        lab.stop()


def test_the_browsers_upload_time_is_not_the_platforms(tmp_path, big_jar):
    """Under a 3 s budget for the platform, a browser that takes 4.8 s to send its 3 MB JAR
    still deploys: the time spent waiting for its bytes is not counted."""
    lab = DeployLab(tmp_path, rp_settings={"PLATFORM_DEADLINE_SECONDS": "2",
                                           "UPLOAD_ANSWER_TIMEOUT": "1",
                                           "UPLOAD_MIN_MB_PER_SECOND": "100"})
    try:
        browser = lab.signed_in("developer")
        env = lab.sandbox.environment_id("Sandbox")
        body = multipart([*fields(lab, browser, env, "slow-browser"),
                          ("file", ("slow.jar", big_jar))])
        post = RawPost(lab, browser, "/deploy", len(body))
        file_starts = body.index(b"PK\x03\x04")
        post.send(body[:file_starts])  # the fields at once, then the file slowly
        step = (len(body) - file_starts) // 8 + 1
        for start in range(file_starts, len(body), step):
            time.sleep(0.6)  # the browser is slow; the platform is not waited for
            post.send(body[start:start + step])
        status, text = post.answer()
        assert status == 303, text[:500]
    finally:
        lab.stop()
