"""What a token may do: the one rule every protected sandbox API applies.

A user token may use a scope only when (1) the grant includes that scope, or ``full``, or
``read:full`` for a read scope (identity scopes such as ``profile`` count as reads), and
(2) the user holds the permission of that name in that environment (identity scopes need no
permission). A client-credentials token is decided by its app's context scopes alone; such
apps always have ``profile`` (as on Anypoint).
"""

from ..storage import ConnectedAppScope, Environment, Organization, Token, User
from .scopes import IDENTITY_SCOPES, is_read_scope


def authorize_scope(token: Token, scope: str, environment: Environment | None = None) -> str | None:
    """None when ``token`` may use ``scope`` (in ``environment``, or anywhere in the
    organization when None); otherwise a plain-words reason naming the missing scope or right."""
    if token.user_id is None:
        return _authorize_client(token, scope, environment)
    granted = set(token.scopes)
    covered = scope in granted or "full" in granted or (
        "read:full" in granted and is_read_scope(scope))
    if not covered:
        alternatives = "'full' or 'read:full'" if is_read_scope(scope) else "'full'"
        return f"The access token was not granted the '{scope}' scope (or {alternatives})."
    if scope in IDENTITY_SCOPES or user_has_right(token.user, scope, environment):
        return None
    where = f"environment '{environment.name}'" if environment else "this organization"
    return f"User '{token.user.username}' does not have the '{scope}' permission in {where}."


def user_has_right(user: User, scope: str, environment: Environment | None) -> bool:
    """True when the user holds the permission in that environment (org-wide rights count);
    with no environment, true when the user holds it anywhere."""
    if environment is not None and environment.organization_id != user.organization_id:
        return False
    return any(
        right.scope == scope
        and (environment is None or right.environment_id in (None, environment.id))
        for right in user.rights
    )


def _authorize_client(token: Token, scope: str, environment: Environment | None) -> str | None:
    if scope == "profile":
        return None
    app = token.client
    if scope not in token.scopes:
        return f"The access token was not granted the '{scope}' scope."
    if any(_context_covers(entry, scope, environment) for entry in app.context_scopes):
        return None
    where = f" in environment '{environment.name}'" if environment else ""
    return f"Connected app '{app.name}' has no '{scope}' scope{where}."


def _context_covers(entry: ConnectedAppScope, scope: str, environment: Environment | None) -> bool:
    if entry.scope != scope:
        return False
    if environment is None:
        return True
    return entry.organization_id == environment.organization_id and (
        entry.environment_id in (None, environment.id))


def administers(user: User | None, org: Organization) -> bool:
    """True when the user is an Organization Administrator of ``org``: an admin of that
    organization or of one above it (a root organization's admins run its business groups)."""
    if user is None or user.role != "admin":
        return False
    current = org
    while current is not None:
        if current.id == user.organization_id:
            return True
        current = current.parent
    return False


def org_admin_reason(token: Token, org: Organization) -> str | None:
    """None when the token may manage ``org``'s connected apps, authorization policy and
    authorizations (an Organization Administrator's token granted ``full``); otherwise a
    plain-words reason naming what is missing."""
    if token.user_id is None:
        return (f"Connected app '{token.client.name}' acts on its own behalf; managing "
                "connected apps needs an Organization Administrator's token with the 'full' "
                "scope.")
    if "full" not in token.scopes:
        return ("The access token was not granted the 'full' scope, which managing connected "
                "apps needs.")
    if not administers(token.user, org):
        return (f"User '{token.user.username}' is not an Organization Administrator of "
                f"{org.name}.")
    return None
