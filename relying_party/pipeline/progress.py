"""How ``flask deploy`` reports while it works, always on standard error (standard output is the
result's): progress bars for the upload and the wait on a terminal, plain lines in a CI log.

Both reporters also print each platform call as it completes (method, path, status, time), so
a pipeline's log shows mule-maven-plugin's sequence step by step. No secrets reach them: the
client hands over exchanges that are already redacted, and only method, path and status are shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO
from urllib.parse import urlsplit

import click

from ..anypoint.trace import Exchange


def size_in_words(size: int) -> str:
    """Bytes as people say them: 812 B, 14.2 kB, 3.1 MB."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


class PlainProgress:
    """One line per event; what a CI log (not a terminal) gets."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self._status: str | None = None
        self._polling = False  # while waiting, the repeated status GETs are not listed

    def say(self, line: str) -> None:
        click.echo(line, file=self.stream)

    def call(self, exchange: Exchange) -> None:
        """The recorder handed to AnypointClient: one line per completed call."""
        if self._polling:
            return
        outcome = exchange.status if exchange.status is not None else exchange.error
        took = f" ({exchange.duration_ms} ms)" if exchange.duration_ms is not None else ""
        self.say(f"  {exchange.method} {urlsplit(exchange.url).path} → {outcome}{took}")

    def step(self, message: str) -> None:
        self.say(message)

    def upload(self, filename: str, size: int) -> Callable[[int], None]:
        self.say(f"Uploading {filename} ({size_in_words(size)}), streamed")
        return lambda _count: None

    def uploaded(self) -> None:
        self.say("Upload complete")

    def waiting(self, status: str, elapsed: float, timeout: float) -> None:
        self._polling = True
        if status != self._status:
            self.say(f"Status {status} after {elapsed:.1f} s")
            self._status = status

    def waited(self) -> None:
        self._status, self._polling = None, False


class TerminalProgress(PlainProgress):
    """Plain lines for the steps, and a click progress bar for the upload and for the wait."""

    def __init__(self, stream: TextIO | None = None):
        super().__init__(stream)
        self._bar = None
        self._shown = 0

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None

    def say(self, line: str) -> None:
        self._close()  # a line ends the bar in progress: it is never printed over
        super().say(line)

    def upload(self, filename: str, size: int) -> Callable[[int], None]:
        self._bar = click.progressbar(length=max(size, 1), label=f"Uploading {filename}",
                                      file=self.stream, show_pos=False, width=32)
        self._bar.render_progress()
        return self._bar.update

    def uploaded(self) -> None:
        self._close()

    def waiting(self, status: str, elapsed: float, timeout: float) -> None:
        self._polling = True
        if self._bar is None:
            self._bar = click.progressbar(length=max(int(timeout), 1), file=self.stream,
                                          label="Waiting for STARTED", show_percent=False,
                                          show_eta=False, width=32,
                                          item_show_func=lambda item: item)
            self._shown = 0
        step = max(int(elapsed) - self._shown, 0)
        self._shown += step
        self._bar.update(step, f"{status} · {elapsed:.0f} s")

    def waited(self) -> None:
        self._close()
        self._polling = False


def progress_for(stream: TextIO | None = None) -> PlainProgress:
    """A TerminalProgress when ``stream`` (standard error by default) is a terminal."""
    stream = stream or sys.stderr
    return TerminalProgress(stream) if stream.isatty() else PlainProgress(stream)
