"""This browser session's protocol trace: every exchange the app had with the provider and the
platform on the session's behalf, already redacted (see ``anypoint.trace``), newest first.

Each entry is appended once, with what caused it (:func:`cause_of`: the view that made the call
and the kind of call), the view's endpoint and an id of the request that made it, so the page
groups exchanges by their cause without reading anything else. A request's entries are
written together when it ends (one write, however many calls it made), and before anything in
it reads the trace.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, g, has_request_context, request, session

from ..anypoint.trace import TRACE_LIMIT, Exchange
from ..delegation.store import StoreBusy, StoreUnavailable
from ..services import services

log = logging.getLogger(__name__)

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
        record(exchange, cause="provider-metadata")
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


#: Views whose every call has one cause, whatever the call (a probe's refresh attempt is the
#: probe's; the revocation page's probes are the revocation's).
ACTION_CAUSES = {
    "auth.login": "sign-in", "auth.callback": "sign-in",
    "auth.logout": "sign-out", "auth.logout_revoke": "sign-out",
    "lab.probe": "probe", "access.check": "probe",
    "lab.revoke": "revoke", "access.revoke": "revoke",
}
#: Blueprints whose calls are theirs unless the call is a refresh or a revocation.
BLUEPRINT_CAUSES = {"deploy": "deploy", "explore": "explore", "dashboard": "profile",
                    "cicd": "cicd"}


def cause_of(entry: dict, endpoint: str | None) -> str:
    """What caused the exchange ``entry`` made while ``endpoint`` was served (None: outside
    a request): one of ``sign-in``, ``sign-out``, ``refresh``, ``revoke``, ``probe``,
    ``deploy``, ``explore`` (the API explorer), ``provider-metadata``, ``profile``, ``cicd``,
    ``page``."""
    if endpoint in ACTION_CAUSES:
        return ACTION_CAUSES[endpoint]
    request_part = entry.get("request")
    form = request_part.get("form") if isinstance(request_part, dict) else None
    label = entry.get("label")
    if label == "refresh" or (isinstance(form, dict) and form.get("grant_type") == "refresh_token"):
        return "refresh"
    if label == "revoke":
        return "revoke"
    if endpoint == "access.refresh":
        return "refresh"
    blueprint = (endpoint or "").partition(".")[0]
    if blueprint in BLUEPRINT_CAUSES:
        return BLUEPRINT_CAUSES[blueprint]
    if label in PROVIDER_WIDE:
        return "provider-metadata"
    if label == "introspect":
        return "probe"
    return "page"


def record(exchange: Exchange, cause: str | None = None) -> None:
    """Recorder for AnypointClient: append to the current session's trace, with its cause
    (:func:`cause_of`, unless given), the view's endpoint and the request's id. Dropped
    outside a request, and for a visitor who has no trace yet (an anonymous page keeps no
    state: /login starts the trace)."""
    if not has_request_context() or "trace_id" not in session:
        return
    entry = exchange.to_dict()
    entry["cause"] = cause or cause_of(entry, request.endpoint)
    entry["endpoint"] = request.endpoint
    if "trace_request" not in g:
        g.trace_request = secrets.token_hex(4)
    entry["request_id"] = g.trace_request
    g.setdefault("trace_pending", []).append((trace_key(), entry))


def flush() -> None:
    """Write the request's entries so far, each to the trace it was recorded for (a request
    that signs out may end with another), in one write per trace."""
    pending = g.pop("trace_pending", None)
    if not pending:
        return
    by_key: dict[str, list[dict]] = {}
    for key, entry in pending:
        by_key.setdefault(key, []).append(entry)
    for key, entries in by_key.items():
        services().store.append_all(key, entries, TRACE_LIMIT, TRACE_SECONDS)


def trace_entries() -> list[dict]:
    """The session's trace, newest first (at most TRACE_LIMIT exchanges)."""
    if "trace_id" not in session:
        return []
    flush()
    return services().store.entries(trace_key(), TRACE_LIMIT)


def init_app(app: Flask) -> None:
    @app.teardown_request
    def write_trace(_error=None):
        try:
            flush()
        except (StoreUnavailable, StoreBusy) as error:  # too late to tell the person
            log.warning("the protocol trace was not written: %s", error)
