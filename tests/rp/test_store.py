"""The key/value store behind token sets, sign-in flows and traces: a store, not a cache; locks
that leave nothing behind; a lock that cannot be had is a clear 503, never a hang or a 500."""

from __future__ import annotations

import os
import threading

import pytest
import redis

from relying_party.delegation.store import FileStore, RedisStore, Sealer, StoreBusy
from tests.support.fake_platform import platform_app, signed_in_client

SEALER = Sealer.from_secret("test-secret-key-0123456789")


class Clock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


def test_a_file_store_keeps_every_value_until_its_own_expiry(tmp_path):
    store = FileStore(str(tmp_path), SEALER)
    for n in range(6000):  # more than any cache threshold the sessions had
        store.set(f"tokens:{n}", {"n": n}, 3600)
    assert all(store.get(f"tokens:{n}") == {"n": n} for n in range(6000))


def test_expired_values_are_gone_and_swept(tmp_path):
    clock = Clock()
    store = FileStore(str(tmp_path), SEALER, clock=clock)
    store.set("flow:a", {"state": "a"}, 60)
    store.set("flow:b", {"state": "b"}, 600)
    clock.now += 61
    assert store.get("flow:a") is None and store.get("flow:b") == {"state": "b"}
    store.set("flow:c", {}, 1)
    clock.now += 2
    assert store.purge() == 1  # flow:c; flow:a was removed when it was read
    assert sorted(os.listdir(tmp_path / "data")) == [os.path.basename(store._path("flow:b"))]


def test_locks_leave_no_files_behind(tmp_path):
    store = FileStore(str(tmp_path), SEALER)
    for n in range(50):
        store.update(f"trace:{n}", lambda old: (old or []) + [1], 60)
        with store.lock(f"tokens:{n}"):
            pass
    assert os.listdir(tmp_path / "locks") == []


def test_the_file_lock_excludes_other_threads(tmp_path):
    store, seen = FileStore(str(tmp_path), SEALER), []

    def add(n):
        store.update("counter", lambda old: seen.append(n) or (old or 0) + 1, 60)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.get("counter") == 20 and sorted(seen) == list(range(20))


def _held(store, key):
    """Hold ``key``'s lock in another thread until the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        with store.lock(key):
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(5)
    return release, thread


def test_a_file_lock_that_cannot_be_had_is_store_busy(tmp_path):
    holder = FileStore(str(tmp_path), SEALER)
    waiter = FileStore(str(tmp_path), SEALER, lock_wait=0.2)
    release, thread = _held(holder, "tokens:g")
    try:
        with pytest.raises(StoreBusy), waiter.lock("tokens:g"):
            pytest.fail("the lock was had twice")
    finally:
        release.set()
        thread.join()
    with waiter.lock("tokens:g"):  # free again
        pass


@pytest.mark.redis
def test_a_redis_lock_that_cannot_be_had_is_store_busy(redis_url, redis_prefix):
    client = redis.Redis.from_url(redis_url)
    holder, waiter = (RedisStore(client, SEALER, redis_prefix),
                      RedisStore(client, SEALER, redis_prefix, 0.2))
    release, thread = _held(holder, "tokens:g")
    try:
        with pytest.raises(StoreBusy), waiter.lock("tokens:g"):
            pytest.fail("the lock was had twice")
    finally:
        release.set()
        thread.join()
    waiter.set("tokens:g", {"a": 1}, 60)
    assert waiter.get("tokens:g") == {"a": 1}
    client.close()


def test_a_page_that_cannot_have_the_token_lock_is_a_503_in_words(tmp_path):
    app, fake = platform_app(tmp_path, STORE_LOCK_WAIT_SECONDS="0.2")
    store = app.extensions["connected_app_lab"].store
    other_process = FileStore(store.data_dir.rsplit("/", 1)[0], store.sealer)
    release, thread = _held(other_process, "tokens:grant-1")
    try:
        answer = signed_in_client(app).post("/access/refresh", data={"csrf_token": "csrf-token"})
    finally:
        release.set()
        thread.join()
    assert answer.status_code == 503
    assert "still updating your session" in answer.get_data(as_text=True)
    assert fake.calls == []


def test_a_sweep_while_others_write_never_fails(tmp_path):
    store, failures = FileStore(str(tmp_path), SEALER), []

    def write(n):
        try:
            for round_ in range(300):
                store.set(f"trace:{n}:{round_ % 7}", {"n": n}, 60)
        except Exception as error:  # any failure at all is the test's to report
            failures.append(error)

    def sweep():
        try:
            for _ in range(200):
                store.purge()
        except Exception as error:  # likewise
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=sweep))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
