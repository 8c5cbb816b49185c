"""Per-app services and the per-session glue (trace recording, the signed-in delegation).

``create_app`` builds one :class:`Services` and keeps it in ``app.extensions["connected_app_lab"]``;
views reach it through :func:`services`. Nothing here is created at import time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, has_request_context, session

from .anypoint.client import AnypointClient
from .anypoint.models import TokenSet
from .anypoint.trace import TRACE_LIMIT, Exchange, prepend
from .delegation.store import Store
from .delegation.tokens import TokenStore
from .oidc.provider import Provider
from .settings import Settings

EXTENSION = "connected_app_lab"
TRACE_SECONDS = 24 * 3600


@dataclass
class Services:
    settings: Settings
    store: Store
    client: AnypointClient
    provider: Provider
    tokens: TokenStore


def services() -> Services:
    return current_app.extensions[EXTENSION]


def trace_key() -> str:
    """This browser session's trace id (created on first use; survives the sign-in)."""
    if "trace_id" not in session:
        session["trace_id"] = secrets.token_urlsafe(16)
    return "trace:" + session["trace_id"]


def browser_id() -> str:
    """An opaque id for this browser's session, kept across sign-in; sign-in flows are bound to
    it. Set on the home page already, so that a request in flight while ``/login`` runs writes
    the session back with the same id."""
    if "browser" not in session:
        session["browser"] = secrets.token_urlsafe(24)
    return session["browser"]


def record(exchange: Exchange) -> None:
    """Recorder for AnypointClient: append to the current session's trace (no request: dropped)."""
    if not has_request_context():
        return
    services().store.update(trace_key(), lambda entries: prepend(entries or [], exchange,
                                                                  TRACE_LIMIT), TRACE_SECONDS)


def trace_entries() -> list[dict]:
    if "trace_id" not in session:
        return []
    return services().store.get(trace_key()) or []


def signed_in() -> bool:
    return bool(session.get("user")) and bool(session.get("grant_id"))


def current_tokens(refresh: bool = True) -> TokenSet | None:
    """The signed-in delegation's tokens, refreshed first when about to expire.

    Raises DelegationEnded (handled by errors.py) when the refresh is refused.
    """
    if not signed_in():
        return None
    tokens = services().tokens
    if refresh:
        return tokens.fresh(session["grant_id"])
    return tokens.load(session["grant_id"])
