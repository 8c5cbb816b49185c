"""What the platform says about the signed-in user — ``/accounts/api/me`` (the user, their
organization and business groups) and the organization's environments — kept per delegation,
so a page shows it without asking Anypoint again. Framework-free.

A :class:`Profiles` keeps the answers as they came (JSON) in the store under
``profile:<grant_id>``, with when they were fetched and the scopes they were fetched with. They
are fetched again when older than ``max_age``, when the delegation's scopes are no longer those
(a refresh or a new sign-in that changed them), and after :meth:`Profiles.drop` (the pages'
**Reload** button, and the end of the delegation). A refusal (MissingScope) is kept too: it is
what the platform said. An outage is never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from ..anypoint.client import AnypointClient, data_list, parsed
from ..anypoint.errors import MissingScope
from ..anypoint.models import Environment, MalformedAnswer, Me, TokenSet
from ..anypoint.scopes import ENVIRONMENT_SCOPES, allows
from .store import Store

ME = "/accounts/api/me"


@dataclass(frozen=True)
class Profile:
    """The platform's answers about the user, as of ``fetched_at``."""

    fetched_at: float
    me: Me | None = None
    me_refused: str | None = None
    environments: tuple[Environment, ...] | None = None
    environments_refused: str | None = None

    @property
    def org_id(self) -> str | None:
        return self.me.organization.id if self.me else None


def _environments_path(org_id: str) -> str:
    return f"/accounts/api/organizations/{quote(org_id, safe='')}/environments"


def _read_me(doc) -> Me:
    return Me.from_json(doc)


def _read_environments(doc) -> tuple[Environment, ...]:
    return tuple(Environment.from_json(item) for item in data_list(doc))


class Profiles:
    """Per-delegation answers about the user; ``clock`` gives seconds since the epoch."""

    def __init__(self, store: Store, client: AnypointClient, clock: Callable[[], float],
                 max_age: float, keep_seconds: int):
        self.store = store
        self.client = client
        self.clock = clock
        self.max_age = max_age
        self.keep_seconds = keep_seconds

    @staticmethod
    def key(grant_id: str) -> str:
        return f"profile:{grant_id}"

    def get(self, grant_id: str, tokens: TokenSet) -> Profile:
        """The kept answers when fresh and fetched with these scopes, else fetched now.
        Raises what the client raises (DelegationEnded, PlatformUnavailable, PlatformError);
        a refusal is an answer."""
        record = self.store.get(self.key(grant_id))
        if record is not None and self._fresh(record, tokens):
            try:
                return self._profile(record)
            except MalformedAnswer:
                pass  # kept by an older version of the app: fetch again
        return self.reload(grant_id, tokens)

    def reload(self, grant_id: str, tokens: TokenSet) -> Profile:
        """Fetch the answers now and keep them."""
        record = self._fetch(tokens)
        self.store.set(self.key(grant_id), record, self.keep_seconds)
        return self._profile(record)

    def drop(self, grant_id: str) -> None:
        """Forget the answers: the next :meth:`get` fetches again."""
        self.store.delete(self.key(grant_id))

    def _fresh(self, record: dict, tokens: TokenSet) -> bool:
        at = record.get("at")
        return (isinstance(at, int | float) and 0 <= self.clock() - at <= self.max_age
                and record.get("scopes") == list(tokens.scopes))

    def _fetch(self, tokens: TokenSet) -> dict:
        record = {"at": self.clock(), "scopes": list(tokens.scopes), "me": None,
                  "me_refused": None, "environments": None, "environments_refused": None}
        try:
            record["me"] = self.client.api("GET", ME, tokens.access_token, label="me")
        except MissingScope as error:
            record["me_refused"] = error.message
            return record
        me = parsed(ME, _read_me, record["me"])  # a malformed answer is a 502, never kept
        if allows(tokens.scopes, ENVIRONMENT_SCOPES):
            path = _environments_path(me.organization.id)
            try:
                record["environments"] = self.client.api("GET", path, tokens.access_token,
                                                         label="environments")
            except MissingScope as error:
                record["environments_refused"] = error.message
            else:
                parsed(path, _read_environments, record["environments"])
        return record

    def _profile(self, record: dict) -> Profile:
        """The record's answers as models (MalformedAnswer when they no longer read)."""
        if not isinstance(record.get("at"), int | float):
            raise MalformedAnswer("no fetch time")
        me = _read_me(record["me"]) if record.get("me") is not None else None
        envs = (_read_environments(record["environments"])
                if record.get("environments") is not None else None)
        return Profile(fetched_at=record["at"], me=me, me_refused=record.get("me_refused"),
                       environments=envs,
                       environments_refused=record.get("environments_refused"))
