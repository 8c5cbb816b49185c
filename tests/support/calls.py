"""What the sandbox was asked: a WSGI middleware that records each request's method and path,
for tests that count the app's platform calls."""

from __future__ import annotations

import threading


class Calls:
    """Wraps ``app.wsgi_app``; ``paths()`` lists what was asked since the last ``clear()``."""

    def __init__(self, app):
        self.wrapped, self.seen, self.lock = app.wsgi_app, [], threading.Lock()
        app.wsgi_app = self

    def __call__(self, environ, start_response):
        with self.lock:
            self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return self.wrapped(environ, start_response)

    def clear(self) -> None:
        with self.lock:
            self.seen.clear()

    def paths(self, prefix: str = "") -> list[str]:
        """The paths asked (those under ``prefix``), in order."""
        with self.lock:
            return [path for _method, path in self.seen if path.startswith(prefix)]
