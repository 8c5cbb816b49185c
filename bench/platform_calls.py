"""Platform calls the app makes: for a warm sign-in and its first page, and per repeat view of
`/` and `/access`, counted at the sandbox (its call counter tells the app's calls from the
benchmark's browser by User-Agent).

    .venv/bin/python bench/platform_calls.py [--quick] [--views 10]

Warm: the app has served one sign-in and page before (discovery and keys may be cached), and the
sandbox remembers the person and the consent, as for a returning user; the sign-in starts from a
fresh app session. Target: token, userinfo, me and environments each at most once (me and
environments may be fetched during the sign-in, for the first page), nothing else; and no call at
all on a repeat view while the cache is fresh.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
from urllib.parse import urljoin

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bench.lib.browser import forget_cookie, new_browser, sign_in  # noqa: E402
from bench.lib.report import Row, arguments, verdict  # noqa: E402
from bench.lib.rps import APP_COOKIE, Ports, start_app  # noqa: E402
from bench.lib.sandbox import start_sandbox  # noqa: E402
from bench.lib.servers import Servers, stop_on_sigterm  # noqa: E402

SIGN_IN_CALLS = ("token:authorization_code", "userinfo", "me", "environments")


def listed(calls) -> str:
    return ", ".join(f"{name} {count:g}" for name, count in sorted(calls.items())) or "none"


def sign_in_and_first_page(app, browser, user) -> None:
    forget_cookie(browser, APP_COOKIE)
    callback = sign_in(browser, app.url + "/login", user)
    page = browser.get(urljoin(app.url, callback.headers["Location"]), timeout=30)
    page.raise_for_status()


def main() -> int:
    args = arguments(__doc__.splitlines()[0], rounds=None, views=10)
    stop_on_sigterm()
    ports = Ports()
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as folder, \
            Servers(pathlib.Path(folder)) as servers:
        sandbox = start_sandbox(servers, ports.callbacks())
        app = start_app(servers, sandbox, ports.app)
        user, browser = sandbox.user("admin"), new_browser()
        sign_in_and_first_page(app, browser, user)  # the cold one
        sandbox.reset_calls()
        sign_in_and_first_page(app, browser, user)
        warm = sandbox.calls()
        ok = all(warm[name] <= 1 for name in SIGN_IN_CALLS) and set(warm) <= set(SIGN_IN_CALLS)
        Row("platform calls, warm login + its first page", listed(warm), "—", "—",
            "each at most once (the first page's me/environments may be fetched during "
            "sign-in into the cache)", verdict(ok)).emit()
        per_view = {}
        for path in ("/", "/access"):
            browser.get(app.url + path, timeout=30).raise_for_status()  # the first view
            sandbox.reset_calls()
            for _ in range(args.views):
                browser.get(app.url + path, timeout=30).raise_for_status()
            per_view[path] = {name: count / args.views
                              for name, count in sandbox.calls().items()}
        totals = [sum(calls.values()) for calls in per_view.values()]
        Row("platform calls per repeat view of `/` / `/access`",
            " / ".join(f"{total:g}" for total in totals) + " ("
            + "; ".join(f"{path}: {listed(calls)}" for path, calls in per_view.items()) + ")",
            "—", "—", "0 while the cache is fresh", verdict(not any(totals))).emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
