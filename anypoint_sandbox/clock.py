"""The sandbox's one clock. Everything that asks what time it is asks here (token and code
lifetimes, ID token times, CloudHub's status machine, the audit log), so a test moves time
instead of sleeping: ``monkeypatch.setattr(clock, "source", fake)`` with any callable that
returns seconds since the epoch."""

import time
from datetime import UTC, datetime

source = time.time


def seconds() -> float:
    """Now, in seconds since the epoch (with a fraction)."""
    return source()


def now() -> int:
    """Now, in whole seconds since the epoch (how the sandbox stores times)."""
    return int(source())


def iso(epoch: int | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC (``2025-05-03T14:03:00Z``), as Anypoint writes times."""
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z") if epoch else None
