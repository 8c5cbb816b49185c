"""Plain-words descriptions of scopes, and which scope unlocks which panel."""

from __future__ import annotations

DESCRIPTIONS = {
    "openid": "Sign you in and learn your unique Anypoint ID (always asked).",
    "profile": "See your name and profile.",
    "email": "See your email address.",
    "offline_access": "Keep access while you are away (a refresh token), until you revoke it.",
    "full": "Do anything you can do in Anypoint Platform.",
    "read:full": "Read anything you can read in Anypoint Platform.",
    "view:environment": "See the environments of your organization.",
    "read:orgenvironments": "See the environments of your organization.",
    "read:organization": "See your organization's details.",
    "read:applications": "See the applications deployed in Runtime Manager.",
    "create:applications": "Deploy new applications to an environment.",
    "delete:applications": "Delete applications.",
    "manage:application_settings": "Change application settings, start and stop them.",
    "read:audit_logs": "Read your organization's audit log.",
}

#: Scopes any of which lets the app list an organization's environments.
ENVIRONMENT_SCOPES = ("view:environment", "read:orgenvironments", "read:full", "full")


def describe(scope: str) -> str:
    """A sentence for ``scope``; unknown product scopes get a generic but honest one."""
    if scope in DESCRIPTIONS:
        return DESCRIPTIONS[scope]
    action, _, thing = scope.partition(":")
    if thing:
        return f"Permission '{action}' on {thing.replace('_', ' ')}."
    return "A permission defined by the provider."


def allows(granted, needed: tuple[str, ...]) -> bool:
    return any(scope in granted for scope in needed)
