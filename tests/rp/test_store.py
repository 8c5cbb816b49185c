"""The key/value store behind token sets, sign-in flows and traces: a store, not a cache; locks
that leave nothing behind; a lock that cannot be had is a clear 503, never a hang or a 500."""

from __future__ import annotations

import os
import pathlib
import threading
from dataclasses import replace

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
    tokens = app.extensions["connected_app_lab"].tokens
    tokens.save("grant-1", replace(tokens.load("grant-1"), refresh_token="r-1"))  # refreshable
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


# -- capped logs (the protocol trace) ---------------------------------------------------------

@pytest.fixture(params=["files", pytest.param("redis", marks=pytest.mark.redis)])
def log_store(request, tmp_path):
    """A FileStore (with a hand-moved clock) or a RedisStore under this test's prefix."""
    clock = Clock()
    if request.param == "files":
        yield FileStore(str(tmp_path), SEALER, clock=clock), clock
        return
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    yield RedisStore(client, SEALER, request.getfixturevalue("redis_prefix")), None
    client.close()


def test_a_log_keeps_its_newest_entries_newest_first(log_store, monkeypatch):
    store, _clock = log_store
    monkeypatch.setattr("relying_party.delegation.store.TRIM_BYTES", 4096)
    for n in range(300):
        store.append("trace:a", {"n": n, "pad": "x" * 40}, 50, 3600)
    store.append("trace:b", {"n": "other"}, 50, 3600)
    assert [entry["n"] for entry in store.entries("trace:a", 50)] == list(range(299, 249, -1))
    assert [entry["n"] for entry in store.entries("trace:a", 3)] == [299, 298, 297]
    assert store.entries("trace:b", 50) == [{"n": "other"}]
    assert store.entries("trace:none", 50) == []
    store.delete("trace:a")
    assert store.entries("trace:a", 50) == [] and store.entries("trace:b", 50) != []


def test_a_requests_entries_are_added_in_one_write_oldest_first(log_store):
    store, _clock = log_store
    store.append("trace:a", {"n": 0}, 5, 3600)
    store.append_all("trace:a", [{"n": 1}, {"n": 2}, {"n": 3}], 5, 3600)
    store.append_all("trace:a", [{"n": 4}, {"n": 5}], 5, 3600)
    assert [entry["n"] for entry in store.entries("trace:a", 5)] == [5, 4, 3, 2, 1]


def test_a_request_writes_its_trace_once_however_many_calls_it_made(lab, monkeypatch):
    """A sign-in makes several exchanges (redirect, callback, token, userinfo): each request
    writes them together, in the order made, and /activity shows them all."""
    rp = lab()
    writes = []
    original = FileStore.append_all

    def counted(self, key, entries, limit, timeout):
        writes.append(len(entries))
        return original(self, key, entries, limit, timeout)

    monkeypatch.setattr(FileStore, "append_all", counted)
    rp.sign_in()
    assert writes and max(writes) >= 3 and len(writes) <= 2  # /login, then the callback
    labels = [entry["label"] for entry in rp.browser.get(rp.url + "/activity.json")
              .json()["exchanges"]]
    assert labels.index("token") > labels.index("userinfo")  # newest first


def test_a_file_log_is_trimmed_lazily_and_appends_without_rewriting(tmp_path, monkeypatch):
    store = FileStore(str(tmp_path), SEALER)
    monkeypatch.setattr("relying_party.delegation.store.TRIM_BYTES", 2000)
    path = store._log_path("trace:a")
    store.append("trace:a", {"n": 0}, 10, 3600)
    inode = os.stat(path).st_ino
    sizes = []
    for n in range(1, 60):
        store.append("trace:a", {"n": n}, 10, 3600)
        sizes.append(os.stat(path).st_size)
    assert sizes[:5] == sorted(sizes[:5])  # grown a line at a time, the same file
    assert os.stat(path).st_size < 2000 + 200 and os.stat(path).st_ino != inode  # trimmed
    assert [entry["n"] for entry in store.entries("trace:a", 10)] == list(range(59, 49, -1))
    assert os.listdir(tmp_path / "locks") == []


def test_a_file_log_expires_unless_written_and_is_swept(tmp_path):
    clock = Clock()
    store = FileStore(str(tmp_path), SEALER, clock=clock)
    store.append("trace:old", {"n": 1}, 10, 60)
    store.append("trace:kept", {"n": 1}, 10, 60)
    clock.now += 50
    store.append("trace:kept", {"n": 2}, 10, 60)  # each entry gives the log its time again
    clock.now += 20
    assert store.entries("trace:kept", 10) == [{"n": 2}, {"n": 1}]
    assert store.purge() == 1
    assert store.entries("trace:old", 10) == []


