"""The Anypoint sandbox wrapped in a WSGI middleware that counts every call it answers, by
caller, call and status: how many platform calls the relying party makes, and which.

    python -m bench.lib.counting --port P              # as python -m anypoint_sandbox serves it
    GET    /__bench__/calls     → [{"caller", "call", "status", "count"}, ...]
    DELETE /__bench__/calls     → starts counting again

The caller is ``bench`` for requests whose User-Agent starts with :data:`BENCH_AGENT` (the
benchmark's own browser and API clients) and ``rp`` for everything else: the relying party under
test. Calls are named as the rows name them (``token:refresh_token``, ``me``, ``environments``…).
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections import Counter
from urllib.parse import parse_qs

BENCH_AGENT = "connected-app-lab-bench"
COUNTS_PATH = "/__bench__/calls"
OAUTH = "/accounts/api/v2/oauth2/"
NAMED = {
    OAUTH + ".well-known/openid-configuration": "discovery", OAUTH + "keys": "jwks",
    OAUTH + "authorize": "authorize", OAUTH + "userinfo": "userinfo",
    OAUTH + "revoke": "revoke", OAUTH + "introspect": "introspect",
    "/accounts/api/me": "me", "/accounts/api/profile": "profile",
}
ENVIRONMENTS = re.compile(r"^/accounts/api/organizations/[^/]+/environments$")


def _grant_type(environ: dict) -> str:
    """The token request's grant_type; the body is read and put back for the sandbox."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size) if size else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        if "json" in environ.get("CONTENT_TYPE", ""):
            return str(json.loads(body).get("grant_type"))
        return parse_qs(body.decode()).get("grant_type", ["?"])[0]
    except (ValueError, AttributeError):
        return "?"


def call_name(environ: dict) -> str:
    path = environ.get("PATH_INFO", "")
    if path == OAUTH + "token":
        return "token:" + _grant_type(environ)
    if path in NAMED:
        return NAMED[path]
    if ENVIRONMENTS.match(path):
        return "environments"
    if path.startswith("/cloudhub/"):
        return f"cloudhub {environ.get('REQUEST_METHOD')}"
    return f"{environ.get('REQUEST_METHOD')} {path}"


class CountingMiddleware:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.counts: Counter = Counter()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == COUNTS_PATH:
            return self._answer(environ, start_response)
        agent = environ.get("HTTP_USER_AGENT", "")
        caller = "bench" if agent.startswith(BENCH_AGENT) else "rp"
        name = call_name(environ)

        def counting_start_response(status, headers, exc_info=None):
            with self.lock:
                self.counts[(caller, name, int(status.split()[0]))] += 1
            return start_response(status, headers, exc_info)

        return self.app(environ, counting_start_response)

    def _answer(self, environ, start_response):
        with self.lock:
            rows = [{"caller": caller, "call": call, "status": status, "count": count}
                    for (caller, call, status), count in sorted(self.counts.items())]
            if environ.get("REQUEST_METHOD") == "DELETE":
                self.counts.clear()
        body = json.dumps(rows).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]


def create_sandbox():
    """The sandbox (settings from the environment, SANDBOX_BASE_URL among them), counted."""
    from anypoint_sandbox import create_app

    return CountingMiddleware(create_app())


def main() -> None:
    """Serve the counted sandbox as ``python -m anypoint_sandbox`` serves the sandbox: its own
    threaded server, HTTP/1.1 with keep-alive, as the platform speaks (the platform's stand-in
    is not what the benchmarks measure)."""
    import argparse

    from anypoint_sandbox.serving import Server

    parser = argparse.ArgumentParser(description="the Anypoint sandbox, its calls counted")
    parser.add_argument("--port", type=int, required=True)
    server = Server("127.0.0.1", parser.parse_args().port, create_sandbox())
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
