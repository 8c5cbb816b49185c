"""An explorer exchange as the page shows it: the raw request (the token as a fingerprint) and
the raw answer — status line, headers, the body pretty-printed when it is JSON — bounded, with
every secret the app holds fingerprinted wherever it appears (the platform may echo the token:
``/accounts/api/profile`` does). Framework-free.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import requests

from ..anypoint.trace import fingerprint, redact

#: The most of an answer's body the app reads (the rest is never read).
MAX_ANSWER_BYTES = 256 * 1024
#: Headers whose values are credentials wherever they appear.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


@dataclass(frozen=True)
class Shown:
    """What the page shows of one exchange."""

    request_line: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str | None
    status: int
    status_line: str
    response_headers: tuple[tuple[str, str], ...]
    body: str
    body_kind: str  # "json", "text" or "empty"
    cut: bool
    took_ms: int


def _header_value(name: str, value: str, secrets: tuple[str, ...]) -> str:
    lowered = name.lower()
    if lowered in ("authorization", "proxy-authorization") and " " in value:
        scheme, _, credential = value.partition(" ")
        return f"{scheme} {fingerprint(credential)}"
    if lowered in CREDENTIAL_HEADERS:
        return fingerprint(value)
    return redact(value, secrets)


def request_shown(response: requests.Response, method: str, url: str, sent: dict[str, str],
                  body, secrets: tuple[str, ...]) -> tuple[str, tuple, str | None]:
    """The request line, the headers as sent (the prepared request's when there is one, with
    ``Host`` first as HTTP/1.1 sends it) and the body, pretty-printed."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    prepared = getattr(response, "request", None)
    headers = dict(prepared.headers) if prepared is not None else sent
    shown = (("Host", parts.netloc),
             *((name, _header_value(name, str(value), secrets)) for name, value in headers.items()))
    text = None if body is None else redact(json.dumps(body, indent=2, ensure_ascii=False),
                                            secrets)
    return f"{method} {target} HTTP/1.1", shown, text


def _status_line(response: requests.Response) -> str:
    version = getattr(response.raw, "version", 11) or 11
    try:
        phrase = response.reason or HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = ""
    return f"HTTP/{version // 10}.{version % 10} {response.status_code} {phrase}".rstrip()


def answer_shown(response: requests.Response, secrets: tuple[str, ...]
                 ) -> tuple[str, tuple, str, str, bool]:
    """The status line, the headers, the body (pretty JSON, else text), its kind and whether
    it was cut at :data:`MAX_ANSWER_BYTES`."""
    headers = tuple((name, _header_value(name, value, secrets))
                    for name, value in response.headers.items())
    content = response.content or b""
    cut = len(content) > MAX_ANSWER_BYTES
    content = content[:MAX_ANSWER_BYTES]
    encoding = requests.utils.get_encoding_from_headers(response.headers) or "utf-8"
    if encoding.upper() == "ISO-8859-1" and "charset" not in response.headers.get(
            "Content-Type", "").lower():
        encoding = "utf-8"  # requests' default for text/*; Anypoint speaks UTF-8
    try:
        text = content.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know
        text = content.decode("utf-8", errors="replace")
    if not text.strip():
        return _status_line(response), headers, "", "empty", cut
    if not cut:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            pass
        else:
            pretty = json.dumps(redact(value, secrets), indent=2, ensure_ascii=False)
            return _status_line(response), headers, pretty, "json", cut
    text = redact(text, secrets)
    if cut:  # a secret the cut crossed is not whole here, so not found: drop what could be it
        text = text[:max(0, len(text) - max((len(secret) for secret in secrets), default=0))]
    return _status_line(response), headers, text, "text", cut


def shown(response: requests.Response, method: str, url: str, sent: dict[str, str], body,
          secrets: tuple[str, ...], took_ms: int) -> Shown:
    request_line, request_headers, request_body = request_shown(response, method, url, sent,
                                                                body, secrets)
    status_line, headers, text, kind, cut = answer_shown(response, secrets)
    return Shown(request_line, request_headers, request_body, response.status_code, status_line,
                 headers, text, kind, cut, took_ms)
