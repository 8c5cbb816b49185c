"""The app keeps its connections to the platform open between calls, as a client of Anypoint
should: signing in and viewing pages against a live sandbox, its calls (told apart by the app's
User-Agent) arrive over far fewer TCP connections (told apart by their client port) than there
are calls, and the sandbox's server accepted no more connections than those and the browser's.
The client is shared by the app's threads: calls from many threads at once share its pool, and
it keeps no cookie a platform answer sets (one user's call must not carry it into another's)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask, jsonify, make_response, request

from relying_party.anypoint.client import POOL_SIZE, USER_AGENT, AnypointClient, DirectSession
from tests.support.live import serve


class _Calls:
    """WSGI middleware: (client port, User-Agent) of every request the sandbox answers."""

    def __init__(self, app):
        self.app = app
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            self.seen.append((environ["REMOTE_PORT"], environ.get("HTTP_USER_AGENT", "")))
        return self.app(environ, start_response)

    def of_the_app(self) -> list[str]:
        """The client port of each call the app made."""
        return [port for port, agent in self.seen if agent == USER_AGENT]


def test_the_app_reuses_its_connections_to_the_platform(sandbox_lab):
    calls = _Calls(sandbox_lab.sandbox.app.wsgi_app)
    sandbox_lab.sandbox.app.wsgi_app = calls
    browser = sandbox_lab.signed_in()
    for _ in range(3):
        for path in ("/", "/deploy", "/access"):
            assert browser.get(sandbox_lab.url + path, timeout=20).status_code == 200
        reload = sandbox_lab.post(browser, "/profile/reload", page="/", as_json=False)
        assert reload.status_code in (302, 303), reload.text[:300]
    made = calls.of_the_app()
    connections = set(made)
    assert len(made) >= 12, calls.seen
    assert len(connections) <= 3, (len(made), len(connections))
    browser_connections = {port for port, agent in calls.seen if agent != USER_AGENT}
    assert sandbox_lab.sandbox.server.accepted <= len(connections) + len(browser_connections)


def _platform_stub() -> Flask:
    stub = Flask("platform-stub")

    @stub.get("/echo")
    def echo():
        response = make_response(jsonify(cookies=request.cookies))
        response.set_cookie("AWSALB", "sticky-for-one-user")
        return response

    return stub


def test_the_client_keeps_no_cookies_and_shares_its_pool_between_threads():
    stub = serve(lambda _url: _platform_stub())
    client = AnypointClient(stub.url, "client-id", "client-secret", (3, 10), lambda _x: None)
    try:
        first = client.exchange("echo", "GET", stub.url + "/echo")
        assert "AWSALB" in first.headers["Set-Cookie"]
        assert client.exchange("echo", "GET", stub.url + "/echo").json() == {"cookies": {}}
        with ThreadPoolExecutor(8) as threads:
            answers = list(threads.map(
                lambda _n: client.exchange("echo", "GET", stub.url + "/echo").status_code,
                range(80)))
        assert answers == [200] * 80
        assert stub.accepted <= min(8, POOL_SIZE) + 1
    finally:
        client.http.close()
        stub.stop()


def test_the_session_refuses_what_it_does_not_do_instead_of_ignoring_it():
    """Redirects, files= and auth= are not done by the client's session: asked for, it says
    so rather than sending something else."""
    session = DirectSession()
    for asked in ({"allow_redirects": True}, {"files": {"f": b"x"}}, {"auth": ("a", "b")}):
        with pytest.raises(TypeError, match="does not support"):
            session.request("GET", "http://127.0.0.1:9/never", **asked)
    session.close()
