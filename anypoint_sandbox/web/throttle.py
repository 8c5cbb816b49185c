"""Slowing down password guessing. Failed sign-ins are counted per account and per client
address, failed client authentications per connected app and client address, each within a window
(SANDBOX_THROTTLE_WINDOW_SECONDS); the failure that reaches a key's limit locks the key for a
window, and while it is locked every attempt of that key is refused with :class:`Throttled`
(429 with ``Retry-After``) before any password or secret is checked. A success resets the
account's (or the app's) count, never the address's: one account of one's own must not buy
guesses at the others. Counts live in the database (``storage.throttle``), so they hold across
sandbox processes and restarts; times come from the sandbox clock."""

import hashlib

from flask import current_app, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..storage import session
from ..storage.throttle import FailureCount

#: Per kind of key: the setting holding its limit, and what a refusal says.
LIMITS = {
    "account": ("SANDBOX_SIGNIN_MAX_FAILURES", "Too many failed sign-ins for this account"),
    "address": ("SANDBOX_SIGNIN_MAX_FAILURES_PER_ADDRESS",
                "Too many failed sign-ins from your network address"),
    "client": ("SANDBOX_CLIENT_MAX_FAILURES",
               "Too many failed authentications of this client from your network address"),
}


class Throttled(Exception):
    """A key is locked for ``retry_after`` more seconds; the message says so in plain words."""

    def __init__(self, kind: str, retry_after: int):
        self.retry_after = max(1, retry_after)
        unit = "second" if self.retry_after == 1 else "seconds"
        super().__init__(f"{LIMITS[kind][1]}; try again in {self.retry_after} {unit}.")

    @property
    def headers(self) -> dict:
        return {"Retry-After": str(self.retry_after)}


Key = tuple[str, str]


def sign_in_keys(username: str) -> list[Key]:
    """The keys a sign-in (or a password check) of ``username`` counts against."""
    return [("account", username.strip().casefold()), ("address", request.remote_addr or "")]


def client_keys(client_id: str) -> list[Key]:
    """The key a client authentication counts against: the app *from this address*. A client id
    is public (it is in every authorization URL), so a lock of the app alone would let anyone
    shut a connected app out of its own token endpoint with ten wrong secrets."""
    return [("client", f"{client_id}\0{request.remote_addr or ''}")]


def _digest(kind: str, key: str) -> str:
    return hashlib.sha256(f"{kind}\0{key}".encode("utf-8", "replace")).hexdigest()


def _window() -> int:
    return current_app.config["SANDBOX_THROTTLE_WINDOW_SECONDS"]


def check(keys: list[Key]) -> None:
    """Raise Throttled when any of ``keys`` is locked (the longest wait is named)."""
    now = clock.now()
    waits = []
    for kind, key in keys:
        row = session().get(FailureCount, (kind, _digest(kind, key)), populate_existing=True)
        if row is not None and row.locked_until > now:
            waits.append((row.locked_until - now, kind))
    if waits:
        wait, kind = max(waits)
        raise Throttled(kind, wait)


def failed(keys: list[Key]) -> None:
    """Count a failure against each of ``keys`` (and commit); raise Throttled when it locked
    one, so that the person learns at once that they must wait."""
    now, window = clock.now(), _window()
    db = session()
    db.execute(delete(FailureCount).where(FailureCount.expires_at <= now))
    locked = []
    for kind, key in keys:
        row = _row(kind, _digest(kind, key), now, window)
        if row.window_started_at + window <= now and row.locked_until <= now:
            row.failures, row.window_started_at = 0, now  # the last window is over
        row.failures = FailureCount.failures + 1
        db.flush()
        db.refresh(row, ["failures"])
        if row.failures >= current_app.config[LIMITS[kind][0]] and row.locked_until <= now:
            row.locked_until = now + window
            locked.append(kind)
        row.expires_at = max(row.window_started_at + window, row.locked_until)
    db.commit()
    if locked:
        raise Throttled(locked[0], window)


def _row(kind: str, digest: str, now: int, window: int) -> FailureCount:
    db = session()
    row = db.get(FailureCount, (kind, digest), populate_existing=True)
    if row is not None:
        return row
    row = FailureCount(kind=kind, key_digest=digest, failures=0, window_started_at=now,
                       locked_until=0, expires_at=now + window)
    db.add(row)
    try:
        db.flush()
    except IntegrityError:  # another request counted this key's first failure meanwhile
        db.rollback()
        row = db.get(FailureCount, (kind, digest), populate_existing=True)
    return row


def succeeded(key: Key) -> bool:
    """Forget ``key``'s failures (the caller commits); whether there were any."""
    kind, value = key
    result = session().execute(delete(FailureCount).where(
        FailureCount.kind == kind, FailureCount.key_digest == _digest(kind, value)))
    return bool(result.rowcount)

