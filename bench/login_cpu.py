"""CPU time of the relying party per full sign-in: the app against a plain Flask + Authlib RP as
Authlib's docs show it, same sandbox, same session backend (filesystem), interleaved rounds.

    .venv/bin/python bench/login_cpu.py [--quick] [--rounds 5] [--logins 30]

A full sign-in is what a browser does from the relying party's ``/login`` to its callback's
answer: the redirect to the sandbox, the sandbox's pages (it remembers the person and the consent
after the first sign-in, as it would a returning user), and the callback, where the app checks
everything, calls userinfo and keeps the protocol trace, and Authlib checks the ID token. The
first page after it is not part of it. Each sign-in starts from a fresh relying-party session
(its cookie dropped). The figure is the relying party's worker CPU time over a round's sign-ins
divided by their number; the row gives the medians over the rounds and their ratio.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.lib.browser import forget_cookie, new_browser, sign_in  # noqa: E402
from bench.lib.report import Row, arguments, median, ratio, ratio_text, verdict  # noqa: E402
from bench.lib.rps import (  # noqa: E402
    APP_COOKIE,
    AUTHLIB_COOKIE,
    Ports,
    start_app,
    start_authlib,
)
from bench.lib.sandbox import start_sandbox  # noqa: E402
from bench.lib.servers import Servers, stop_on_sigterm  # noqa: E402

TARGET = 1.3


def sign_ins(rp, cookie: str, browser, user: dict, count: int) -> tuple[float, float]:
    """``count`` full sign-ins; (RP CPU ms, wall ms) per sign-in."""
    cpu, started = rp.cpu_seconds(), time.perf_counter()
    for _ in range(count):
        forget_cookie(browser, cookie)
        sign_in(browser, rp.url + "/login", user)
    wall = time.perf_counter() - started
    return (rp.cpu_seconds() - cpu) * 1000 / count, wall * 1000 / count


def main() -> int:
    args = arguments(__doc__.splitlines()[0], rounds=5, logins=30)
    if args.quick:
        args.logins = min(args.logins, 3)
    stop_on_sigterm()
    ports = Ports()
    with tempfile.TemporaryDirectory(prefix="bench-login-") as folder, \
            Servers(pathlib.Path(folder)) as servers:
        sandbox = start_sandbox(servers, ports.callbacks())
        sides = {"app": (start_app(servers, sandbox, ports.app), APP_COOKIE),
                 "authlib": (start_authlib(servers, sandbox, ports.authlib), AUTHLIB_COOKIE)}
        user = sandbox.user("admin")
        browser = new_browser()
        for rp, cookie in sides.values():  # warm: discovery and keys fetched, consent given
            sign_ins(rp, cookie, browser, user, 2)
        figures: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        for number in range(1, args.rounds + 1):
            for side, (rp, cookie) in sides.items():
                figures[side].append(sign_ins(rp, cookie, browser, user, args.logins))
            print(f"  round {number}: app {figures['app'][-1][0]:.1f} ms CPU a sign-in, "
                  f"Authlib {figures['authlib'][-1][0]:.1f} ms", flush=True)
    cpu = {side: median(cpu for cpu, _ in rounds) for side, rounds in figures.items()}
    wall = {side: median(wall for _, wall in rounds) for side, rounds in figures.items()}
    factor = ratio(cpu["app"], cpu["authlib"])
    Row("RP CPU per full login", f"{cpu['app']:.1f} ms ({wall['app']:.0f} ms wall)",
        f"plain Flask + Authlib RP, as its docs show, same provider: {cpu['authlib']:.1f} ms "
        f"({wall['authlib']:.0f} ms wall)", ratio_text(factor),
        f"≤ {TARGET} (with every check, the userinfo call and the trace)",
        verdict(factor <= TARGET)).emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
