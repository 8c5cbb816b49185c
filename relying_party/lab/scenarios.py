"""The revocation lab's scenario cards, as data: what to do, what to look for, the action.

Expectations are phrased as what to look at in the probe history, with what Anypoint documents
where it documents something; the history, not the card, says what really happened.
"""

from __future__ import annotations

from ..settings import Settings


def scenarios(settings: Settings, has_refresh_token: bool) -> list[dict]:
    """The cards in order. ``action`` is ``revoke`` (a POST with ``token``) or ``link`` (the
    provider's page, then a probe recorded with ``after`` = the card's key)."""
    profile, admin, password = (settings.provider_page(page)
                                for page in ("profile", "admin", "password"))
    return [
        {"key": "revoked_access", "title": "Revoke the access token from this app",
         "action": "revoke", "token": "access", "button": "Revoke access token",
         "do": "The app asks the provider to revoke its current access token (RFC 7009), then "
               "probes at once.",
         "look": "Is the old access token refused on the API call and by introspection? Does "
                 "the refresh token still get new tokens? Providers differ on whether this "
                 "ends the whole grant."},
        {"key": "revoked_refresh", "title": "Revoke the refresh token", "action": "revoke",
         "token": "refresh", "button": "Revoke refresh token", "disabled": not has_refresh_token,
         "do": "The app revokes its refresh token (RFC 7009), then probes.",
         "look": "The refresh attempt should get invalid_grant. Does the access token keep "
                 "working until it expires, or did the provider end it too?"},
        {"key": "revoked_both", "title": "Revoke both tokens", "action": "revoke",
         "token": "both", "button": "Revoke both",
         "do": "The app revokes the refresh token, then the access token, then probes.",
         "look": "Nothing should work any more: the app says your delegation ended and keeps "
                 "this history so you can compare."},
        {"key": "profile", "title": "Revoke in Anypoint under your profile", "action": "link",
         "url": profile, "link": "Open your profile's connected apps",
         "do": "On the provider's profile page, find this app among your connected apps and "
               "choose Revoke. Then come back and probe.",
         "look": "The API call should answer 401 and the refresh attempt invalid_grant. Any "
                 "page of this app that needs Anypoint now tells you the delegation ended."},
        {"key": "admin", "title": "The org admin revokes the app for everyone", "action": "link",
         "url": admin, "link": "Open the admin console for this app",
         "do": "An organization administrator opens Access Management › Connected Apps › this "
               "app › Authorizations and revokes it for everyone (or calls DELETE "
               f"/accounts/api/connectedApplications/{settings.client_id}/revoke with a token "
               "granted full). Anypoint documents that all of the app's access and refresh "
               "tokens are revoked, for every user.",
         "look": "Both tokens refused: 401 on the API call, invalid_grant on refresh. Signing in "
                 "again asks for your consent again."},
        {"key": "password", "title": "Change your password", "action": "link", "url": password,
         "link": "Change your password",
         "do": "Change your password on the provider's profile page, then probe.",
         "look": "Granting access never shared your password, so the tokens should keep working: "
                 "200 on the API call and new tokens on refresh."},
        {"key": "expiry", "title": "Let the access token expire", "action": "wait",
         "do": "Wait until the countdown below reaches zero, then probe. This page never "
               "refreshes on its own; the app's other pages refresh "
               f"{settings.refresh_margin_seconds} s before expiry.",
         "look": "The expired access token should be refused (401, introspection not active) "
                 "and the refresh attempt should get new tokens — that is how the app keeps "
                 "working while you are away. On the sandbox, SANDBOX_ACCESS_TOKEN_TTL makes "
                 "the wait short."},
    ]
