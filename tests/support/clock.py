"""A hand-driven clock for the sandbox (``anypoint_sandbox.clock``): tests move time instead of
sleeping, so no test depends on the machine's speed."""

import pytest

from anypoint_sandbox import clock as sandbox_clock


class Clock:
    """Seconds since the epoch that change only when a test says so."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The sandbox's clock, stopped at a fixed instant until the test advances it."""
    fake = Clock()
    monkeypatch.setattr(sandbox_clock, "source", fake)
    return fake
