"""HTTP/1.1 keep-alive for werkzeug's threaded server, as Anypoint itself speaks it.

Werkzeug's server answers every request with ``Connection: close``, because it does not know how
much of a request's body the app left unread: so every call a client made cost a new TCP (and TLS)
connection. :class:`KeepAliveHandler` knows. The app reads the body through :class:`RequestBody`,
which stops at the Content-Length (or the last chunk); before the answer's headers go out, what the
app left unread is read and dropped (at most ``DRAIN_LIMIT`` bytes), and the connection stays open
for the client's next request. A body with more than that left unread (a refused upload), a body
whose length cannot be known, an HTTP/1.0 client or ``Connection: close`` still close it.

Answers without a Content-Length go out chunked (werkzeug does that under HTTP/1.1). Every
connection has a thread of its own, so a client that keeps one open blocks no one; a connection
that sends nothing for ``IDLE_SECONDS`` is closed. :class:`Server` counts the connections it
accepted and closes those still open when asked (a stopped server must look stopped), and
sends what the app writes at once (``TCP_NODELAY``), as a production server does.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

#: The most of a body the app left unread that is read to keep the connection open.
DRAIN_LIMIT = 1024 * 1024
#: How long a kept-alive connection may wait for its next request.
IDLE_SECONDS = 75


class RequestBody(io.RawIOBase):
    """A request's body, and no byte past it: ``length`` bytes, or to the last chunk of a
    chunked body (``length`` None, ``stream`` already dechunked)."""

    def __init__(self, stream, length: int | None):
        super().__init__()
        self._stream = stream
        self._left = length
        #: The whole body has been read: the next byte on the connection is a new request.
        self.finished = length == 0
        #: The client stopped sending before the end of the body.
        self.cut_short = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.finished or self.cut_short:
            return 0
        size = len(buffer) if self._left is None else min(len(buffer), self._left)
        data = self._stream.read(size)
        if not data:  # the last chunk, or a client that went away before sending it all
            self.finished = self._left is None
            self.cut_short = not self.finished
            return 0
        buffer[:len(data)] = data
        if self._left is not None:
            self._left -= len(data)
            self.finished = self._left == 0
        return len(data)

    def drain(self, limit: int) -> bool:
        """Read and drop what is left, if that is at most ``limit`` bytes; True when the whole
        body has then been read."""
        if self._left is not None and self._left > limit:
            return False
        dropped = 0
        while not self.finished and dropped <= limit:
            data = self.read(min(64 * 1024, limit + 1 - dropped))
            if not data:
                break
            dropped += len(data)
        return self.finished


class _Quiet:
    """The connection's input while werkzeug answers a request: werkzeug reads whatever else
    the client sent once it has answered (it expects to close the connection); once the body
    has been read to its end, that is the client's next request, so this reads nothing."""

    def __init__(self, stream):
        self._stream = stream
        self.quiet = False

    def read(self, size=-1):
        return b"" if self.quiet else self._stream.read(size)

    def readline(self, size=-1):
        return b"" if self.quiet else self._stream.readline(size)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _content_length(value: str | None) -> int | None:
    """The Content-Length as a number; 0 when absent; None when it is not one."""
    if not value:
        return 0
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else None


class KeepAliveHandler(WSGIRequestHandler):
    """Werkzeug's request handler, speaking HTTP/1.1 with persistent connections."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    body: RequestBody | None = None
    _input: _Quiet | None = None

    def handle_one_request(self) -> None:
        self.body = None
        super().handle_one_request()

    def make_environ(self) -> dict:
        environ = super().make_environ()
        chunked = environ.get("wsgi.input_terminated", False)
        length = None if chunked else _content_length(environ.get("CONTENT_LENGTH"))
        if chunked or length is not None:  # a body whose end is known
            self.body = RequestBody(environ["wsgi.input"], length)
            environ["wsgi.input"] = self.body
        return environ

    def run_wsgi(self) -> None:
        connection_input = self.rfile
        self.rfile = self._input = _Quiet(connection_input)
        try:
            super().run_wsgi()
        finally:
            self.rfile, self._input = connection_input, None

    def send_header(self, keyword: str, value: str) -> None:
        # Werkzeug asks to close every connection; keep it when the next request can be read.
        if keyword.lower() == "connection" and value.lower() == "close" and self._reusable():
            return
        super().send_header(keyword, value)

    def _reusable(self) -> bool:
        if (self.close_connection or self.request_version != "HTTP/1.1" or self.body is None
                or self._input is None or not self.body.drain(DRAIN_LIMIT)):
            return False
        self._input.quiet = True
        return True


class Server(ThreadedWSGIServer):
    """Werkzeug's threaded WSGI server with :class:`KeepAliveHandler`; ``accepted`` counts the
    TCP connections it accepted."""

    def __init__(self, host: str, port: int, app, ssl_context=None):
        super().__init__(host, port, app, KeepAliveHandler, ssl_context=ssl_context)
        self.accepted = 0
        self._open: set = set()
        self._lock = threading.Lock()

    def process_request(self, request, client_address) -> None:
        with self._lock:
            self.accepted += 1
            self._open.add(request)
        # An answer's headers and its body go out in two writes: with Nagle's algorithm the
        # body waits for the client to acknowledge the headers, which a client delays by up to
        # 40 ms on a kept-alive connection. Anypoint answers at once; so does the sandbox.
        with contextlib.suppress(OSError):
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every connection still open (their threads then end)."""
        with self._lock:
            still_open = list(self._open)
        for request in still_open:
            with contextlib.suppress(OSError):
                request.shutdown(socket.SHUT_RDWR)
