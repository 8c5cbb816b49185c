"""Refresh storm: 50 concurrent requests of one session at the moment its access token is due,
served by 2 processes sharing Redis sessions — the app against Authlib's documented auto-refresh
(``OAuth(fetch_token=..., update_token=...)`` in the plain Flask + Authlib RP).

    .venv/bin/python bench/refresh_storm.py [--quick] [--rounds 3] [--wait 12]

The sandbox issues access tokens for 60 + ``--wait`` seconds; both relying parties consider a
token due 60 s before it expires (the app's REFRESH_MARGIN_SECONDS, Authlib's default leeway), so
``--wait`` seconds after the sign-in. Then 50 threads, each with its own connection, send ``GET
/`` with the session's cookie at once (both pages call the platform with the token). The sandbox
counts the refresh grants it answered (granted, refused); a last ``GET /`` tells whether the
session survived. Rounds sign in afresh; the sandbox's rotation and reuse detection are Anypoint's
(a rotated refresh token presented again revokes the whole grant).
"""

from __future__ import annotations

import http.client
import pathlib
import sys
import tempfile
import threading
import time
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.lib.browser import cookie_header, new_browser, sign_in  # noqa: E402
from bench.lib.counting import BENCH_AGENT  # noqa: E402
from bench.lib.report import Row, arguments, verdict  # noqa: E402
from bench.lib.rps import (  # noqa: E402
    APP_COOKIE,
    AUTHLIB_COOKIE,
    Ports,
    forget_redis_keys,
    redis_prefix,
    start_app,
    start_authlib,
)
from bench.lib.sandbox import start_sandbox  # noqa: E402
from bench.lib.servers import Servers, stop_on_sigterm  # noqa: E402

STORM = 50
MARGIN = 60


def storm(url: str, cookie: str, requests_at_once: int) -> list[int]:
    """``requests_at_once`` GET / released together; their status codes (0: no answer)."""
    parts = urlsplit(url)
    ready = threading.Barrier(requests_at_once)
    statuses = [0] * requests_at_once

    def one(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            connection.connect()
            ready.wait()
            connection.request("GET", "/", headers={"Cookie": cookie,
                                                    "User-Agent": BENCH_AGENT + " (storm)"})
            response = connection.getresponse()
            response.read()
            statuses[index] = response.status
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError):
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(index,)) for index in range(requests_at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def signed_in(rp, cookie_name: str, user: dict) -> tuple[str, float]:
    """A fresh session at ``rp`` (first page seen); its cookie and when its token was issued."""
    browser = new_browser()
    callback = sign_in(browser, rp.url + "/login", user)
    issued = time.monotonic()
    browser.get(urljoin(rp.url, callback.headers["Location"]), timeout=30).raise_for_status()
    return cookie_header(browser, cookie_name), issued


def survived(url: str, cookie: str) -> bool:
    """The session still works: ``/`` answers 200 (both pages then show the signed-in user)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", "/", headers={"Cookie": cookie, "User-Agent": BENCH_AGENT})
        response = connection.getresponse()
        return response.status == 200 and b"Sign in with Anypoint" not in response.read()
    finally:
        connection.close()


def describe(results: list[dict]) -> str:
    def each(key):
        return "/".join(str(result[key]) for result in results)

    for result in results:
        result["asked"] = result["granted"] + result["refused"]
    kept = sum(result["kept"] for result in results)
    answered = "/".join(f"{result['ok']}×200" for result in results)
    return (f"{each('asked')} refresh grant(s), {each('refused')} refused; {answered} of "
            f"{STORM}; session " + ("kept" if kept == len(results) else
                                    "lost" if not kept else f"kept in {kept}/{len(results)}"))


def main() -> int:
    args = arguments(__doc__.splitlines()[0], rounds=3, quick_rounds=1, wait=12.0)
    stop_on_sigterm()
    ports, prefix = Ports(), redis_prefix("storm")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-storm-") as folder, \
                Servers(pathlib.Path(folder)) as servers:
            sandbox = start_sandbox(servers, ports.callbacks(),
                                    SANDBOX_ACCESS_TOKEN_TTL=int(MARGIN + args.wait))
            sides = {
                "app": (start_app(servers, sandbox, ports.app, "redis", prefix, workers=2,
                                  REFRESH_MARGIN_SECONDS=MARGIN), APP_COOKIE),
                "authlib": (start_authlib(servers, sandbox, ports.authlib, "redis", prefix,
                                          workers=2), AUTHLIB_COOKIE)}
            user = sandbox.user("admin")
            results: dict[str, list[dict]] = {side: [] for side in sides}
            for number in range(1, args.rounds + 1):
                sessions = {side: signed_in(rp, cookie, user)
                            for side, (rp, cookie) in sides.items()}
                due = max(issued for _, issued in sessions.values()) + args.wait + 0.5
                time.sleep(max(0.0, due - time.monotonic()))
                for side, (rp, _) in sides.items():
                    sandbox.reset_calls()
                    statuses = storm(rp.url, sessions[side][0], STORM)
                    refreshes = sandbox.calls(status=True)
                    granted = sum(count for (name, status), count in refreshes.items()
                                  if name == "token:refresh_token" and status == 200)
                    refused = sum(count for (name, status), count in refreshes.items()
                                  if name == "token:refresh_token" and status != 200)
                    results[side].append({"granted": granted, "refused": refused,
                                          "ok": statuses.count(200),
                                          "kept": survived(rp.url, sessions[side][0])})
                    print(f"  round {number} {side}: {results[side][-1]}", flush=True)
    finally:
        forget_redis_keys(prefix)
    app_ok = all(r["granted"] == 1 and r["refused"] == 0 and r["ok"] == STORM and r["kept"]
                 for r in results["app"])
    Row(f"refresh storm, {STORM} concurrent requests at expiry, 2 processes on Redis",
        describe(results["app"]),
        "Authlib's documented auto-refresh: " + describe(results["authlib"]), "—",
        "exactly 1 (met: keep it)", verdict(app_ok)).emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
