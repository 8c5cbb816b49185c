"""Where the app may send a browser back to after sign-in: a same-origin path, read the way a
browser reads a URL, or ``/``.

Browsers forgive a lot before they parse a URL (the WHATWG URL standard): they strip leading
and trailing controls and spaces, drop every tab and newline, and read a backslash as a slash in
http(s) URLs. So ``/\\t/evil.example`` and ``/\\\\evil.example`` both mean ``//evil.example``, a
protocol-relative URL to another host. A server that decodes percent-escapes before routing
(and some proxies) turns ``/%2F/evil.example`` into the same. :func:`same_origin_path` applies
all of that, repeatedly, and keeps the target only when nothing of it can leave the origin.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

MAX_LENGTH = 2000
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_DROPPED = re.compile(r"[\t\n\r]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def _as_a_browser_reads(value: str) -> str:
    return _DROPPED.sub("", value.strip(_C0_AND_SPACE)).replace("\\", "/")


def _stays_here(value: str) -> bool:
    """A path of this origin: starts with exactly one slash and names no scheme or host."""
    if not value.startswith("/") or value.startswith("//") or _CONTROLS.search(value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def same_origin_path(target: str | None, origin: str) -> str:
    """``target`` as the path (with query and fragment) a browser would open on ``origin``
    (``scheme://host[:port]``), or ``/`` when it is empty, too long, or could lead anywhere
    else, however it is written (encoded, with tabs, backslashes, userinfo or a scheme)."""
    if not target or len(target) > MAX_LENGTH:
        return "/"
    read = _as_a_browser_reads(target)
    seen = read
    for _ in range(4):  # each decoding a server, proxy or browser might apply
        if not _stays_here(seen):
            return "/"
        decoded = _as_a_browser_reads(unquote(seen))
        if decoded == seen:
            break
        seen = decoded
    else:
        return "/"  # still changing after four decodings: not a path anybody writes
    joined = urlsplit(urljoin(origin + "/", read))
    home = urlsplit(origin)
    path = urlunsplit(("", "", joined.path or "/", joined.query, joined.fragment))
    if (joined.scheme, joined.netloc) != (home.scheme, home.netloc) or not _stays_here(path):
        return "/"  # e.g. "/a/..//evil.example", which resolves to "//evil.example"
    return path
