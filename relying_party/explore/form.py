"""The explorer's form, read and checked before anything is sent (framework-free).

The path is where the delegated token goes, so it is read the way the app reads a redirect
target (``web.redirects``): what a server or proxy might decode or resolve is decoded and
resolved here first, and a path that could lead anywhere but under ``ANYPOINT_URL`` — a URL, a
``//host``, a backslash, a dot segment, a control character, however encoded — is refused in
words. Headers are bounded in number and length, Latin-1 (HTTP's header bytes), and may not
replace what the app itself sets (the token, the host, cookies, hop-by-hop headers). A body is
JSON, bounded, and only for the methods that carry one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote

from ..anypoint.cloudhub import ENVIRONMENT_ID
from ..web.redirects import MAX_LENGTH, same_origin_path

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WITH_BODY = ("POST", "PUT", "PATCH", "DELETE")
MAX_HEADERS = 10
MAX_HEADER_VALUE = 1024
MAX_BODY_CHARS = 32 * 1024
ENV_HEADER = "x-anypnt-env-id"
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer",
                        "transfer-encoding", "upgrade"})
#: Headers the app sets itself (or that would change how the request is framed or who sends it).
REFUSED_HEADERS = frozenset({"authorization", "proxy-authorization", "host", "cookie",
                             "content-length", "expect", *HOP_BY_HOP})
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")  # RFC 9110 field-name
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]*")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class FieldError(ValueError):
    """A field of the form that cannot be sent: ``field`` and the words shown beside it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Call:
    """A call the explorer may send: all checked."""

    method: str
    path: str
    environment: str | None
    headers: tuple[tuple[str, str], ...]
    body: object | None  # the parsed JSON, or None for no body


def method(value: str) -> str:
    chosen = (value or "").upper()
    if chosen not in METHODS:
        raise FieldError("method", f"Choose one of {', '.join(METHODS)}.")
    return chosen


def platform_path(value: str, base_url: str) -> str:
    """``value`` when it is a path (and query) under ``base_url`` however a server reads it;
    FieldError("path") naming what is wrong otherwise."""
    path = (value or "").strip(" ").removesuffix("?")
    if not path:
        raise FieldError("path", "Enter a path, such as /accounts/api/me.")
    if len(path) > MAX_LENGTH:
        raise FieldError("path", f"The path is longer than {MAX_LENGTH} characters.")
    if _SCHEME.match(path) or "://" in path.split("?", 1)[0]:
        raise FieldError("path", f"Enter a path under {base_url}, not a URL: this app sends "
                                 "your token to the configured platform only.")
    if "\\" in path:
        raise FieldError("path", "A path may not contain a backslash: browsers and some "
                                 "servers read it as /, which can name another host.")
    if not _VISIBLE_ASCII.fullmatch(path):
        raise FieldError("path", "The path has a space, a control character (such as a line "
                                 "break) or a non-ASCII character: percent-encode it (a space "
                                 "is %20, é is %C3%A9).")
    if not path.startswith("/"):
        raise FieldError("path", "The path must start with /, as in /accounts/api/me.")
    if "#" in path:
        raise FieldError("path", "A #fragment is never sent to the server: remove it.")
    where, _, query = path.partition("?")
    _check_decodings(where, query)
    if same_origin_path(path, _origin(base_url)) != path:
        raise FieldError("path", "The path would be read differently once sent (it is "
                                 "normalised into another path): write it as it is meant.")
    return path


