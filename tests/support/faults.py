"""Servers that misbehave on purpose, for the fault drills: a TCP proxy whose mode a test
switches (pass through, refuse, hang), a listener that accepts and never answers, and an HTTP
server that trickles its answer a byte at a time."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


def _listener() -> socket.socket:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    return server


class FaultProxy:
    """A TCP proxy to ``target`` (host, port). ``mode``: "pass" forwards both ways, "refuse"
    closes every connection (new and open: the service went down), "hang" accepts and reads but
    forwards and answers nothing (the service hangs). Switch with ``proxy.mode = …``."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self._mode = "pass"
        self._server = _listener()
        self.port = self._server.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._running = True
        threading.Thread(target=self._accept, daemon=True, name="fault proxy").start()

    @property
    def url_host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        self._mode = mode
        if mode == "refuse":
            with self._lock:
                for sock in self._open:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                self._open.clear()

    def _accept(self) -> None:
        while self._running:
            try:
                client, _address = self._server.accept()
            except OSError:
                return
            if self._mode == "refuse":
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        with self._lock:
            self._open += [client, upstream]
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            while self._mode == "hang":  # read nothing more through: the service hangs
                time.sleep(0.05)
            if self._mode == "refuse":
                break
            try:
                sink.sendall(data)
            except OSError:
                break
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        self._running = False
        self.mode = "refuse"
        self._server.close()


class SilentListener:
    """Accepts connections and never says a word (a server that hangs)."""

    def __init__(self):
        self._server = _listener()
        self.port = self._server.getsockname()[1]
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name="silent listener").start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self._server.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self._server.close()
        for connection in self._held:
            connection.close()


class TricklingServer:
    """An HTTP server that answers every request 200 with a JSON body, one byte every
    ``interval`` seconds (each read gets something in time, the whole never comes)."""

    def __init__(self, interval: float = 1.0, body: bytes = b'{"data": []}' + b" " * 4000):
        self.interval, self.body = interval, body
        self._server = _listener()
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._running = True
        threading.Thread(target=self._accept, daemon=True, name="trickling server").start()

    def _accept(self) -> None:
        while self._running:
            try:
                connection, _address = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            connection.recv(65536)
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % len(self.body))
            for byte in head + self.body:
                if not self._running:
                    return
                connection.sendall(bytes([byte]))
                time.sleep(self.interval)

    def close(self) -> None:
        self._running = False
        self._server.close()
