"""MuleSoft's own CLI (``anypoint-cli-v4``, installed by ``npm ci`` from package.json) run,
unmodified, against a sandbox served over https.

Each run gets a HOME of its own (the CLI caches tokens and sessions there, keyed without the
host), no proxy variables (the CLI would send everything through them), the sandbox's
certificate as its only extra CA (``NODE_EXTRA_CA_CERTS``), and a preload that resolves the
sandbox's host name to 127.0.0.1 in that process only (``resolve_to_loopback.js``).
"""

from __future__ import annotations

import os
import pathlib
import selectors
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from tests.support.tools import missing

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = ROOT / "node_modules" / ".bin" / "anypoint-cli-v4"
PRELOAD = pathlib.Path(__file__).with_name("resolve_to_loopback.js")
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy",
           "ALL_PROXY", "all_proxy")
#: Generous: a command takes about 2 s; this only stops a hung CLI from hanging the suite.
LIMIT_SECONDS = 120


def require_cli() -> pathlib.Path:
    """The installed CLI; skips (fails under CI=true) when Node or the install is missing."""
    if shutil.which("node") is None:
        missing("Node.js", "node is not on PATH")
    if not CLI.exists():
        missing("anypoint-cli-v4", f"{CLI} not found (make test runs npm ci to install it)")
    return CLI


@dataclass
class Outcome:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def ok(self) -> Outcome:
        """Itself, once sure the command succeeded (else the assertion shows its output)."""
        assert self.returncode == 0, (self.args, self.stdout, self.stderr)
        return self


class AnypointCli:
    """Runs the CLI as a connected app (``--client_id``/``--client_secret``) against
    ``host:port``."""

    def __init__(self, host: str, port: int, ca_file, client_id: str, client_secret: str):
        self.cli = require_cli()
        self.host, self.port, self.ca_file = host, port, str(ca_file)
        self.credentials = ("--client_id", client_id, "--client_secret", client_secret)
        self.runs: list[Outcome] = []

    def _environ(self, home: str) -> dict:
        environ = {name: value for name, value in os.environ.items() if name not in PROXIES}
        environ.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
                       NODE_EXTRA_CA_CERTS=self.ca_file, RESOLVE_TO_LOOPBACK=self.host,
                       NODE_OPTIONS=f'--require "{PRELOAD}"', PUPPETEER_SKIP_DOWNLOAD="1")
        environ.pop("ANYPOINT_LOG_LEVEL", None)  # its debug output would break parsing
        return environ

    def _command(self, args) -> list[str]:
        return [str(self.cli), *args, *self.credentials, "--host", f"{self.host}:{self.port}"]

    def run(self, *args: str) -> Outcome:
        """Run one command to its end."""
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="anypoint-cli-home-") as home:
            done = subprocess.run(self._command(args), env=self._environ(home), cwd=home,
                                  capture_output=True, text=True, timeout=LIMIT_SECONDS,
                                  stdin=subprocess.DEVNULL)
        outcome = Outcome(args, done.returncode, done.stdout, done.stderr,
                          time.monotonic() - started)
        self.runs.append(outcome)
        return outcome

    def run_until(self, *args: str, seen) -> Outcome:
        """Run a command that never ends by itself (``tail-logs``) until ``seen(stdout)`` is
        true, then stop it; fails the test if that has not happened within LIMIT_SECONDS."""
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="anypoint-cli-home-") as home:
            process = subprocess.Popen(self._command(args), env=self._environ(home), cwd=home,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       stdin=subprocess.DEVNULL)
            stdout = b""
            with selectors.DefaultSelector() as waiting:
                waiting.register(process.stdout, selectors.EVENT_READ)
                while not seen(stdout.decode(errors="replace")):
                    left = LIMIT_SECONDS - (time.monotonic() - started)
                    if left <= 0 or process.poll() is not None and not waiting.select(0):
                        break
                    if waiting.select(min(left, 1.0)):
                        chunk = os.read(process.stdout.fileno(), 65536)
                        stdout += chunk
                        if not chunk:
                            break
            process.terminate()
            try:
                _rest, stderr = process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                _rest, stderr = process.communicate()
        text = stdout.decode(errors="replace")
        outcome = Outcome(args, process.returncode, text, stderr.decode(errors="replace"),
                          time.monotonic() - started)
        self.runs.append(outcome)
        assert seen(text), (args, text, outcome.stderr)
        return outcome
