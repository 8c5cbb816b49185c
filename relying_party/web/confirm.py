"""Destructive actions ask first: a form posts once without ``confirmed``, gets a page that says
exactly what will happen (with the same form, confirmed, and a way back), and only the second
post acts. It works without JavaScript; the page's script may open it as a dialog on top.

API callers (``Accept: application/json``) say what they want in the request and are not asked.
"""

from __future__ import annotations

from flask import render_template, request

from ..anypoint.models import TokenSet
from .errors import wants_json

CONFIRMED = "yes"


def confirmed() -> bool:
    """True when this POST is the confirmed one (or comes from an API caller)."""
    return wants_json() or request.form.get("confirmed") == CONFIRMED


def revoke_consequences(which: str, tokens: TokenSet, anypoint: bool) -> dict:
    """What revoking ``which`` (access | refresh | both) does to this delegation, in words:
    ``{title, button, steps, ends}`` (``ends``: the delegation ends and the app signs you out)."""
    provider = "Anypoint" if anypoint else "the provider"
    keeps = (f"{provider} itself keeps you signed in there: only this app's access changes.")
    if which == "access":
        if tokens.refresh_token:
            after = ("The app then tries its refresh token, which gets it a new access token: "
                     "you stay signed in here, and the check shows what changed.")
        else:
            after = ("This app holds no refresh token, so it cannot get a new access token: "
                     "your delegation ends and this app signs you out.")
        return {"title": "Revoke the access token?", "button": "Revoke the access token",
                "ends": not tokens.refresh_token,
                "steps": [f"The app asks {provider} to revoke its current access token "
                          "(RFC 7009).", after, keeps]}
    if which == "refresh":
        return {"title": "Revoke the refresh token?", "button": "Revoke the refresh token",
                "ends": True,
                "steps": [f"The app asks {provider} to revoke its refresh token (RFC 7009). "
                          "It can no longer get new access tokens: this ends the delegation.",
                          "Providers that revoke the whole grant with it (the sandbox does) stop "
                          "the access token at once too; then this app signs you out. Otherwise "
                          "the access token keeps working until it expires.",
                          "To use the app again you sign in again (and may be asked to "
                          "consent again).", keeps]}
    return {"title": "Revoke both tokens?", "button": "Revoke both tokens", "ends": True,
            "steps": [f"The app asks {provider} to revoke its refresh token, then its access "
                      "token (RFC 7009).",
                      "Nothing works any more: your delegation ends and this app signs you "
                      "out. To use it again you sign in again.", keeps]}


def revoke_page(which: str, tokens: TokenSet, anypoint: bool, action: str, cancel: str,
                fields: dict | None = None):
    """The "are you sure" page for a revocation posted to ``action``; ``cancel`` goes back."""
    return render_template("access/confirm_revoke.html", which=which, action=action,
                           cancel=cancel, fields=fields or {}, confirmed_value=CONFIRMED,
                           what=revoke_consequences(which, tokens, anypoint))
