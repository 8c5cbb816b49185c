"""The platform client reads the environment's proxy settings once per origin (requests
would otherwise scan the whole environment twice on every call), and still honours them:
``HTTP_PROXY`` carries the calls, ``NO_PROXY`` exempts hosts from it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from relying_party.anypoint.client import AnypointClient


class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.lines.append(self.requestline)
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.lines = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def client(base_url: str) -> AnypointClient:
    return AnypointClient(base_url, "id", "secret", (2, 2), lambda exchange: None)


def test_the_proxy_of_the_environment_carries_the_calls(server, monkeypatch):
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_port}")
    platform = client("http://anypoint.example")
    assert platform.api("GET", "/accounts/api/me", "token") == {"ok": True}
    monkeypatch.delenv("HTTP_PROXY")  # read at the origin's first call, not at every call
    assert platform.api("GET", "/accounts/api/me", "token") == {"ok": True}
    assert server.lines == ["GET http://anypoint.example/accounts/api/me HTTP/1.1"] * 2


def test_no_proxy_exempts_a_host(server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    platform = client(f"http://127.0.0.1:{server.server_port}")
    assert platform.api("GET", "/accounts/api/me", "token") == {"ok": True}
    assert server.lines == ["GET /accounts/api/me HTTP/1.1"]
