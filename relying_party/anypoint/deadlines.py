"""Deadlines for calls to the platform: a time budget, and a watchdog that enforces it.

A read timeout bounds each wait for a byte, not a call: a server that sends one byte a second
holds a request for as long as it likes. So every call runs under a watchdog that shuts its
connection down when the call's time is up, whatever phase it is in (connecting, sending an
upload, waiting for headers, reading a trickling body). The time a call may take is the smaller
of its own limit and what is left of the current *budget*: a page (or the ``flask deploy``
command) opens a budget, and every call it makes spends from it, so no page waits longer for
the platform than its budget, however many calls it makes or repeats.

:class:`DeadlineAdapter` is mounted on the client's ``requests.Session``; it tracks the
sockets a call uses (including kept-alive ones), so the watchdog can shut exactly those down.

A streamed upload sends the browser's bytes as they arrive; the time it waits for the browser
is not the platform's, so it runs in :func:`paused`: the call's watchdog stops meanwhile and
goes on afterwards with what it had left.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection

_BUDGET: contextvars.ContextVar[float | None] = contextvars.ContextVar("budget", default=None)
_WATCHED: contextvars.ContextVar[list | None] = contextvars.ContextVar("watched", default=None)
_WATCHDOG: contextvars.ContextVar[Watchdog | None] = contextvars.ContextVar("watchdog",
                                                                           default=None)


def left() -> float | None:
    """Seconds left in the current budget (``None``: no budget is open)."""
    deadline = _BUDGET.get()
    return None if deadline is None else deadline - time.monotonic()


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Spend at most ``seconds`` (or what is left of an enclosing budget) in the block."""
    outer = _BUDGET.get()
    deadline = time.monotonic() + seconds
    token = _BUDGET.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _BUDGET.reset(token)


@contextlib.contextmanager
def replaced(seconds: float) -> Iterator[None]:
    """A budget of ``seconds`` from now in the block, whatever is left of the current one (an
    upload, which needs the time its size needs); the current budget is back afterwards."""
    token = _BUDGET.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def open_budget(seconds: float) -> contextvars.Token:
    """Start a budget of ``seconds`` for what follows (a request); :func:`close_budget` ends it."""
    return _BUDGET.set(time.monotonic() + seconds)


def close_budget(token: contextvars.Token) -> None:
    _BUDGET.reset(token)


class _Tracked:
    """Reports the socket of every request it sends to the watchdog of the call (a new socket
    when it connects, the kept-alive one when it is reused). The socket, not the connection:
    a connection that will close forgets its socket while its response still reads from it."""

    def connect(self):
        super().connect()
        _watch(self.sock)

    def request(self, *args, **kwargs):
        if self.sock is not None:
            _watch(self.sock)
        return super().request(*args, **kwargs)


def _watch(sock) -> None:
    watched = _WATCHED.get()
    if watched is not None and sock is not None:
        watched.append(sock)


class _TrackedHTTP(_Tracked, HTTPConnection):
    pass


class _TrackedHTTPS(_Tracked, HTTPSConnection):
    pass


class _TrackedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _TrackedHTTP


class _TrackedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPS


class DeadlineAdapter(HTTPAdapter):
    """A requests adapter whose connections the watchdog can find."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedHTTPPool,
                                                   "https": _TrackedHTTPSPool}


class _Alarms:
    """One thread per process that fires every watchdog whose time is up, so a call costs a
    heap entry rather than a thread of its own. Started on first use, and again in a process
    forked after it started (a gunicorn worker does not inherit its parent's threads)."""

    def __init__(self):
        self._due: list[tuple[float, int, Watchdog]] = []
        self._wake = threading.Condition()
        self._count = itertools.count()
        self._pid: int | None = None

    def add(self, when: float, dog: Watchdog) -> None:
        """Fire ``dog`` at ``when`` (its earlier alarm, if any, no longer counts)."""
        with self._wake:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._due.clear()
                threading.Thread(target=self._run, name="platform-deadlines", daemon=True).start()
            dog.armed += 1
            heapq.heappush(self._due, (when, next(self._count), dog, dog.armed))
            if self._due[0][2] is dog:
                self._wake.notify()

    def disarm(self, dog: Watchdog) -> None:
        """``dog`` is paused: its alarm no longer counts."""
        with self._wake:
            dog.armed += 1

    def finish(self, dog: Watchdog) -> None:
        """The block of ``dog`` ended: it can no longer fire (the alarm's lock orders the two)."""
        with self._wake:
            dog.done = True

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._due and (self._due[0][2].done
                                     or self._due[0][3] != self._due[0][2].armed):
                    heapq.heappop(self._due)  # ended in time, or paused: forget it
                if not self._due:
                    self._wake.wait()
                    continue
                when, _, dog, _armed = self._due[0]
                wait = when - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._due)
                dog.fire()


_ALARMS = _Alarms()


class Watchdog:
    """``with Watchdog(seconds) as dog:`` — the connections used in the block are shut down
    when ``seconds`` have passed (not counting time in :func:`paused`); ``dog.fired`` says
    whether that happened."""

    def __init__(self, seconds: float):
        self.seconds = max(seconds, 0.0)
        self.fired = False
        self.done = False
        self.armed = 0  # which of its alarms counts (the alarm thread's lock guards it)
        self._sockets: list = []
        self._left = self.seconds
        self._since: float | None = None

    def fire(self) -> None:
        """Shut the block's connections down (the alarm thread calls it when time is up)."""
        if self.done:
            return
        self.fired = True
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def resume(self) -> None:
        """Count time again (from :meth:`pause`, or from the start)."""
        if self._since is None and not self.done and not self.fired:
            self._since = time.monotonic()
            _ALARMS.add(self._since + self._left, self)

    def pause(self) -> None:
        """Stop counting: what is left stays for :meth:`resume`."""
        if self._since is not None:
            _ALARMS.disarm(self)
            self._left = max(self._left - (time.monotonic() - self._since), 0.0)
            self._since = None

    def __enter__(self) -> Watchdog:
        self._tokens = _WATCHED.set(self._sockets), _WATCHDOG.set(self)
        self.resume()
        return self

    def __exit__(self, *_exc) -> None:
        _ALARMS.finish(self)
        _WATCHDOG.reset(self._tokens[1])
        _WATCHED.reset(self._tokens[0])


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Time in the block is not the platform's (a streamed upload waiting for the browser's
    next bytes): the current call's watchdog stops, and goes on with what it had left."""
    dog = _WATCHDOG.get()
    if dog is None:
        yield
        return
    dog.pause()
    try:
        yield
    finally:
        dog.resume()
