"""The relying party's one clock for wall time: token expiry, ID token checks, sign-in flows,
session lifetimes and the lab's history ask here, so a test moves time instead of sleeping
(``monkeypatch.setattr(clock, "source", fake)``). Durations use ``time.monotonic``."""

import time

source = time.time


def now() -> float:
    """Seconds since the epoch."""
    return source()
