"""What the user may do in each environment (``anypoint.rights``), kept with the delegation's
profile: asked the first time a deploy page needs it after each profile fetch (the key names
the profile's fetch time, so the profile's Reload, a change of scopes or its age asks again),
kept as long as a profile. A refusal or an odd answer is kept as "not said"; an outage is not
kept. When the platform has not said, every operation is left to the platform, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import session

from ..anypoint.errors import DelegationEnded, PlatformError, PlatformUnavailable
from ..anypoint.rights import ACTIONS, authorized
from ..services import services


@dataclass(frozen=True)
class Rights:
    """``allowed``: {operation: environment ids}, or None when the platform did not say."""

    allowed: dict[str, frozenset[str]] | None = None

    def may(self, operation: str, env_id: str | None) -> bool | None:
        """Whether the user may do ``operation`` in ``env_id``; None when not known."""
        if self.allowed is None or env_id is None or operation not in self.allowed:
            return None
        return env_id in self.allowed[operation]


def rights_of(user) -> Rights:
    """The signed-in ``user``'s (a ``support.Delegation``) rights in their environments."""
    envs = user.profile.environments
    if not envs or not user.org_id:
        return Rights()
    key = f"rights:{session['grant_id']}:{user.profile.fetched_at}"
    store = services().store
    record = store.get(key)
    if not _readable(record):
        try:
            found = authorized(services().client, user.tokens.access_token, user.org_id,
                               [env.id for env in envs])
            record = {"allowed": {op: list(ids) for op, ids in found.items()}}
        except DelegationEnded:
            raise
        except PlatformUnavailable:
            return Rights()
        except PlatformError as error:  # refused (MissingScope) or not understood: not said
            record = {"allowed": None, "refused": error.message}
        store.set(key, record, services().profiles.keep_seconds)
    if record.get("allowed") is None:
        return Rights()
    return Rights({op: frozenset(ids) for op, ids in record["allowed"].items()})


def _readable(record) -> bool:
    """A record this version of the app wrote: not said, or a list for every operation."""
    if not isinstance(record, dict) or "allowed" not in record:
        return False
    allowed = record["allowed"]
    return allowed is None or (isinstance(allowed, dict) and set(allowed) == set(ACTIONS))
