"""The servers' output while `make demo` runs (scripts/demo.py): a log file per server under
instance/logs/, and on the terminal only what went wrong."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

# A line of werkzeug's request log ('... "GET /path HTTP/1.1" 200 -'), maybe coloured.
REQUEST_LINE = re.compile(r'HTTP/[\d.]+(?:\x1b\[[\d;]*m)?" (\d{3}) ')


class ServerLog:
    """A server's output: all of it in instance/logs/<name>.log and, once the demo is up (``echo``),
    on the terminal too unless it is a request answered below 500: the printed URLs and accounts
    are not buried under request lines, and errors still show."""

    def __init__(self, name: str, folder: Path, cwd: Path):
        self.name, self.path, self.cwd, self.echo = name, folder / f"{name}.log", cwd, False

    def start(self, command: list[str], env: dict, processes: list) -> subprocess.Popen:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(command, cwd=self.cwd, env={**env, "PYTHONUNBUFFERED": "1"},
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes.append(process)
        threading.Thread(target=self.relay, args=(process.stdout,), daemon=True).start()
        return process

    def relay(self, stream) -> None:
        with self.path.open("a") as log:
            for line in stream:
                log.write(line)
                log.flush()
                if self.echo and not routine(line):
                    sys.stderr.write(f"[{self.name}] {line}")

    def tail(self, lines: int = 15) -> str:
        text = self.path.read_text() if self.path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def routine(line: str) -> bool:
    """A request-log line of a request the server answered with a status below 500."""
    found = REQUEST_LINE.search(line)
    return bool(found) and int(found.group(1)) < 500
