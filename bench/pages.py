"""Signed-in page throughput: `/`, `/access` and `/session.json` of the app against bare Flask +
Flask-Session rendering a page from session data, on filesystem and on Redis sessions.

    .venv/bin/python bench/pages.py [--quick] [--rounds 5] [--seconds 5] [--backend both]

Both are served by gunicorn with ``--workers 1 --threads 4``; the sandbox (the platform the app
calls) by gunicorn beside them. Eight clients, each signed in once before the rounds with a
session of its own (the app's through the sandbox's sign-in and consent pages, the baseline's by
its ``/login``), send requests for a fixed time per round, app and baseline interleaved (A B A
B …). Before the rounds each session views ``/`` ``--warm-views`` times (120: the app keeps a
protocol trace per session, capped at 200 exchanges, and a page costs what it costs once the
trace is full, as for anyone who has used the app for a while).

A row gives the medians over the rounds: req/s, p50 latency, the app worker's CPU time per view
(its CPU time over the round / views) and the platform calls it made per view (counted at the
sandbox), and the ratio of the app's median req/s to the baseline's.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.lib.browser import cookie_header, new_browser, sign_in  # noqa: E402
from bench.lib.load import LoadGenerator  # noqa: E402
from bench.lib.report import Row, arguments, median, ratio, ratio_text, verdict  # noqa: E402
from bench.lib.rps import (  # noqa: E402
    APP_COOKIE,
    BARE_COOKIE,
    forget_redis_keys,
    redis_prefix,
    start_app,
    start_bare,
)
from bench.lib.sandbox import start_sandbox  # noqa: E402
from bench.lib.servers import Servers, free_port, stop_on_sigterm  # noqa: E402

PAGES = (("/", "signed-in `/`", 0.6), ("/access", "signed-in `/access`", 0.6),
         ("/session.json", "`/session.json`", 0.9))


def measure(load, target, path: str, cookies: list[str], seconds: float, sandbox=None) -> dict:
    """One round against ``target``: req/s, p50, CPU ms and platform calls per view."""
    if sandbox:
        sandbox.reset_calls()
    cpu = target.cpu_seconds()
    result = load.run(target.url, path, cookies, seconds)
    cpu = target.cpu_seconds() - cpu
    views = max(result.requests, 1)
    calls = sum(sandbox.calls().values()) / views if sandbox else 0.0
    if result.failures:
        print(f"  ! {target.name} {path}: {result.failures} failed answers, first: "
              f"{result.first_failure}")
    return {"rate": result.rate, "p50": result.p50_ms, "cpu_ms": cpu * 1000 / views,
            "calls": calls, "failures": result.failures, "generator": result.generator_load}


def trace_length(url: str, cookie: str) -> str:
    """How many exchanges the session's protocol trace holds (``/activity.json``)."""
    try:
        body = requests.get(url + "/activity.json", headers={"Cookie": cookie},
                            timeout=30).json()
        return str(len(body["exchanges"] if isinstance(body, dict) else body))
    except (requests.RequestException, ValueError, TypeError, KeyError):
        return "?"


def pages_rows(args, servers, load, sandbox, app_port: int,
               backend: str) -> tuple[list[float], list[float]]:
    """Measure the three pages on ``backend``; emit their rows; return the baseline rates and
    the generator's load (share of a core) in every round."""
    prefix = redis_prefix("pages") if backend == "redis" else None
    try:
        app = start_app(servers, sandbox, app_port, backend, prefix)
        bare = start_bare(servers, free_port(), backend, prefix)
        admin = sandbox.user("admin")
        app_cookies, bare_cookies = [], []
        for _ in range(args.clients):
            browser = new_browser()
            sign_in(browser, app.url + "/login", admin)
            app_cookies.append(cookie_header(browser, APP_COOKIE))
            browser.get(bare.url + "/login", timeout=30).raise_for_status()
            bare_cookies.append(cookie_header(browser, BARE_COOKIE))
        warm = load.run(app.url, "/", app_cookies, count=args.warm_views)
        print(f"  {backend}: each session viewed / {args.warm_views} times before the rounds "
              f"({warm.rate:.1f} req/s, {trace_length(app.url, app_cookies[0])} entries in its "
              "protocol trace)", flush=True)
        rates, generator = [], []
        for path, name, target in PAGES:
            load.run(app.url, path, app_cookies, min(args.seconds, 2))  # warm-up, not counted
            load.run(bare.url, path, bare_cookies, min(args.seconds, 2))
            rounds = {"app": [], "bare": []}
            for number in range(1, args.rounds + 1):
                rounds["app"].append(measure(load, app, path, app_cookies, args.seconds,
                                             sandbox))
                rounds["bare"].append(measure(load, bare, path, bare_cookies, args.seconds))
                print(f"  {backend} {path} round {number}: app {rounds['app'][-1]['rate']:.1f} "
                      f"req/s, bare {rounds['bare'][-1]['rate']:.1f} req/s", flush=True)
            mid = {side: {key: median(r[key] for r in results) for key in results[0]}
                   for side, results in rounds.items()}
            app_mid, bare_mid = mid["app"], mid["bare"]
            factor = ratio(app_mid["rate"], bare_mid["rate"])
            failed = sum(r["failures"] for r in rounds["app"] + rounds["bare"])
            rates.append(bare_mid["rate"])
            generator += [r["generator"] for r in rounds["app"] + rounds["bare"]]
            Row(f"{name} req/s ({backend} sessions)",
                f"{app_mid['rate']:.1f} (p50 {app_mid['p50']:.0f} ms, {app_mid['cpu_ms']:.1f} ms "
                f"CPU a view, {app_mid['calls']:.2g} platform calls a view)"
                + (f", {failed} failed answers" if failed else ""),
                f"{bare_mid['rate']:.1f} (p50 {bare_mid['p50']:.0f} ms, "
                f"{bare_mid['cpu_ms']:.1f} ms CPU a view)",
                ratio_text(factor), f"≥ {target}", verdict(factor >= target and not failed)).emit()
        app.stop()
        bare.stop()
        return rates, generator
    finally:
        if prefix:
            forget_redis_keys(prefix)


def main() -> int:
    args = arguments(__doc__.splitlines()[0], rounds=5, seconds=5.0, backend="both", clients=8,
                     warm_views=120)
    if args.quick:
        args.warm_views = min(args.warm_views, 5)
    stop_on_sigterm()
    backends = ("filesystem", "redis") if args.backend == "both" else (args.backend,)
    ports = {backend: free_port() for backend in backends}
    with (tempfile.TemporaryDirectory(prefix="bench-pages-") as folder,
          Servers(pathlib.Path(folder)) as servers, LoadGenerator() as load):
        sandbox = start_sandbox(servers, [f"http://127.0.0.1:{port}/auth/callback"
                                          for port in ports.values()])
        baseline_rates, generator = [], []
        for backend in backends:
            rates, loads = pages_rows(args, servers, load, sandbox, ports[backend], backend)
            baseline_rates += rates
            generator += loads
        bare = start_bare(servers, free_port())
        ceiling = median(load.run(bare.url, "/ping", [None] * args.clients, args.seconds).rate
                         for _ in range(3))
        Row(f"load generator ({args.clients} clients, http.client, a process of its own)",
            f"used at most {max(generator):.0%} of a core in any round", f"bare Flask `/ping`, "
            f"no session: {ceiling:.0f} req/s", "—",
            "above every baseline, well under a core: not the bottleneck",
            verdict(ceiling > max(baseline_rates) and max(generator) < 0.6)).emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
