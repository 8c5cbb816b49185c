"""What every deploy view needs: the signed-in user's CloudHub, their environments, the upload
limit, and the "missing scope or right" panel that replaces an error page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import request, session, url_for

from ..anypoint.cloudhub import SCOPES, CloudHub
from ..anypoint.errors import MissingScope, PlatformError, PlatformUnavailable
from ..anypoint.models import Environment, TokenSet
from ..anypoint.scopes import ENVIRONMENT_SCOPES, allows, describe
from ..delegation.profile import Profile
from ..services import services
from ..web.guards import require_delegation
from ..web.problem import Problem

MEGABYTE = 1024 * 1024
#: What each CloudHub operation does, in the words of "may not …".
DOING = {"read": "see the applications", "deploy": "deploy applications",
         "manage": "start, stop or redeploy applications", "delete": "delete applications"}
_QUOTED_SCOPE = re.compile(r"'([a-z_]+:[a-z_]+)'")


@dataclass
class Delegation:
    """The signed-in user's tokens and organization, and a CloudHub bound to ``env_id``."""

    tokens: TokenSet
    org_id: str
    profile: Profile

    def cloudhub(self, env_id: str | None = None) -> CloudHub:
        return CloudHub(services().client, self.tokens.access_token, self.org_id, env_id)

    def may(self, operation: str) -> bool:
        """Whether the granted scopes cover the CloudHub ``operation`` (see cloudhub.SCOPES)."""
        return covers(self.tokens.scopes, SCOPES[operation])

    def may_list_environments(self) -> bool:
        return allows(self.tokens.scopes, ENVIRONMENT_SCOPES)

    def environments(self) -> list[Environment]:
        """The organization's environments as the delegation's profile keeps them
        (MissingScope when not granted or not allowed)."""
        if not self.may_list_environments():
            raise MissingScope(f"the {ENVIRONMENT_SCOPES[0]} scope was not granted", 403)
        if self.profile.environments_refused:
            raise MissingScope(self.profile.environments_refused, 403)
        return list(self.profile.environments or ())


def delegation() -> Delegation:
    """The signed-in delegation (see ``web.guards.require_delegation`` for its refusals), with
    what Anypoint said about the user (``delegation.profile``: fetched once, then kept)."""
    tokens = require_delegation("with Anypoint to deploy applications")
    profile = services().profiles.get(session["grant_id"], tokens)
    if profile.me is None:
        raise MissingScope(profile.me_refused or "Anypoint did not say who you are", 403)
    return Delegation(tokens, profile.org_id, profile)


def environment_name(user: Delegation, env_id: str) -> str | None:
    """The name of the user's environment ``env_id``; None when unknown or unreadable."""
    try:
        return next((env.name for env in user.environments() if env.id == env_id), None)
    except PlatformError:
        return None


def no_such_application(env_id: str, name: str) -> Problem:
    return Problem(404, "No such application", f"There is no application called {name} in "
                   "this environment (it may have been deleted).", "not_found",
                   (url_for("deploy.index", environment=env_id), "Back to Deploy"))


def is_anypoint() -> bool:
    return services().provider.is_anypoint


def max_upload_bytes() -> int:
    """The largest deploy request (the JAR and the form's fields)."""
    return services().settings.max_upload_bytes


def max_file_bytes() -> int:
    """The largest JAR (DEPLOY_MAX_UPLOAD_MB): what the browser checks before it sends one."""
    return int(services().settings.deploy_max_upload_mb * MEGABYTE)


def covers(granted, scope: str) -> bool:
    """Whether the grant includes ``scope`` itself, ``full``, or ``read:full`` for a read."""
    reads = scope.startswith(("read:", "view:")) and "read:full" in granted
    return scope in granted or "full" in granted or reads


def refusal(tokens: TokenSet, scope: str, error: MissingScope | None = None,
            next_path: str | None = None) -> dict:
    """The panel shown instead of an error when ``scope`` is missing.

    ``kind`` is ``scope`` when the grant lacks it: the panel offers "Ask for more access" with
    exactly that scope added to those granted (incremental consent). It is ``right`` when the
    grant covers it and Anypoint still refused: the user's own permission in that environment is
    missing, which only an administrator can give. When the platform names a scope in its
    refusal, that scope is the one shown.
    """
    message = error.message if error else None
    named = _QUOTED_SCOPE.search(message or "")
    if named:
        scope = named[1]
    kind = "right" if covers(tokens.scopes, scope) else "scope"
    ask = url_for("auth.login", scope=" ".join(dict.fromkeys([*tokens.scopes, scope])),
                  next=next_path or request.full_path.rstrip("?"))
    return {"kind": kind, "scope": scope, "description": describe(scope), "message": message,
            "ask": ask if kind == "scope" else None}


def operation_refusal(tokens: TokenSet, operation: str, error: MissingScope | None = None,
                      next_path: str | None = None) -> dict:
    return refusal(tokens, SCOPES[operation], error, next_path)


def right_refusal(user: Delegation, operation: str, env_name: str | None) -> dict:
    """The "missing right" panel for what the platform said before anything was tried: the
    grant covers the scope (or not), but the user does not hold the right in that environment,
    which only an administrator can give."""
    scope = SCOPES[operation]
    who = user.profile.me.username if user.profile.me else "your user"
    return {"kind": "right", "scope": scope, "description": describe(scope), "ask": None,
            "message": f"Your user ({who}) may not {DOING[operation]} in "
                       f"{env_name or 'this environment'}.", "before": True}


def environments_refusal(tokens: TokenSet, error: MissingScope | None = None) -> dict:
    return refusal(tokens, ENVIRONMENT_SCOPES[0], error, url_for("deploy.index"))


def unavailable(error: PlatformUnavailable, what: str) -> tuple[str, int]:
    """The words and status for an action that met no answer: 503 "nothing was ``what``" when
    the request never reached Anypoint, 504 "cannot tell" when it may have (a timeout after
    sending, e.g. once a large upload was sent)."""
    if not error.sent:
        return (f"Anypoint could not be reached, so nothing was {what}. Try again in a "
                "minute."), 503
    return ("Anypoint did not answer in time, so this app cannot tell whether it went through. "
            "Check the application's status below before you try again."), 504


def upload_budget() -> float:
    """The seconds an upload of this request's size may take with the platform: the page's own
    budget, the wait for the answer, and the body at UPLOAD_MIN_MB_PER_SECOND at least. The
    time spent waiting for the browser's bytes does not count (``deadlines.paused``)."""
    settings = services().settings
    megabytes = (request.content_length or 0) / MEGABYTE
    return (settings.platform_deadline_seconds + settings.upload_answer_timeout
            + megabytes / settings.upload_min_mb_per_second)
