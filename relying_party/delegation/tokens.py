"""The token store: one token set per delegation, refreshed once per expiry (single flight).

Framework-free. :class:`TokenStore` keeps ``TokenSet`` JSON in a :class:`~.store.Store` under
``tokens:<grant_id>``; :meth:`TokenStore.fresh` refreshes under the key's lock and re-reads first,
so concurrent requests (threads or processes sharing the store) cause exactly one refresh, and a
rotated refresh token replaces the old one in the same write.
"""

from __future__ import annotations

from collections.abc import Callable

from ..anypoint.errors import DelegationEnded
from ..anypoint.models import TokenSet
from .store import Store

NO_TOKENS = "the app holds no tokens for this delegation"
#: ``fresh``'s ``seen`` when the caller has not read the token set.
UNREAD = object()
KEEP_SECONDS = 12 * 3600  # the default absolute session lifetime (SESSION_MAX_HOURS)


class TokenStore:
    """``refresh(old) -> new`` does the HTTP and validation; it raises to abort (nothing stored).

    A token set is kept no longer than ``keep_seconds``, the session's absolute lifetime: once
    no session can point at it, a refresh token must not linger in the store."""

    def __init__(self, store: Store, refresh: Callable[[TokenSet], TokenSet], margin: int = 60,
                 keep_seconds: int = KEEP_SECONDS):
        self.store = store
        self.refresh = refresh
        self.margin = margin
        self.keep_seconds = keep_seconds

    @staticmethod
    def key(grant_id: str) -> str:
        return f"tokens:{grant_id}"

    def load(self, grant_id: str) -> TokenSet | None:
        return self.parse(self.store.get(self.key(grant_id)))

    @staticmethod
    def parse(data: dict | None) -> TokenSet | None:
        """A token set as stored (read by ``load``, or by a caller that read its key)."""
        return TokenSet.from_dict(data) if data else None

    def save(self, grant_id: str, tokens: TokenSet) -> None:
        self.store.set(self.key(grant_id), tokens.to_dict(), self.keep_seconds)

    def delete(self, grant_id: str) -> None:
        self.store.delete(self.key(grant_id))

    def due(self, tokens: TokenSet, now: float | None = None) -> bool:
        """True when the access token expires within ``margin`` seconds."""
        left = tokens.expires_in(now)
        return left is not None and left <= self.margin

    def fresh(self, grant_id: str, force: bool = False,
              rejected: TokenSet | None = None, seen=UNREAD) -> TokenSet:
        """The current token set, refreshed first when due (or when ``force``). ``rejected`` is
        the set whose access token the platform refused: it is refreshed only if it is still
        the current one (a request that met a 401 just after another refreshed uses the new
        one: one refresh per expiry, however many requests met it). ``seen`` is the token set
        as the caller just read it (None: there was none), to save reading it again; a refresh
        reads it again under the lock all the same.

        Raises DelegationEnded when there is no token set, or it expired with no refresh token;
        whatever ``refresh`` raises (DelegationEnded on invalid_grant, PlatformUnavailable…).
        """
        if rejected is not None:
            seen = rejected
        elif seen is UNREAD:
            seen = self.load(grant_id)
        if seen is None:
            raise DelegationEnded(NO_TOKENS)
        if not force and rejected is None and not self.due(seen):
            return seen
        with self.store.lock(self.key(grant_id)):
            current = self.load(grant_id)
            if current is None:
                raise DelegationEnded("the delegation was ended")
            if current.access_token != seen.access_token:
                return current  # someone else refreshed (before or while we waited for the lock)
            if not current.refresh_token:
                if force or (current.expires_in() or 0) <= 0:
                    raise DelegationEnded("the access expired and there is no refresh token")
                return current
            renewed = self.refresh(current)
            self.save(grant_id, renewed)
            return renewed

    def replace(self, grant_id: str, change: Callable[[TokenSet], TokenSet | None]) -> None:
        """Apply ``change`` under the lock (e.g. forget a revoked token); ``None`` deletes."""
        with self.store.lock(self.key(grant_id)):
            current = self.load(grant_id)
            if current is None:
                return
            updated = change(current)
            if updated is None:
                self.delete(grant_id)
            else:
                self.save(grant_id, updated)

