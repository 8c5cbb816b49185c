"""Upload benchmark: deploy a 150 MB JAR through the relying party and measure its memory.

    python bench/upload_memory.py [--mb 150] [--budget-mb 50]

Starts the Anypoint sandbox and the relying party as two processes on free ports of 127.0.0.1,
signs in as the seeded developer through the sandbox's own pages (requests, no browser), builds
hello-mule padded to --mb with the sample's builder, then:

1. warms the app up with one small deploy (so imports and first-use caches are not counted);
2. resets the app process's peak RSS (/proc/<pid>/clear_refs) and POSTs the big JAR to /deploy
   exactly as the form does (multipart, streamed from disk by this client too);
3. reads the app's VmHWM: peak growth = VmHWM after - VmRSS before;
4. uploads the same file straight to the sandbox's POST /cloudhub/api/v2/applications (a
   client-credentials token of the seeded "CI Deployer" app) for the throughput comparison.

The last line holds the figures; the exit status is 1 when the growth is over budget (or the
deploy failed). Linux only (/proc). Not part of the test suite; `make bench` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time
from html import unescape
from urllib.parse import urljoin

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402 - after the path, so the bench runs from any folder

from relying_party.anypoint.multipart import FilePart, MultipartBody  # noqa: E402

MB = 1024 * 1024
SCOPES = ("openid profile email offline_access view:environment read:applications "
          "create:applications manage:application_settings delete:applications")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def wait_up(url: str, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{name} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.2)
    sys.exit(f"{name} did not answer at {url}")


def serve_app(port: int) -> None:
    """Child process: the relying party from the environment, threaded, on ``port``."""
    from werkzeug.serving import make_server

    from relying_party import create_app

    make_server("127.0.0.1", port, create_app(env_file=None), threaded=True).serve_forever()


def post_form(session: requests.Session, page: requests.Response, **fields):
    """Submit the first form of ``page`` with its hidden fields plus ``fields``."""
    form = re.search(r"<form([^>]*)>(.*?)</form>", page.text, re.S)
    action = re.search(r'action="([^"]*)"', form.group(1))
    hidden = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                             form.group(2)))
    data = {k: unescape(v) for k, v in hidden.items()} | fields
    target = urljoin(page.url, unescape(action.group(1)) if action else "")
    return session.post(target, data=data, timeout=30)


def sign_in(app_url: str, user: dict) -> requests.Session:
    browser = requests.Session()
    page = browser.get(app_url + "/login", params={"scope": SCOPES}, timeout=30)
    if 'name="password"' in page.text:
        page = post_form(browser, page, username=user["username"], password=user["password"])
    if 'name="decision"' in page.text:
        page = post_form(browser, page, decision="allow")
    if page.url != app_url + "/":
        sys.exit(f"Signing in failed at {page.url} ({page.status_code})")
    return browser


def upload(session, url: str, fields: list, jar: pathlib.Path, headers=None):
    """POST ``fields`` and the JAR as multipart/form-data, streamed; (response, seconds)."""
    with jar.open("rb") as stream:
        body = MultipartBody(fields, [FilePart("file", jar.name, stream,
                                               "application/java-archive")])
        started = time.monotonic()
        answer = session.post(url, data=body, allow_redirects=False, timeout=600,
                              headers={"Content-Type": body.content_type, **(headers or {})})
        return answer, time.monotonic() - started


def deploy_fields(browser, app_url: str, env_id: str, name: str) -> list[tuple[str, str]]:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                     browser.get(app_url + "/deploy", timeout=30).text).group(1)
    return [("csrf_token", csrf), ("environment", env_id), ("name", name), ("runtime", "4.9.0"),
            ("worker_size", "Micro"), ("workers", "1"), ("region", "us-east-1"),
            ("properties", "bench=true")]


def run(args, work: pathlib.Path) -> int:
    sandbox_port, app_port = free_port(), free_port()
    sandbox_url, app_url = f"http://127.0.0.1:{sandbox_port}", f"http://127.0.0.1:{app_port}"
    sandbox_env = {**os.environ, "SANDBOX_DATABASE_URL": f"sqlite:///{work / 'sandbox.db'}",
                   "SANDBOX_BASE_URL": sandbox_url, "SANDBOX_UPLOAD_DIR": str(work / "uploads"),
                   "SANDBOX_MAX_UPLOAD_MB": str(args.mb + 50), "SANDBOX_DEPLOY_SECONDS": "0.5"}
    seeded = subprocess.run([sys.executable, "-m", "flask", "--app", "anypoint_sandbox", "seed",
                             "--json", "--redirect-uri", app_url + "/auth/callback"], cwd=ROOT,
                            env=sandbox_env, capture_output=True, text=True, check=True)
    seed = json.loads(seeded.stdout)
    lab = next(app for app in seed["apps"] if app["name"] == "Connected App Lab")
    ci = next(app for app in seed["apps"] if app["name"] == "CI Deployer")
    env_id = next(e["id"] for e in seed["organization"]["environments"] if e["name"] == "Sandbox")
    app_env = {**os.environ, "ANYPOINT_URL": sandbox_url, "ANYPOINT_CLIENT_ID": lab["client_id"],
               "ANYPOINT_CLIENT_SECRET": lab["client_secret"],
               "ANYPOINT_REDIRECT_URI": app_url + "/auth/callback",
               "ANYPOINT_POST_LOGOUT_REDIRECT_URI": app_url + "/", "HTTP_TIMEOUT": "120",
               "SECRET_KEY": "bench-secret-key-0123456789", "INSTANCE_PATH": str(work / "app")}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": ROOT}
    sandbox = subprocess.Popen([sys.executable, "-m", "anypoint_sandbox", "--host", "127.0.0.1",
                                "--port", str(sandbox_port)], env=sandbox_env, **quiet)
    app = subprocess.Popen([sys.executable, __file__, "--serve-app", str(app_port)], env=app_env,
                           **quiet)
    try:
        wait_up(sandbox_url + "/accounts/api/v2/oauth2/.well-known/openid-configuration",
                sandbox, "the sandbox")
        wait_up(app_url + "/healthz", app, "the app")
        return measure(args, work, app, app_url, sandbox_url, env_id, seed, ci)
    finally:
        for process in (app, sandbox):
            process.terminate()
            process.wait(timeout=10)


def measure(args, work, app, app_url, sandbox_url, env_id, seed, ci) -> int:
    sys.path.insert(0, str(ROOT / "samples" / "hello-mule"))
    from build_jar import build  # the sample's own builder

    developer = next(user for user in seed["users"] if user["role"] == "developer")
    browser = sign_in(app_url, developer)
    small, big = build(work / "warm-up.jar"), build(work / "big.jar", pad_mb=args.mb)
    size_mb = big.stat().st_size / MB
    print(f"JAR {big.name}: {size_mb:.1f} MB; app pid {app.pid}")

    warm, _ = upload(browser, app_url + "/deploy",
                     deploy_fields(browser, app_url, env_id, "bench-warm-up"), small)
    if warm.status_code != 303:
        print(f"warm-up deploy answered {warm.status_code}: {warm.text[:300]}")
        return 1
    fields = deploy_fields(browser, app_url, env_id, "bench-through-app")
    exact = reset_peak(app.pid)
    baseline = memory_kb(app.pid, "VmRSS" if exact else "VmHWM")
    answer, app_seconds = upload(browser, app_url + "/deploy", fields, big)
    peak = memory_kb(app.pid, "VmHWM")
    if answer.status_code != 303:
        print(f"deploy through the app answered {answer.status_code}: {answer.text[:300]}")
        return 1
    print(f"through the app: 303 to {answer.headers['Location']} in {app_seconds:.2f} s; "
          f"RSS before {baseline / 1024:.1f} MB, peak {peak / 1024:.1f} MB"
          + ("" if exact else " (peak not resettable: growth measured from the earlier peak)"))

    token = requests.post(sandbox_url + "/accounts/api/v2/oauth2/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": ci["client_id"],
        "client_secret": ci["client_secret"]}).json()["access_token"]
    info = json.dumps({"domain": "bench-direct", "muleVersion": {"version": "4.9.0"},
                       "workers": {"amount": 1, "type": {"name": "Micro"}}})
    direct, direct_seconds = upload(
        requests.Session(), sandbox_url + "/cloudhub/api/v2/applications",
        [("appInfoJson", info), ("autoStart", "true")], big,
        {"Authorization": f"Bearer {token}", "X-ANYPNT-ENV-ID": env_id,
         "X-ANYPNT-ORG-ID": seed["organization"]["id"]})
    if direct.status_code != 200:
        print(f"direct upload answered {direct.status_code}: {direct.text[:300]}")
        return 1
    print(f"straight to the sandbox: 200 in {direct_seconds:.2f} s")

    growth = (peak - baseline) / 1024
    app_rate, direct_rate = size_mb / app_seconds, size_mb / direct_seconds
    print(f"peak_growth_mb={growth:.1f} budget_mb={args.budget_mb} "
          f"throughput_ratio={app_rate / direct_rate:.2f} "
          f"(app {app_rate:.0f} MB/s vs direct {direct_rate:.0f} MB/s, {size_mb:.0f} MB JAR)")
    return 0 if growth < args.budget_mb else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=150, help="JAR size in MB (default 150)")
    parser.add_argument("--budget-mb", type=float, default=50, help="peak growth budget")
    parser.add_argument("--serve-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_app:
        serve_app(args.serve_app)
        return 0
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        return run(args, pathlib.Path(folder))


if __name__ == "__main__":
    sys.exit(main())