def test_log_entries_are_sealed_at_rest(log_store):
    store, _clock = log_store
    store.append("trace:s", {"token": "AT-very-secret-123"}, 10, 60)
    if isinstance(store, FileStore):
        raw = pathlib.Path(store._log_path("trace:s")).read_bytes()
    else:
        raw = b"".join(store.client.lrange(store.prefix + "log:trace:s", 0, -1))
    assert b"AT-very-secret-123" not in raw and store.entries("trace:s", 10)[0]["token"] \
        == "AT-very-secret-123"
    other = FileStore(str(store.data_dir).rsplit("/", 1)[0], Sealer.from_secret(
        "another-secret-0123456789")) if isinstance(store, FileStore) else RedisStore(
        store.client, Sealer.from_secret("another-secret-0123456789"), store.prefix)
    assert other.entries("trace:s", 10) == []  # another key opens nothing


def test_concurrent_appends_lose_nothing_between_trims(log_store):
    store, _clock = log_store

    def write(thread: int) -> None:
        for n in range(50):
            store.append("trace:c", {"thread": thread, "n": n}, 1000, 3600)

    workers = [threading.Thread(target=write, args=(t,)) for t in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    found = store.entries("trace:c", 1000)
    assert sorted((e["thread"], e["n"]) for e in found) == [(t, n) for t in range(6)
                                                            for n in range(50)]


def test_a_batch_is_one_sealed_item_and_logs_of_single_entries_still_read(log_store):
    """A request's entries are sealed together, as one line or list item; an item that holds
    one entry (as logs were written before batches) reads as that entry, in its place."""
    store, _clock = log_store
    if isinstance(store, FileStore):
        with open(store._log_path("trace:m"), "a", encoding="utf-8") as log:
            log.write(SEALER.seal({"n": 0}) + "\n")
        os.utime(store._log_path("trace:m"), (0, 4_000_000_000))
    else:
        store.client.lpush(store.prefix + "log:trace:m", SEALER.seal({"n": 0}))
    store.append_all("trace:m", [{"n": 1}, {"n": 2}, {"n": 3}], 10, 3600)
    if isinstance(store, FileStore):
        items = pathlib.Path(store._log_path("trace:m")).read_bytes().splitlines()
    else:
        items = store.client.lrange(store.prefix + "log:trace:m", 0, -1)
    assert len(items) == 2
    assert [entry["n"] for entry in store.entries("trace:m", 10)] == [3, 2, 1, 0]
    assert [entry["n"] for entry in store.entries("trace:m", 2)] == [3, 2]


# -- taking a value (a sign-in flow works once) -----------------------------------------------

@pytest.fixture
def value_store(log_store):
    """The same two stores as ``log_store``, without its clock."""
    return log_store[0]


def test_a_taken_value_is_gone_and_only_one_of_many_takers_gets_it(value_store):
    store = value_store
    store.set("flow:t", {"state": "t"}, 60)
    assert store.take("flow:t") == {"state": "t"}
    assert store.take("flow:t") is None and store.get("flow:t") is None
    assert store.take("flow:never") is None

    for round_ in range(20):
        store.set(f"flow:{round_}", {"round": round_}, 60)
        start, got = threading.Barrier(4), []

        def take(key=f"flow:{round_}", start=start, got=got):
            start.wait()
            got.append(store.take(key))

        takers = [threading.Thread(target=take) for _ in range(4)]
        for taker in takers:
            taker.start()
        for taker in takers:
            taker.join()
        assert sorted(got, key=lambda value: value is None) == [{"round": round_}, None, None,
                                                                 None]
    if isinstance(store, FileStore):
        assert os.listdir(pathlib.Path(store.data_dir)) == []  # nothing taken is left behind


def test_an_expired_value_cannot_be_taken_and_leftovers_of_a_taker_are_swept(tmp_path):
    clock = Clock()
    store = FileStore(str(tmp_path), SEALER, clock=clock)
    store.set("flow:old", {"state": "old"}, 60)
    clock.now += 61
    assert store.take("flow:old") is None
    leftover = pathlib.Path(store._path("flow:x") + ".123-456.taken")  # a taker that died
    leftover.write_text("{}")
    os.utime(leftover, (clock.now - 7200, clock.now - 7200))
    store.purge()
    assert os.listdir(tmp_path / "data") == []
