"""The load generator: one client per session cookie, each a thread with its own keep-alive
``http.client`` connection, in a process of its own (not the benchmark's, not the server's).

``http.client`` rather than ``requests``: it costs a fraction of the CPU per request, and the
generator shares the machine's cores with the servers it measures. :func:`ceiling` shows what it
reaches against a page that does nothing, and every :class:`Result` says how much of a core the
generator itself used.

    with LoadGenerator() as load:
        result = load.run("http://127.0.0.1:5000", "/", cookies, seconds=5)
        result.rate, result.p50_ms, result.failures
"""

from __future__ import annotations

import http.client
import multiprocessing
import statistics
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from .counting import BENCH_AGENT


@dataclass(frozen=True)
class Result:
    requests: int
    failures: int  # answers other than 200, and requests that raised
    seconds: float
    p50_ms: float
    p90_ms: float
    first_failure: str
    cpu_seconds: float  # the generator's own CPU time over the round (all its threads)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def generator_load(self) -> float:
        """The share of one core the generator used: far below 1, it was not the bottleneck."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def _client(host: str, port: int, path: str, cookie: str | None, deadline: float,
            count: int | None, latencies: list, failures: list) -> None:
    headers = {"User-Agent": BENCH_AGENT + " (load)", "Accept": "text/html,application/json"}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection(host, port, timeout=60)
    sent = 0
    while (sent < count) if count is not None else (time.monotonic() < deadline):
        sent += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{response.status} for {path}")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{type(error).__name__}: {error}")
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=60)
        latencies.append(time.perf_counter() - started)
    connection.close()


def hammer(base_url: str, path: str, cookies: list[str | None], seconds: float,
           count: int | None = None) -> Result:
    """Run one client per cookie against ``path`` for ``seconds`` (or ``count`` requests each,
    however long they take); in the generator process."""
    parts = urlsplit(base_url)
    latencies: list[float] = []
    failures: list[str] = []
    cpu = time.process_time()
    started = time.monotonic()
    deadline = started + seconds
    clients = [threading.Thread(target=_client, args=(parts.hostname, parts.port, path, cookie,
                                                      deadline, count, latencies, failures))
               for cookie in cookies]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.monotonic() - started  # until the last answer in flight at the deadline
    ordered = sorted(latencies) or [0.0]
    return Result(len(latencies), len(failures), elapsed,
                  statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.9)] * 1000,
                  failures[0] if failures else "", time.process_time() - cpu)


class LoadGenerator:
    """A generator process kept for the whole run (started once, not per round)."""

    def __enter__(self) -> LoadGenerator:
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self.pool.submit(time.sleep, 0).result()  # started before the first round is timed
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(cancel_futures=True)

    def run(self, base_url: str, path: str, cookies: list[str | None], seconds: float = 0,
            count: int | None = None) -> Result:
        return self.pool.submit(hammer, base_url, path, cookies, seconds, count).result()
