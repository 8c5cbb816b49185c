"""Production serving: the app under gunicorn with gunicorn.conf.py, two worker processes on
Redis sessions; a browser signed in through one worker is still signed in once that worker is
gone and another serves it."""

from __future__ import annotations

import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.support.labs import SECRET_KEY, sign_in_at
from tests.support.sandbox import run_sandbox

ROOT = pathlib.Path(__file__).resolve().parents[2]
GUNICORN = pathlib.Path(sys.executable).with_name("gunicorn")


def wait_for_pid(log: pathlib.Path, path: str) -> int:
    """The pid of the worker that logged the last GET of path (gunicorn writes after answering)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        served = re.findall(rf'"GET {re.escape(path)}" \d+ .*pid=<(\d+)>', log.read_text())
        if served:
            return int(served[-1])
        time.sleep(0.02)
    raise AssertionError(f"no GET {path} in the access log: {log.read_text()[-2000:]}")


def wait_until_gone(pid: int) -> None:
    deadline = time.monotonic() + 20
    while pathlib.Path(f"/proc/{pid}").exists():
        assert time.monotonic() < deadline, f"worker {pid} still running"
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.redis
def test_signed_in_through_one_worker_and_served_by_another(tmp_path, redis_url, redis_prefix):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = run_sandbox(tmp_path / "sandbox.db", redirect_uris=[url + "/auth/callback"])
    log = tmp_path / "access.log"
    lab = sandbox.app_named("Connected App Lab")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8",
           "ANYPOINT_URL": sandbox.url, "ANYPOINT_CLIENT_ID": lab["client_id"],
           "ANYPOINT_CLIENT_SECRET": lab["client_secret"],
           "ANYPOINT_REDIRECT_URI": url + "/auth/callback", "SECRET_KEY": SECRET_KEY,
           "SESSION_BACKEND": "redis", "REDIS_URL": redis_url, "REDIS_PREFIX": redis_prefix,
           "APP_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "APP_THREADS": "2",
           "APP_ACCESS_LOG": str(log), "INSTANCE_PATH": str(tmp_path / "instance")}
    server = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"),
                               "--pythonpath", str(ROOT), "app:app"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or a worker still starting
                pass
            assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
            time.sleep(0.1)
        browser = requests.Session()
        page = sign_in_at(browser, url, sandbox.user("developer"))
        assert page.status_code == 200 and "Hello," in page.text
        signed_in_by = wait_for_pid(log, "/auth/callback")
        # The worker that signed the browser in goes away; the master starts another.
        os.kill(signed_in_by, signal.SIGTERM)
        wait_until_gone(signed_in_by)
        state = browser.get(url + "/session.json", timeout=10).json()
        assert state["authenticated"] is True
        assert wait_for_pid(log, "/session.json") != signed_in_by
        assert "code=" not in log.read_text()  # no query string, no code, in the access log
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
        server.stderr.close()
        sandbox.stop()