def _check_decodings(where: str, query: str) -> None:
    """Each decoding a server or proxy might apply keeps the path under the base and free of
    controls, backslashes and dot segments."""
    for _ in range(4):
        if where.startswith("//"):
            raise FieldError("path", "A path that starts with // names another host (also "
                                     "when its slashes are percent-encoded).")
        if _CONTROLS.search(where) or _CONTROLS.search(query):
            raise FieldError("path", "The path has an encoded control character (such as "
                                     "%0D%0A, a line break), which could split the request.")
        if "\\" in where:
            raise FieldError("path", "The path has an encoded backslash (%5C), which some "
                                     "servers read as /.")
        if {".", ".."} & set(where.split("/")):
            raise FieldError("path", "The path has a . or .. segment (also when encoded, as "
                                     "%2E%2E), which a server resolves, maybe out of the API.")
        if _SCHEME.match(where) or "://" in where:
            raise FieldError("path", "Decoded, the path is a URL: this app sends your token "
                                     "to the configured platform only.")
        decoded, decoded_query = unquote(where), unquote(query)
        if (decoded, decoded_query) == (where, query):
            return
        where, query = decoded, decoded_query
    raise FieldError("path", "The path is percent-encoded more than four times over: write "
                             "it as it is meant.")


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def headers(text: str) -> tuple[tuple[str, str], ...]:
    """``Name: value`` lines (blank lines skipped) as pairs; FieldError("headers") for a line
    that is not one, a refused or repeated name, a value too long or not Latin-1."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    lines = [line.removesuffix("\r") for line in (text or "").split("\n")]
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip(" \t")
        if not colon or not _TOKEN.fullmatch(name):
            raise FieldError("headers", f"Line {number} is not a header: write Name: value, "
                                        "one per line (a name is letters, digits and - ).")
        lowered = name.lower()
        if lowered == ENV_HEADER:
            raise FieldError("headers", "Pick the environment above instead of writing "
                                        "X-ANYPNT-ENV-ID: it must be one of yours.")
        if lowered in REFUSED_HEADERS:
            raise FieldError("headers", f"{name} is set by this app (or by HTTP itself) and "
                                        "cannot be replaced: the token and the host are never "
                                        "yours to change here.")
        if lowered in seen:
            raise FieldError("headers", f"{name} is given twice: give each header once.")
        if len(value) > MAX_HEADER_VALUE:
            raise FieldError("headers", f"The value of {name} is longer than "
                                        f"{MAX_HEADER_VALUE} characters.")
        if _CONTROLS.search(value):
            raise FieldError("headers", f"The value of {name} has a control character.")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError as error:
            raise FieldError("headers", f"The value of {name} has {value[error.start]!r}, "
                                        "which HTTP cannot send in a header (header values "
                                        "are Latin-1): percent-encode it or leave it "
                                        "out.") from None
        seen.add(lowered)
        pairs.append((name, value))
    if len(pairs) > MAX_HEADERS:
        raise FieldError("headers", f"Send at most {MAX_HEADERS} headers of your own.")
    return tuple(pairs)


def environment(value: str, known: list[str]) -> str | None:
    """The chosen environment's id (None for none), when it is one of the user's."""
    chosen = (value or "").strip()
    if not chosen:
        return None
    if not ENVIRONMENT_ID.fullmatch(chosen) or chosen not in known:
        raise FieldError("environment", "That is not one of your environments: pick one "
                                        "from the list.")
    return chosen


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def body(text: str, chosen_method: str):
    """The parsed JSON body (None when empty); FieldError("body") when it is too long, is not
    JSON (where, in words), or is given for a GET."""
    text = (text or "").strip()
    if not text:
        return None
    if chosen_method not in WITH_BODY:
        raise FieldError("body", f"A {chosen_method} sends no body: empty it, or choose "
                                 f"{', '.join(WITH_BODY)}.")
    if len(text) > MAX_BODY_CHARS:
        raise FieldError("body", f"The body is longer than {MAX_BODY_CHARS // 1024} KB "
                                 f"({len(text)} characters).")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise FieldError("body", f"The body is not JSON: {error.msg} at line {error.lineno}, "
                                 f"column {error.colno}.") from None
    except ValueError as error:
        raise FieldError("body", f"The body is not JSON: {error}.") from None
    except RecursionError:
        raise FieldError("body", "The body is nested too deeply to read.") from None


def read(form, base_url: str, environments: list[str]) -> tuple[Call | None, dict[str, str]]:
    """The form as a :class:`Call`, or None and ``{field: message}`` for each field that
    cannot be sent."""
    errors: dict[str, str] = {}
    values: dict = {}
    steps = (("method", lambda: method(form.get("method", ""))),
             ("path", lambda: platform_path(form.get("path", ""), base_url)),
             ("environment", lambda: environment(form.get("environment", ""), environments)),
             ("headers", lambda: headers(form.get("headers", ""))),
             ("body", lambda: body(form.get("body", ""), values.get("method", "POST"))))
    for name, step in steps:
        try:
            values[name] = step()
        except FieldError as error:
            errors[error.field] = error.message
    if errors:
        return None, errors
    return Call(values["method"], values["path"], values["environment"], values["headers"],
                values["body"]), {}
