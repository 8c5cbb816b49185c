"""Serve a WSGI app over real HTTP from a thread, on a free port of 127.0.0.1, with the
sandbox's server (HTTP/1.1 keep-alive, a thread per connection: ``anypoint_sandbox.serving``).

The port is known before the app is built, so an app whose URLs derive from its own base URL
(the sandbox's issuer, the relying party's redirect URI) can be created for exactly that address.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from anypoint_sandbox.serving import Server


class _LateApp:
    """A WSGI callable whose target is set once the server's port is known."""

    def __init__(self):
        self.target = None

    def __call__(self, environ, start_response):
        return self.target(environ, start_response)


@dataclass
class LiveServer:
    url: str
    app: object
    server: Server
    thread: threading.Thread

    @property
    def accepted(self) -> int:
        """How many TCP connections the server has accepted so far."""
        return self.server.accepted

    def stop(self):
        """Stop listening and close the connections clients keep open: a stopped server is
        gone for them too (no kept-alive connection goes on being answered)."""
        self.server.shutdown()
        self.server.server_close()
        self.server.close_connections()
        self.thread.join(timeout=5)


def serve(build: Callable[[str], object], ssl_context=None, host: str = "127.0.0.1"
          ) -> LiveServer:
    """Start a threaded server on a free port of 127.0.0.1; ``build(base_url)`` returns the
    app to serve. With ``ssl_context`` ((cert, key) paths) it serves https, and the base URL
    names ``host`` (which the client must resolve to 127.0.0.1)."""
    late = _LateApp()
    server = Server("127.0.0.1", 0, late, ssl_context=ssl_context)
    scheme = "https" if ssl_context else "http"
    url = f"{scheme}://{host}:{server.server_port}"
    late.target = build(url)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              name=f"live {url}", daemon=True)
    thread.start()
    return LiveServer(url=url, app=late.target, server=server, thread=thread)
