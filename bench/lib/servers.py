"""Servers as child processes in process groups of their own, always stopped.

    with Servers(work) as servers:
        app = servers.gunicorn("relying_party:create_app()", env, port=free_port())
        app.workers()    # the worker processes (psutil), whose CPU and memory the rows measure

The relying parties are served by gunicorn with the production settings of issue #12
(``--workers 1 --threads 4``, gthread) unless a row says otherwise; every server runs from a
folder of its own (so no ``.env`` of the checkout is read), its output in ``<name>.log`` there.
"""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import psutil
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so ``finally`` blocks stop the servers when make is killed."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class Server:
    """One server process (its own process group) answering at ``url``."""

    def __init__(self, name: str, process: subprocess.Popen, url: str, log: pathlib.Path):
        self.name, self.process, self.url, self.log = name, process, url, log

    def workers(self) -> list[psutil.Process]:
        """The processes that serve requests: gunicorn's workers (the master only forks)."""
        children = psutil.Process(self.process.pid).children(recursive=True)
        return children or [psutil.Process(self.process.pid)]

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the workers so far."""
        total = 0.0
        for worker in self.workers():
            times = worker.cpu_times()
            total += times.user + times.system
        return total

    def wait_up(self, path: str, seconds: float = 60) -> None:
        """Return once ``path`` answers below 500; exit naming the server and its log if not."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited with {self.process.returncode}; see {self.log}:\n"
                         + self.log.read_text()[-3000:])
            try:
                if requests.get(self.url + path, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        sys.exit(f"{self.name} did not answer at {self.url}{path}; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


class Servers:
    """Starts servers under ``work`` and stops every one of them on exit, whatever happened."""

    def __init__(self, work: pathlib.Path):
        self.work = work
        self.started: list[Server] = []

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc) -> None:
        for server in reversed(self.started):
            server.stop()

    def gunicorn(self, name: str, spec: str, env: dict, port: int, workers: int = 1,
                 threads: int = 4) -> Server:
        """Serve the WSGI ``spec`` (``module:factory()``) on 127.0.0.1:``port``."""
        return self.command(name, ["-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                                   "--worker-class", "gthread", "--workers", str(workers),
                                   "--threads", str(threads), "--pythonpath", str(ROOT),
                                   "--timeout", "300", "--graceful-timeout", "5",
                                   "--log-level", "warning", spec], env, port)

    def command(self, name: str, arguments: list[str], env: dict, port: int) -> Server:
        """Run ``python arguments…`` as a server on 127.0.0.1:``port`` (from ``work/name``)."""
        folder = self.work / name
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / f"{name}.log"
        command = [sys.executable, *arguments]
        env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT),
                                                                  os.environ.get("PYTHONPATH"))))}
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=folder, env={**os.environ, **env},
                                       stdout=output, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        server = Server(name, process, f"http://127.0.0.1:{port}", log)
        self.started.append(server)
        return server
