"""Who is signed in, and the one guard every view that acts for the user goes through.

A delegation is the signed-in user's ``grant_id`` (the key of its token set in the store) and
``user`` in the session. :func:`require_delegation` is the guard: the token set, refreshed when
due, or a 401 that says why there is none.
"""

from __future__ import annotations

from flask import g, request, session, url_for

from ..anypoint.errors import DelegationEnded
from ..anypoint.models import TokenSet
from ..delegation.tokens import NO_TOKENS, UNREAD
from ..services import services
from .problem import Problem


def require_delegation(purpose: str, refresh: bool = True) -> TokenSet:
    """The guard of every view that acts for the signed-in user: the delegation's token set,
    refreshed first when due (unless ``refresh`` is false).

    Raises Problem(401) when nobody is signed in — ``delegation_ended`` after the delegation
    ended, else ``login_required`` with "Sign in {purpose}." — and DelegationEnded (the "access
    ended" page) when the session's token set is gone or its refresh is refused.
    """
    if not signed_in():
        if session.get("ended"):
            raise Problem(401, "Your access has ended",
                          f"This app can no longer act for you: {session['ended']}. "
                          "Sign in again to give it access.", "delegation_ended",
                          (sign_in_here(), "Sign in again"))
        raise Problem(401, "Please sign in", f"Sign in {purpose}.", "login_required",
                      (sign_in_here(), "Sign in"))
    tokens = current_tokens(refresh)
    if tokens is None:
        raise DelegationEnded(NO_TOKENS)
    return tokens


def sign_in_here() -> str:
    """A sign-in that comes back to this page (``/login?next=``, kept strictly same-origin by
    ``web.redirects``); from a form's POST, a sign-in that comes back home."""
    if request.method != "GET":
        return url_for("auth.login")
    return url_for("auth.login", next=request.full_path.rstrip("?"))


def signed_in() -> bool:
    return bool(session.get("user")) and bool(session.get("grant_id"))


def current_tokens(refresh: bool = True) -> TokenSet | None:
    """The signed-in delegation's tokens (``None`` when nobody is signed in), refreshed first
    when about to expire unless ``refresh`` is false.

    Raises DelegationEnded (the "access ended" page) when the refresh is refused.
    """
    if not signed_in():
        return None
    tokens, grant_id = services().tokens, session["grant_id"]
    read = prefetched_tokens(grant_id)
    if read is UNREAD:
        return tokens.fresh(grant_id) if refresh else tokens.load(grant_id)
    return tokens.fresh(grant_id, seen=read) if refresh else read


def prefetched_tokens(grant_id: str):
    """The delegation's token set as read with the session (``web.sessions``), once: a later
    call in the same request reads it again, for the request may have changed it since.
    UNREAD when it was not read with the session."""
    read = g.pop("prefetched_tokens", None)
    if read is None or read[0] != grant_id:
        return UNREAD
    return services().tokens.parse(read[1])


def end_delegation(reason: str) -> None:
    """Forget the tokens and the signed-in user, remember why (shown by /session.json)."""
    grant_id = session.get("grant_id")
    if grant_id:
        services().tokens.delete(grant_id)
        services().profiles.drop(grant_id)
    for key in ("user", "grant_id", "userinfo", "id_report", "requested", "started"):
        session.pop(key, None)
    session["ended"] = reason
