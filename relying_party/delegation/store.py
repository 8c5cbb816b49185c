"""A small key/value store with a per-key lock, on the same backend as the sessions.

Holds what must not sit in the session record itself because several requests update it at once:
the token set of a delegation, sign-in flows, the protocol trace and the lab's history. It is a
store, not a cache: a value stays until its own timeout or until it is deleted, however many
others there are. Besides values, a key can hold a capped log (``append``, ``append_all``,
``entries``): each batch of entries is written as one sealed item, never the whole log again (a
Redis list; a file appended a line at a time), for the protocol trace that every request adds
to. A value can also be *taken* (``take``): read and removed in one step, for what works once.

Values and entries are JSON-able, and sealed (:class:`Sealer`: authenticated encryption) before
they are written, so a copy of the files or a Redis dump reveals no token. The lock is
cross-process (``flock`` for the filesystem backend, a Redis lock for Redis); a lock that cannot
be had within ``lock_wait`` seconds raises :class:`StoreBusy`, which the web layer answers with
a 503 page.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError

LOCK_WAIT_SECONDS = 15.0
LOCK_SECONDS = 60  # a Redis lock whose holder died is released after this long
PURGE_EVERY = 500  # writes between two sweeps of expired files
TRIM_BYTES = 1024 * 1024  # a log file past this size is cut to its newest entries


class StoreBusy(Exception):
    """The key's lock could not be had in time: another request is still working on it."""


class StoreUnavailable(Exception):
    """The store does not answer (Redis down or too slow, a disk that refuses to write)."""


class Sealer:
    """Authenticated encryption of stored values (Fernet: AES-128-CBC with HMAC-SHA256). The
    first key seals; every key opens, so keys can be rotated: put the new one first, keep the
    old one until what it sealed has expired. A value no key opens reads as absent.

    Every page reads the same few sealed values (its session, its token set) again and again,
    so what a sealed value opens to is remembered in this process's memory (never written
    anywhere), at most :data:`OPENED_LIMIT` of them: a sealed value is opened once, however
    often it is read. Each read still decodes its own copy."""

    OPENED_LIMIT = 1024

    def __init__(self, keys: list[bytes]):
        if not keys:
            raise ValueError("a Sealer needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self._opened: dict[bytes, bytes] = {}

    @classmethod
    def from_secret(cls, secret: str) -> Sealer:
        """One key derived from the app's SECRET_KEY (HKDF-SHA256)."""
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"connected-app-lab store").derive(secret.encode())
        return cls([base64.urlsafe_b64encode(key)])

    def seal(self, value) -> str:
        return self._fernet.encrypt(json.dumps(value).encode()).decode()

    def open(self, sealed: str | bytes):
        sealed = sealed.encode() if isinstance(sealed, str) else sealed
        plain = self._opened.get(sealed)
        try:
            if plain is None:
                plain = self._fernet.decrypt(sealed)
                if len(self._opened) >= self.OPENED_LIMIT:
                    self._opened.clear()  # bounded; the next reads open theirs again
                self._opened[sealed] = plain
            return json.loads(plain)
        except (InvalidToken, ValueError, TypeError):
            return None  # sealed with a key that is gone, or not sealed at all


class Store:
    """Interface: ``get``, ``set``, ``delete``, ``take``, ``lock`` and ``update``
    (read-modify-write)."""

    def get(self, key: str):
        raise NotImplementedError

    def get_many(self, keys: list[str]) -> list:
        """The values at ``keys``, in their order (None for each that is absent), in one
        round trip where the backend allows it."""
        return [self.get(key) for key in keys]

    def set(self, key: str, value, timeout: int) -> None:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def take(self, key: str):
        """The value at ``key``, removed in the same step: of requests taking it at once,
        one gets it and the others None (a sign-in answer is used once)."""
        with self.lock(key):
            value = self.get(key)
            self.delete(key)
            return value

    def lock(self, key: str) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def ping(self) -> None:
        """StoreUnavailable unless the store answers now (a folder always does)."""

    def update(self, key: str, change: Callable, timeout: int):
        """Apply ``change(old) -> new`` under the key's lock and store the result; return it."""
        with self.lock(key):
            value = change(self.get(key))
            self.set(key, value, timeout)
            return value

    def append(self, key: str, entry, limit: int, timeout: int) -> None:
        """Add ``entry`` to the log at ``key`` (which then lives ``timeout`` seconds more);
        the newest ``limit`` items (each a batch of at least one entry) are kept. Writes the
        entry alone: no lock, no read."""
        self.append_all(key, [entry], limit, timeout)

    def append_all(self, key: str, entries: list, limit: int, timeout: int) -> None:
        """Add ``entries`` (oldest first) to the log at ``key`` as one sealed item, in one
        write, as ``append``."""
        raise NotImplementedError

    def entries(self, key: str, limit: int) -> list:
        """The log at ``key``, newest first, at most ``limit`` entries; [] when absent."""
        raise NotImplementedError


