"""A hand-driven clock for the sandbox and the relying party (``anypoint_sandbox.clock`` and
``relying_party.clock``, one world's time): tests move time instead of sleeping, so no test
depends on the machine's speed."""

import time

import pytest

from anypoint_sandbox import clock as sandbox_clock
from relying_party import clock as app_clock


class Clock:
    """Seconds since the epoch that change only when a test says so (from the real time at
    the start, so tokens it dates still look current to the relying party)."""

    def __init__(self, start: float | None = None):
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The sandbox's and the app's clock, stopped now until the test advances it."""
    fake = Clock()
    monkeypatch.setattr(sandbox_clock, "source", fake)
    monkeypatch.setattr(app_clock, "source", fake)
    return fake
