"""The app keeps its connections to the platform open between calls, as a client of Anypoint
should: signing in and viewing pages against a live sandbox, its calls (told apart by the app's
User-Agent) arrive over far fewer TCP connections (told apart by their client port) than there
are calls, and the sandbox's server accepted no more connections than those and the browser's."""

import threading

from relying_party.anypoint.client import USER_AGENT


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