def _name(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class FileStore(Store):
    """One file per key (``{"expires": …, "value": <sealed>}``), written atomically, under
    ``directory/data``; ``flock`` lock files under ``directory/locks``, removed after use.
    Expired files are removed when read and, every :data:`PURGE_EVERY` writes, in one sweep."""

    def __init__(self, directory: str, sealer: Sealer, lock_wait: float = LOCK_WAIT_SECONDS,
                 clock: Callable[[], float] = time.time):
        self.sealer = sealer
        self.data_dir = os.path.join(directory, "data")
        self.lock_dir = os.path.join(directory, "locks")
        os.makedirs(self.data_dir, exist_ok=True)
        os.makedirs(self.lock_dir, exist_ok=True)
        self.lock_wait = lock_wait
        self.clock = clock
        self._writes = 0

    def _path(self, key: str) -> str:
        return os.path.join(self.data_dir, _name(key) + ".json")

    def _log_path(self, key: str) -> str:
        return os.path.join(self.data_dir, _name(key) + ".log")

    def _read(self, path: str):
        try:
            with open(path, encoding="utf-8") as handle:
                record = json.load(handle)
        except (FileNotFoundError, ValueError):  # absent, or cut short by a crash
            return None
        if not isinstance(record, dict) or record.get("expires", 0) <= self.clock():
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
            return None
        return self.sealer.open(record.get("value") or "")

    def get(self, key):
        return self._read(self._path(key))

    def take(self, key):
        """Renaming the file away is the one step only one taker can win."""
        path = self._path(key)
        taken = _own_name(path, ".taken")
        try:
            os.rename(path, taken)
        except FileNotFoundError:
            return None
        try:
            return self._read(taken)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(taken)

    def set(self, key, value, timeout):
        record = json.dumps({"expires": self.clock() + max(timeout, 1),
                             "value": self.sealer.seal(value)}).encode()
        path = self._path(key)
        temporary = _own_name(path, ".tmp")
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as error:
            raise StoreUnavailable(f"the store's folder refuses new files ({error})") from None
        try:
            try:
                os.write(handle, record)
            finally:
                os.close(handle)
            os.replace(temporary, path)  # readers see the old value or the new one
        except BaseException as error:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)
            if isinstance(error, OSError):  # a full disk: nothing was half-written
                raise StoreUnavailable(f"the store could not write ({error})") from None
            raise
        self._count_write()

    def delete(self, key):
        for path in (self._path(key), self._log_path(key)):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)

    # A log is a file of sealed batches of entries, one per line, oldest first; its
    # modification time is set to when it expires, so one stat says whether it is alive.
    def append_all(self, key, entries, limit, timeout):
        path = self._log_path(key)
        lines = (self.sealer.seal(list(entries)) + "\n").encode()
        try:
            handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(handle, lines)  # one write of whole lines: appends never interleave
                size = os.fstat(handle).st_size
                os.utime(handle, (self.clock(), self.clock() + max(timeout, 1)))
            finally:
                os.close(handle)
        except OSError as error:
            raise StoreUnavailable(f"the store could not write ({error})") from None
        if size > TRIM_BYTES:
            self._trim(key, limit)
        self._count_write()

    def _log_lines(self, path: str) -> list[bytes]:
        try:
            if os.stat(path).st_mtime <= self.clock():
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
                return []
            with open(path, "rb") as handle:
                return handle.read().splitlines()
        except FileNotFoundError:
            return []

    def _trim(self, key: str, limit: int) -> None:
        """Rewrite the log with its newest ``limit`` lines, keeping its expiry (under the
        key's lock: two trims never race; an append meanwhile lands in the old file or the
        new one, at worst one entry lost from a trace)."""
        path = self._log_path(key)
        with self.lock(key):
            try:
                expires = os.stat(path).st_mtime
            except FileNotFoundError:
                return
            kept = self._log_lines(path)[-limit:]
            handle, temporary = tempfile.mkstemp(dir=self.data_dir, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as target:
                    target.write(b"".join(line + b"\n" for line in kept))
                os.utime(temporary, (self.clock(), expires))
                os.replace(temporary, path)
            except OSError as error:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(temporary)
                raise StoreUnavailable(f"the store could not write ({error})") from None

    def entries(self, key, limit):
        lines = self._log_lines(self._log_path(key))[-limit:]
        return _newest_first((self.sealer.open(line) for line in reversed(lines) if line), limit)

    def _count_write(self) -> None:
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:
            self.purge()

    def purge(self) -> int:
        """Remove every expired entry (and write or take leftovers older than an hour); the
        count."""
        removed = 0
        for entry in os.scandir(self.data_dir):
            if entry.name.endswith(".json"):
                removed += self._read(entry.path) is None
            elif entry.name.endswith(".log"):
                with contextlib.suppress(FileNotFoundError):
                    if entry.stat().st_mtime <= self.clock():
                        os.remove(entry.path)
                        removed += 1
            elif entry.name.endswith((".tmp", ".taken")):  # a writer or taker that died
                with contextlib.suppress(FileNotFoundError):  # renamed by its writer meanwhile
                    if entry.stat().st_mtime < self.clock() - 3600:
                        os.remove(entry.path)
        return removed

    @contextlib.contextmanager
    def lock(self, key) -> Iterator[None]:
        path = os.path.join(self.lock_dir, _name(key)[:32] + ".lock")
        deadline = time.monotonic() + self.lock_wait
        while True:
            handle = open(path, "a+")  # closed below, after the unlink
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                handle.close()
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"the lock of {key.split(':', 1)[0]} is held") from None
                time.sleep(0.01)
                continue
            if _same_file(handle, path):
                break
            handle.close()  # its holder removed the file after we opened it: take the new one
        try:
            yield
        finally:
            os.remove(path)  # before unlocking, so a waiter on this file starts again
            handle.close()


