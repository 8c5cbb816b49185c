"""`make demo`: seed the Anypoint sandbox, write the app's settings, start both, print the accounts.

The demo data is seeded once and kept in instance/ (git-ignored) so a second `make demo` keeps the
same accounts and credentials; `make demo-reset` (``--reset``) seeds afresh. Settings the app needs
are added to `.env` only when missing there — except those that still hold the previous demo's
credentials or ports, which are replaced so the app keeps working (scripts/demo_settings.py). A
new APP_PORT's redirect URI is registered with the sandbox's Connected App Lab. The servers'
output goes to instance/logs/; only errors reach the terminal. ``--check`` says what a run would
do and stops there, serving nothing and writing nothing.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from demo_logs import ServerLog, routine  # noqa: F401 - routine: tests read it here
from demo_settings import PortProblem, parse_port, read_env, updated_env

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEMO_FILE = INSTANCE / "sandbox-demo.json"
DEFAULT_DATABASE = INSTANCE / "sandbox.db"
ENV_FILE = ROOT / ".env"
SAMPLE_BUILDER = ROOT / "samples" / "hello-mule" / "build_jar.py"
SAMPLE_JAR = ROOT / "samples" / "hello-mule" / "target" / "hello-mule-1.0.0-mule-application.jar"
CLI = ROOT / "node_modules" / ".bin" / "anypoint-cli-v4"
CERTIFICATE = INSTANCE / "tls" / "sandbox-cert.pem"
LOGS = INSTANCE / "logs"
LAB_APP = "Connected App Lab"


def port_from_env(name: str, default: int) -> int:
    """The port in the environment variable ``name``; exits with advice when unusable."""
    try:
        return parse_port(name, os.environ.get(name), default)
    except PortProblem as problem:
        sys.exit(str(problem))


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def seed(sandbox_env: dict, redirect_uri: str) -> dict:
    """Run the sandbox's own `seed --json` command and keep its answer in instance/."""
    command = [sys.executable, "-m", "flask", "--app", "anypoint_sandbox", "seed", "--json",
               "--redirect-uri", redirect_uri]
    done = subprocess.run(command, cwd=ROOT, env=sandbox_env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"Seeding the sandbox failed:\n{done.stderr or done.stdout}")
    demo = json.loads(done.stdout)
    INSTANCE.mkdir(exist_ok=True)
    DEMO_FILE.write_text(json.dumps(demo, indent=2))
    DEMO_FILE.chmod(0o600)
    return demo


def read_env_file() -> dict[str, str]:
    return read_env(ENV_FILE.read_text()) if ENV_FILE.exists() else {}


def write_app_settings(wanted: dict[str, str], previous_demo: dict | None,
                       dry_run: bool = False) -> list[str]:
    """Add missing settings to .env; replace an earlier demo's credentials and ports (unless
    ``dry_run``). Returns the keys written (or to write)."""
    stale = set(demo_credentials(previous_demo).items()) if previous_demo else set()
    text, written = updated_env(ENV_FILE.read_text() if ENV_FILE.exists() else "", wanted, stale)
    if written and not dry_run:
        ENV_FILE.write_text(text)
        ENV_FILE.chmod(0o600)
    return written


def lab_redirect_uris(demo: dict) -> list[str]:
    return next(app for app in demo["apps"] if app["name"] == LAB_APP)["redirect_uris"]


def register_redirect_uri(demo: dict, sandbox_env: dict, redirect_uri: str) -> None:
    """Add ``redirect_uri`` to the seeded Connected App Lab in the sandbox's database (and to the
    kept demo data), so the app signs in on a port other than the one it was seeded for."""
    code = ("import sys; from anypoint_sandbox import create_app; "
            "from anypoint_sandbox.storage import ConnectedApp, session; app = create_app(); "
            "ctx = app.app_context(); ctx.push(); "
            f"lab = session().query(ConnectedApp).filter_by(name={LAB_APP!r}).one(); "
            "lab.redirect_uris = [*lab.redirect_uris, sys.argv[1]]; session().commit()")
    done = subprocess.run([sys.executable, "-c", code, redirect_uri], cwd=ROOT, env=sandbox_env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"Registering {redirect_uri} with the sandbox failed:\n{done.stderr}\n"
                 "make demo-reset seeds the sandbox afresh with it.")
    lab_redirect_uris(demo).append(redirect_uri)
    DEMO_FILE.write_text(json.dumps(demo, indent=2))


