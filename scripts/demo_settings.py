"""What `make demo` decides before it starts anything: which ports it may use and what `.env`
must say for the app to sign in at the sandbox on those ports. No I/O here (scripts/demo.py
reads and writes the files), so the rules are tested on their own (tests/test_demo_script.py).
"""

from __future__ import annotations

import re

# Ports Chromium refuses to open (net/base/port_util.cc, ERR_UNSAFE_PORT); Firefox blocks the
# same ones. A demo served there could never be reached from a browser.
UNSAFE_PORTS = frozenset({
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389,
    427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
    989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665,
    6666, 6667, 6668, 6669, 6679, 6697, 10080,
})

# The settings that depend on the demo's ports, and the shape of the values `make demo` writes
# for them: a value of that shape for other ports is an earlier demo's, and is replaced; any
# other value (the real platform, another host) is the user's own and is kept.
PORT_SETTINGS = {
    "ANYPOINT_URL": re.compile(r"http://localhost:\d+"),
    "ANYPOINT_REDIRECT_URI": re.compile(r"http://localhost:\d+/auth/callback"),
    "ANYPOINT_POST_LOGOUT_REDIRECT_URI": re.compile(r"http://localhost:\d+/"),
}


class PortProblem(ValueError):
    """A port the demo cannot use; the message says why and what to choose instead."""


def parse_port(name: str, value: str | None, default: int) -> int:
    """``value`` (from the environment variable ``name``) as a port the demo may serve on.
    Raises :class:`PortProblem` for anything but 1–65535, or a port browsers refuse."""
    value = (value or "").strip() or str(default)
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise PortProblem(f"{name} must be a port number between 1 and 65535, not {value!r}.")
    port = int(value)
    if port in UNSAFE_PORTS:
        safe = next(p for p in range(port + 1, 65536) if p not in UNSAFE_PORTS)
        raise PortProblem(
            f"{name}={port} is a port that browsers refuse to open (Chromium and Firefox block "
            f"it as unsafe: ERR_UNSAFE_PORT), so the demo could not be used there. Choose "
            f"another one, for example: make demo {name}={safe}")
    return port


def read_env(text: str) -> dict[str, str]:
    """The KEY=value settings of a `.env` file's text (comments and blank lines skipped)."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    return values


def needs_writing(key: str, current: str | None, wanted: str, stale: set) -> bool:
    """Whether ``key`` in `.env` must become ``wanted``: it is missing, or it still holds an
    earlier demo's credential (``stale``: (key, value) pairs), or an earlier demo's port."""
    if current is None:
        return True
    if current == wanted:
        return False
    if (key, current) in stale:
        return True
    pattern = PORT_SETTINGS.get(key)
    return bool(pattern and pattern.fullmatch(current))


def updated_env(text: str, wanted: dict[str, str], stale: set) -> tuple[str, list[str]]:
    """The `.env` text with ``wanted`` settings added or replaced as :func:`needs_writing`
    says, every other line as it was; and the keys written."""
    current = read_env(text)
    lines = text.splitlines()
    written = [key for key, value in wanted.items()
               if needs_writing(key, current.get(key), value, stale)]
    for key in written:
        line = f"{key}={wanted[key]}"
        if key in current:
            lines = [line if old.split("=", 1)[0].strip() == key else old for old in lines]
        else:
            lines.append(line)
    return ("\n".join(lines) + "\n" if lines else ""), written
