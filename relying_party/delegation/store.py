"""A tiny key/value store with a per-key lock, on the same backend as the sessions.

Holds what must not sit in the session record itself because several requests update it at once:
the token set of a delegation and the protocol trace. Values are JSON-able; the lock is
cross-process (``flock`` on a file for the filesystem backend, a Redis lock for Redis).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterator

from cachelib.file import FileSystemCache


class Store:
    """Interface: ``get``, ``set``, ``delete``, ``lock`` and ``update`` (read-modify-write)."""

    def get(self, key: str):
        raise NotImplementedError

    def set(self, key: str, value, timeout: int) -> None:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def lock(self, key: str) -> contextlib.AbstractContextManager:
        raise NotImplementedError

    def update(self, key: str, change: Callable, timeout: int):
        """Apply ``change(old) -> new`` under the key's lock and store the result; return it."""
        with self.lock(key):
            value = change(self.get(key))
            self.set(key, value, timeout)
            return value


class FileStore(Store):
    """cachelib's FileSystemCache plus ``flock`` files: safe across threads and processes."""

    def __init__(self, directory: str):
        self.cache = FileSystemCache(os.path.join(directory, "data"), threshold=5000)
        self.lock_dir = os.path.join(directory, "locks")
        os.makedirs(self.lock_dir, exist_ok=True)

    def get(self, key):
        raw = self.cache.get(key)
        return json.loads(raw) if raw is not None else None

    def set(self, key, value, timeout):
        self.cache.set(key, json.dumps(value), timeout=timeout)

    def delete(self, key):
        self.cache.delete(key)

    @contextlib.contextmanager
    def lock(self, key) -> Iterator[None]:
        name = hashlib.sha256(key.encode()).hexdigest()[:32] + ".lock"
        with open(os.path.join(self.lock_dir, name), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class RedisStore(Store):
    """Plain Redis keys with JSON values and ``redis.lock.Lock`` per key."""

    def __init__(self, client, prefix: str = "cal:"):
        self.client = client
        self.prefix = prefix

    def get(self, key):
        raw = self.client.get(self.prefix + key)
        return json.loads(raw) if raw is not None else None

    def set(self, key, value, timeout):
        self.client.set(self.prefix + key, json.dumps(value), ex=max(int(timeout), 1))

    def delete(self, key):
        self.client.delete(self.prefix + key)

    def lock(self, key):
        return self.client.lock(self.prefix + "lock:" + key, timeout=60, blocking_timeout=30)
