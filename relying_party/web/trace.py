"""This browser session's protocol trace: every exchange the app had with the provider and the
platform on the session's behalf, already redacted (see ``anypoint.trace``), newest first."""

from __future__ import annotations

import secrets

from flask import has_request_context, session

from ..anypoint.trace import TRACE_LIMIT, Exchange
from ..services import services

TRACE_SECONDS = 24 * 3600


def trace_key() -> str:
    """This browser session's trace id (created on first use; survives the sign-in)."""
    if "trace_id" not in session:
        session["trace_id"] = secrets.token_urlsafe(16)
    return "trace:" + session["trace_id"]


def start() -> str:
    """Start this browser session's trace if it has none (the first sign-in): it opens with
    the discovery and key fetches the app made at start, outside any request (see
    :class:`Recorder`). The trace key."""
    if "trace_id" in session:
        return trace_key()
    key = trace_key()
    kept = getattr(services().client.recorder, "kept", {})
    for exchange in sorted(kept.values(), key=lambda item: item.at):
        record(exchange)
    return key


#: Exchanges about the provider, not about anyone: kept when made outside a trace.
PROVIDER_WIDE = frozenset({"discovery", "jwks"})


class Recorder:
    """AnypointClient's recorder: an exchange made for a session with a trace goes to it
    (:func:`record`); the provider's discovery and keys fetched outside any trace — when the
    app starts, or for a visitor not signing in yet — are kept by label, for each new trace to
    open with. Nothing else made outside a trace is kept."""

    def __init__(self):
        self.kept: dict[str, Exchange] = {}

    def __call__(self, exchange: Exchange) -> None:
        if has_request_context() and "trace_id" in session:
            record(exchange)
        elif exchange.label in PROVIDER_WIDE:
            self.kept[exchange.label] = exchange


def record(exchange: Exchange) -> None:
    """Recorder for AnypointClient: append to the current session's trace. Dropped outside a
    request, and for a visitor who has no trace yet (an anonymous page keeps no state: /login
    starts the trace)."""
    if not has_request_context() or "trace_id" not in session:
        return
    services().store.append(trace_key(), exchange.to_dict(), TRACE_LIMIT, TRACE_SECONDS)


def trace_entries() -> list[dict]:
    """The session's trace, newest first (at most TRACE_LIMIT exchanges)."""
    if "trace_id" not in session:
        return []
    return services().store.entries(trace_key(), TRACE_LIMIT)