def demo_credentials(demo: dict) -> dict[str, str]:
    apps = {app["name"]: app for app in demo["apps"]}
    lab, ci = apps["Connected App Lab"], apps["CI Deployer"]
    return {"ANYPOINT_CLIENT_ID": lab["client_id"],
            "ANYPOINT_CLIENT_SECRET": lab["client_secret"],
            "ANYPOINT_CI_CLIENT_ID": ci["client_id"],
            "ANYPOINT_CI_CLIENT_SECRET": ci["client_secret"]}


def wait_until_up(url: str, process: subprocess.Popen, log: ServerLog,
                  seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            time.sleep(0.2)  # the relay thread writes the last lines
            sys.exit(f"The {log.name} stopped while starting (exit code {process.returncode}). "
                     f"The end of {log.path.relative_to(ROOT)}:\n{log.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    sys.exit(f"The {log.name} did not answer at {url} within {seconds:.0f} seconds. The end of "
             f"{log.path.relative_to(ROOT)}:\n{log.tail()}")


def print_welcome(demo: dict, app_url: str, sandbox_url: str, https_url: str | None,
                  logs: list[ServerLog]) -> None:
    print("\n  Connected App Lab is running.\n")
    print(f"    App (relying party):  {app_url}")
    print(f"    Anypoint sandbox:     {sandbox_url}\n")
    print("  Sign in to the app with one of the sandbox's demo accounts:")
    for user in demo["users"]:
        print(f"    {user['role']:<10} username {user['username']:<12} password {user['password']}")
    print("\n  Connected apps registered in the sandbox:")
    for app in demo["apps"]:
        print(f"    {app['name']}: client id {app['client_id']}  secret {app['client_secret']}")
        print(f"      grant types: {', '.join(app['grant_types'])}")
    print(f"\n  These accounts and secrets are kept in {DEMO_FILE.relative_to(ROOT)} (and the "
          "sandbox's data in\n  instance/sandbox.db), so the next make demo prints the same "
          "ones; make demo-reset makes new ones.")
    paths = ", ".join(str(log.path.relative_to(ROOT)) for log in logs)
    print(f"  The servers' request logs: {paths} (only errors are shown here).")
    if SAMPLE_JAR.exists():
        print(f"\n  Sample Mule application to deploy: {SAMPLE_JAR}")
    if https_url:
        print_cli_command(demo, https_url)
    print("\n  Press Ctrl-C to stop them.\n", flush=True)


def print_cli_command(demo: dict, https_url: str) -> None:
    """How to run MuleSoft's own CLI against the sandbox's https listener, by hand."""
    ci = next(app for app in demo["apps"] if app["name"] == "CI Deployer")
    install = "" if CLI.exists() else " (install it first: PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"
    print(f"\n  The sandbox over https (MuleSoft's CLI speaks nothing else): {https_url}")
    print(f"  MuleSoft's CLI against it, as the CI Deployer{install}:")
    print(f"    HOME=$(mktemp -d) NODE_EXTRA_CA_CERTS={CERTIFICATE.relative_to(ROOT)} \\")
    print(f"      {CLI.relative_to(ROOT)} account environment list \\")
    print(f"      --client_id {ci['client_id']} --client_secret {ci['client_secret']} \\")
    print(f"      --host {https_url.removeprefix('https://')}")


def start_https_listener(port: int, processes: list, log: ServerLog) -> str | None:
    """The sandbox once more, over https on ``port`` with a certificate it makes (for MuleSoft's
    CLI); None, with a note, when the port is taken (the demo runs without it)."""
    if not port_is_free(port):
        print(f"Port {port} (SANDBOX_HTTPS_PORT) is in use: no https listener for MuleSoft's "
              "CLI this time.")
        return None
    url = f"https://localhost:{port}"
    listener = log.start([sys.executable, "-m", "anypoint_sandbox", "--https", "--port", str(port)],
                         {**os.environ, "SANDBOX_BASE_URL": url}, processes)
    deadline = time.monotonic() + 30
    while port_is_free(port) and time.monotonic() < deadline:  # until it listens
        if listener.poll() is not None:
            sys.exit(f"The https listener stopped while starting (exit code "
                     f"{listener.returncode}).")
        time.sleep(0.3)
    return url


def print_plan(app_url: str, sandbox_url: str, redirect_uri: str, fresh: bool,
               register: bool, written: list[str]) -> None:
    """What a run with these ports would do (``--check``)."""
    print(f"make demo would serve the app at {app_url} and the sandbox at {sandbox_url}.")
    print(f"  The app signs in with the redirect URI {redirect_uri}.")
    if fresh:
        print(f"  It would seed the sandbox and keep the accounts in "
              f"{DEMO_FILE.relative_to(ROOT)}.")
    else:
        print(f"  It would keep the accounts in {DEMO_FILE.relative_to(ROOT)}.")
    if register:
        print(f"  It would register {redirect_uri} with the sandbox's {LAB_APP}.")
    if written:
        print(f"  It would write {', '.join(written)} to {ENV_FILE.name}.")
    else:
        print(f"  {ENV_FILE.name} already says so.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reset", action="store_true", help="seed fresh demo data")
    parser.add_argument("--check", action="store_true",
                        help="say what a run would do with these ports; serve and write nothing")
    args = parser.parse_args()

    sandbox_port = port_from_env("SANDBOX_PORT", 8081)
    app_port = port_from_env("APP_PORT", 5000)
    https_port = port_from_env("SANDBOX_HTTPS_PORT", 8443)
    if sandbox_port == app_port:
        sys.exit(f"SANDBOX_PORT and APP_PORT are both {app_port}; give them different ports.")
    for name, port in (("SANDBOX_PORT", sandbox_port), ("APP_PORT", app_port)):
        if not port_is_free(port):
            sys.exit(f"Port {port} ({name}) is already in use. Stop what runs there, or choose "
                     f"another port: make demo {name}=<port>.")
    sandbox_url = f"http://localhost:{sandbox_port}"
    app_url = f"http://localhost:{app_port}"
    redirect_uri = f"{app_url}/auth/callback"
    sandbox_env = {**os.environ, "SANDBOX_BASE_URL": sandbox_url}

    previous = json.loads(DEMO_FILE.read_text()) if DEMO_FILE.exists() else None
    database_gone = "SANDBOX_DATABASE_URL" not in os.environ and not DEFAULT_DATABASE.exists()
    fresh = args.reset or previous is None or database_gone
    register = not fresh and redirect_uri not in lab_redirect_uris(previous)
    if args.check:
        wanted = {"ANYPOINT_URL": sandbox_url, "ANYPOINT_REDIRECT_URI": redirect_uri,
                  "ANYPOINT_POST_LOGOUT_REDIRECT_URI": f"{app_url}/",
                  **({} if fresh else demo_credentials(previous))}
        written = write_app_settings(wanted, previous, dry_run=True)
        print_plan(app_url, sandbox_url, redirect_uri, fresh, register, written)
        return
    demo = seed(sandbox_env, redirect_uri) if fresh else previous
    if register:
        register_redirect_uri(demo, sandbox_env, redirect_uri)
        print(f"Registered {redirect_uri} with the sandbox's {LAB_APP}.")
    wanted = {"ANYPOINT_URL": sandbox_url, **demo_credentials(demo),
              "ANYPOINT_REDIRECT_URI": redirect_uri,
              "ANYPOINT_POST_LOGOUT_REDIRECT_URI": f"{app_url}/",
              "SECRET_KEY": secrets.token_urlsafe(32)}
    written = write_app_settings(wanted, previous)
    if written:
        print(f"Wrote {', '.join(written)} to {ENV_FILE.name}.")
    if SAMPLE_BUILDER.exists():
        subprocess.run([sys.executable, str(SAMPLE_BUILDER)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)

    processes = []
    logs = [ServerLog(name, LOGS, ROOT) for name in ("sandbox", "app", "sandbox-https")]
    try:
        sandbox = logs[0].start([sys.executable, "-m", "anypoint_sandbox", "--port",
                                 str(sandbox_port)], sandbox_env, processes)
        wait_until_up(f"{sandbox_url}/accounts/api/v2/oauth2/.well-known/openid-configuration",
                      sandbox, logs[0])
        app = logs[1].start([sys.executable, "-m", "flask", "--app", "app", "run", "--port",
                             str(app_port)], dict(os.environ), processes)
        wait_until_up(f"{app_url}/healthz", app, logs[1])
        https_url = start_https_listener(https_port, processes, logs[2])
        print_welcome(demo, app_url, sandbox_url, https_url, logs[:3 if https_url else 2])
        for log in logs:
            log.echo = True
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        sys.exit("One of the servers stopped; stopping the demo.")
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
