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
