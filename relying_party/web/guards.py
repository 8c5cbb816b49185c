"""Who is signed in, and the one guard every view that acts for the user goes through.

A delegation is the signed-in user's ``grant_id`` (the key of its token set in the store) and
``user`` in the session. :func:`delegation_tokens` is the guard: the token set, refreshed when
due, or a 401 that says why there is none.
"""

from __future__ import annotations

from flask import session

from ..anypoint.models import TokenSet
from ..services import services


def signed_in() -> bool:
    return bool(session.get("user")) and bool(session.get("grant_id"))


def current_tokens(refresh: bool = True) -> TokenSet | None:
    """The signed-in delegation's tokens (``None`` when nobody is signed in), refreshed first
    when about to expire unless ``refresh`` is false.

    Raises DelegationEnded (the "access ended" page) when the refresh is refused.
    """
    if not signed_in():
        return None
    tokens = services().tokens
    if refresh:
        return tokens.fresh(session["grant_id"])
    return tokens.load(session["grant_id"])


def end_delegation(reason: str) -> None:
    """Forget the tokens and the signed-in user, remember why (shown by /session.json)."""
    from ..services import services

    grant_id = session.get("grant_id")
    if grant_id:
        services().tokens.delete(grant_id)
    for key in ("user", "grant_id", "userinfo", "id_report", "requested", "started"):
        session.pop(key, None)
    session["ended"] = reason
