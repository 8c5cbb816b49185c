"""The scope catalog: every scope the sandbox knows, with the plain words the consent page shows.

Special scopes (identity, ``offline_access``, ``full``, ``read:full``) are not permissions; every
other scope is a product scope that maps to a permission a user holds per environment.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    name: str
    description: str
    read_only: bool = False
    special: bool = False


CATALOG: tuple[Scope, ...] = (
    Scope("openid", "Know your username and your unique Anypoint ID", True, True),
    Scope("profile", "See your Anypoint profile: your name and organization", True, True),
    Scope("email", "See your email address", True, True),
    Scope("offline_access", "Keep access while you are signed out (for up to 90 days)", True, True),
    Scope("full", "Do anything you can do in Anypoint Platform", False, True),
    Scope("read:full", "See anything you can see in Anypoint Platform", True, True),
    Scope("read:applications", "See the applications deployed in your environments", True),
    Scope("create:applications", "Deploy new applications to your environments"),
    Scope("delete:applications", "Delete applications from your environments"),
    Scope("manage:application_settings", "Change, start, stop and redeploy your applications"),
    Scope("view:environment", "See the environments of your organization", True),
    Scope("read:audit_logs", "Read your organization's audit log", True),
)

BY_NAME = {scope.name: scope for scope in CATALOG}
IDENTITY_SCOPES = frozenset({"openid", "profile", "email"})
SPECIAL_SCOPES = frozenset(scope.name for scope in CATALOG if scope.special)
PRODUCT_SCOPES = tuple(scope.name for scope in CATALOG if not scope.special)


def all_scope_names() -> list[str]:
    """Every scope id, in catalog order (the discovery document's ``scopes_supported``)."""
    return [scope.name for scope in CATALOG]


def describe(scope_names) -> list[Scope]:
    """The catalog entries for the given scope ids, in the order asked; unknown ids are
    described by their name so a page never fails on them."""
    return [BY_NAME.get(name, Scope(name, name)) for name in scope_names]


def is_read_scope(name: str) -> bool:
    """True when the scope only reads (so ``read:full`` covers it)."""
    scope = BY_NAME.get(name)
    return bool(scope and scope.read_only) or name.startswith(("read:", "view:"))