def _newest_first(batches, limit: int) -> list:
    """The entries of opened log items (each a batch, oldest first, or one entry as logs
    written before batches held), newest item first, as one list of at most ``limit``."""
    found: list = []
    for batch in batches:
        if isinstance(batch, list):
            found.extend(reversed(batch))
        elif batch is not None:
            found.append(batch)
        if len(found) >= limit:
            break
    return found[:limit]


def _own_name(path: str, suffix: str) -> str:
    """A name beside ``path`` that no other process or thread uses at the same time."""
    return f"{path}.{os.getpid()}-{threading.get_ident()}{suffix}"


def _same_file(handle, path: str) -> bool:
    try:
        return os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


class RedisStore(Store):
    """Redis keys under ``prefix`` holding sealed values, and ``redis.lock.Lock`` per key. The
    client's socket timeouts bound every call; a Redis that does not answer raises
    :class:`StoreUnavailable`."""

    def __init__(self, client, sealer: Sealer, prefix: str = "cal:",
                 lock_wait: float = LOCK_WAIT_SECONDS):
        self.client = client
        self.sealer = sealer
        self.prefix = prefix
        self.lock_wait = lock_wait

    @contextlib.contextmanager
    def _answering(self) -> Iterator[None]:
        try:
            yield
        except (RedisConnectionError, RedisTimeoutError) as error:
            raise StoreUnavailable(f"Redis does not answer ({type(error).__name__})") from None

    def get(self, key):
        with self._answering():
            raw = self.client.get(self.prefix + key)
        return self.sealer.open(raw) if raw is not None else None

    def get_many(self, keys):
        with self._answering():
            raws = self.client.mget([self.prefix + key for key in keys])
        return [self.sealer.open(raw) if raw is not None else None for raw in raws]

    def set(self, key, value, timeout):
        with self._answering():
            self.client.set(self.prefix + key, self.sealer.seal(value), ex=max(int(timeout), 1))

    def delete(self, key):
        with self._answering():
            self.client.delete(self.prefix + key, self.prefix + "log:" + key)

    def take(self, key):
        with self._answering():
            raw = self.client.getdel(self.prefix + key)
        return self.sealer.open(raw) if raw is not None else None

    def append_all(self, key, entries, limit, timeout):
        name = self.prefix + "log:" + key
        with self._answering():
            pipe = self.client.pipeline(transaction=True)
            pipe.lpush(name, self.sealer.seal(list(entries)))  # the newest batch at the head
            pipe.ltrim(name, 0, limit - 1)
            pipe.expire(name, max(int(timeout), 1))
            pipe.execute()

    def entries(self, key, limit):
        with self._answering():
            raw = self.client.lrange(self.prefix + "log:" + key, 0, limit - 1)
        return _newest_first((self.sealer.open(item) for item in raw), limit)

    def ping(self) -> None:
        """StoreUnavailable unless Redis answers now."""
        with self._answering():
            self.client.ping()

    @contextlib.contextmanager
    def lock(self, key) -> Iterator[None]:
        lock = self.client.lock(self.prefix + "lock:" + key, timeout=LOCK_SECONDS,
                                blocking_timeout=self.lock_wait)
        with self._answering():
            acquired = lock.acquire()
        if not acquired:
            raise StoreBusy(f"the lock of {key.split(':', 1)[0]} is held")
        try:
            yield
        finally:
            with contextlib.suppress(LockError, RedisConnectionError, RedisTimeoutError):
                lock.release()  # expired while held, or Redis gone: nothing left to free
