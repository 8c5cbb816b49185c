"""A 150 MB JAR deployed through the app's /deploy against the same JAR uploaded straight to the
sandbox's CloudHub API: throughput ratio, and the app's peak memory growth.

    .venv/bin/python bench/upload.py [--quick] [--rounds 5] [--mb 150]

The app (gunicorn, ``--workers 1 --threads 4``) is signed in as the seeded developer with the
Runtime Manager scopes, through the sandbox's pages. hello-mule is padded to ``--mb`` with the
sample's own builder. After a small warm-up deploy each way, every round (interleaved):

1. resets the app worker's peak RSS (``/proc/<pid>/clear_refs``) and POSTs the JAR to /deploy
   as the form does (multipart, streamed from disk); growth = VmHWM after − VmRSS before;
2. uploads it to ``POST /cloudhub/api/v2/applications`` with a client-credentials token of the
   seeded "CI Deployer" app (the same streamed body);
3. deletes both applications.

Throughput is the JAR's size over the time to the answer (the app's 303, the sandbox's 200);
the row gives the medians, their ratio, and the largest growth of any round. Linux only (/proc).
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from bench.lib.browser import new_browser, sign_in  # noqa: E402
from bench.lib.counting import BENCH_AGENT  # noqa: E402
from bench.lib.multipart import StreamedForm  # noqa: E402
from bench.lib.report import Row, arguments, median, ratio, ratio_text, verdict  # noqa: E402
from bench.lib.rps import Ports, start_app  # noqa: E402
from bench.lib.sandbox import start_sandbox  # noqa: E402
from bench.lib.servers import ROOT, Servers, stop_on_sigterm  # noqa: E402

MB = 1024 * 1024
RATIO_TARGET, GROWTH_BUDGET_MB = 0.8, 50
SCOPES = ("openid profile email offline_access view:environment read:applications "
          "create:applications manage:application_settings delete:applications")


def memory_kb(pid: int, field: str) -> int:
    """VmRSS or VmHWM of ``pid`` in kB, from /proc/<pid>/status."""
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0: write 5 to clear_refs)."""
    try:
        pathlib.Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def post(session: requests.Session, url: str, fields: list, jar: pathlib.Path,
         headers: dict | None = None) -> tuple[requests.Response, float]:
    body = StreamedForm(fields, "file", jar)
    started = time.perf_counter()
    answer = session.post(url, data=body, allow_redirects=False, timeout=600,
                          headers={"Content-Type": body.content_type, **(headers or {})})
    return answer, time.perf_counter() - started


class Deployer:
    """Both ways of deploying a JAR, and the clean-up."""

    def __init__(self, app, sandbox):
        self.app, self.sandbox = app, sandbox
        self.env_id = sandbox.environment_id("Sandbox")
        self.browser = new_browser()
        callback = sign_in(self.browser, app.url + "/login", sandbox.user("developer"),
                           scope=SCOPES)
        self.browser.get(app.url + callback.headers["Location"], timeout=30)
        self.api = requests.Session()
        self.api.headers.update({
            "User-Agent": BENCH_AGENT, "X-ANYPNT-ENV-ID": self.env_id,
            "X-ANYPNT-ORG-ID": sandbox.seed["organization"]["id"],
            "Authorization": f"Bearer {sandbox.client_credentials_token()}"})

    def through_app(self, jar: pathlib.Path, name: str) -> float:
        page = self.browser.get(self.app.url + "/deploy", timeout=30).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        fields = [("csrf_token", csrf), ("environment", self.env_id), ("name", name),
                  ("runtime", "4.9.0"), ("worker_size", "Micro"), ("workers", "1"),
                  ("region", "us-east-1"), ("properties", "bench=true")]
        answer, seconds = post(self.browser, self.app.url + "/deploy", fields, jar)
        if answer.status_code != 303:
            sys.exit(f"deploy through the app answered {answer.status_code}: {answer.text[:300]}")
        return seconds

    def direct(self, jar: pathlib.Path, name: str) -> float:
        info = json.dumps({"domain": name, "muleVersion": {"version": "4.9.0"},
                           "workers": {"amount": 1, "type": {"name": "Micro"}}})
        answer, seconds = post(self.api, self.sandbox.url + "/cloudhub/api/v2/applications",
                               [("appInfoJson", info), ("autoStart", "true")], jar)
        if answer.status_code != 200:
            sys.exit(f"the upload to the sandbox answered {answer.status_code}: "
                     f"{answer.text[:300]}")
        return seconds

    def delete(self, name: str) -> None:
        self.api.delete(f"{self.sandbox.url}/cloudhub/api/v2/applications/{name}", timeout=30)


def main() -> int:
    args = arguments(__doc__.splitlines()[0], rounds=5, mb=150)
    if args.quick:
        args.mb = min(args.mb, 20)
    stop_on_sigterm()
    sys.path.insert(0, str(ROOT / "samples" / "hello-mule"))
    from build_jar import build  # the sample's own builder

    ports = Ports()
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as folder, \
            Servers(pathlib.Path(folder)) as servers:
        work = pathlib.Path(folder)
        sandbox = start_sandbox(servers, ports.callbacks(), SANDBOX_DEPLOY_SECONDS=0.5,
                                SANDBOX_MAX_UPLOAD_MB=args.mb + 50)
        app = start_app(servers, sandbox, ports.app, HTTP_TIMEOUT=60, UPLOAD_ANSWER_TIMEOUT=120,
                        DEPLOY_MAX_UPLOAD_MB=args.mb + 40)
        deployer = Deployer(app, sandbox)
        small, big = build(work / "warm-up.jar"), build(work / "big.jar", pad_mb=args.mb)
        size_mb = big.stat().st_size / MB
        for deploy, name in ((deployer.through_app, "bench-warm-app"),
                             (deployer.direct, "bench-warm-direct")):
            deploy(small, name)
            deployer.delete(name)
        worker = app.workers()[0].pid
        rates: dict[str, list[float]] = {"app": [], "direct": []}
        growths, exact = [], True
        for number in range(1, args.rounds + 1):
            exact = reset_peak(worker) and exact
            before = memory_kb(worker, "VmRSS" if exact else "VmHWM")
            rates["app"].append(size_mb / deployer.through_app(big, f"bench-app-{number}"))
            growths.append((memory_kb(worker, "VmHWM") - before) / 1024)
            rates["direct"].append(size_mb / deployer.direct(big, f"bench-direct-{number}"))
            for name in (f"bench-app-{number}", f"bench-direct-{number}"):
                deployer.delete(name)
            print(f"  round {number}: through the app {rates['app'][-1]:.0f} MB/s (peak growth "
                  f"{growths[-1]:.1f} MB), straight {rates['direct'][-1]:.0f} MB/s", flush=True)
    app_rate, direct_rate, growth = median(rates["app"]), median(rates["direct"]), max(growths)
    factor = ratio(app_rate, direct_rate)
    Row(f"{size_mb:.0f} MB JAR through the app vs straight to the platform",
        f"{app_rate:.0f} MB/s, peak memory growth {growth:.1f} MB"
        + ("" if exact else " (peak not resettable: measured from the earlier peak)"),
        f"{direct_rate:.0f} MB/s", ratio_text(factor),
        f"≥ {RATIO_TARGET}, peak memory growth < {GROWTH_BUDGET_MB} MB",
        verdict(factor >= RATIO_TARGET and growth < GROWTH_BUDGET_MB)).emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
