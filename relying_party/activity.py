"""The protocol trace: ``activity.show`` (page) and ``activity.download`` (JSON file, which the
sign-out page, ``auth.sign_out``, offers first: ``auth/_before_sign_out.html``).

The page shows each exchange as raw HTTP, as Google's OAuth 2.0 Playground does: request line,
headers and body, then status line, headers and body — every value already redacted when it was
recorded (``anypoint.trace``). Exchanges are grouped by what caused them (``web.trace.cause_of``,
kept with each entry), newest group first, oldest exchange first within a group.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import quote_plus, urlencode, urlsplit

from flask import Blueprint, Response, g, render_template, request, session

from .anypoint.trace import Exchange
from .delegation.store import StoreBusy, StoreUnavailable
from .web.problem import Problem
from .web.trace import PROVIDER_WIDE, cause_of, record, trace_entries

bp = Blueprint("activity", __name__)

#: Each cause's title and what it means, in the order of the page's filter.
CAUSES = {
    "sign-in": ("Sign-in", "The authorization code flow: the redirect to the provider, the "
                "callback, the code exchanged for tokens, the keys, userinfo"),
    "refresh": ("Token refresh", "The refresh token traded for new tokens (Refresh now, or an "
                "access token about to expire)"),
    "revoke": ("Revocation", "Tokens revoked at the provider (RFC 7009), then probed"),
    "probe": ("Probe", "What each token really does: introspection, an API call, a refresh "
              "attempt"),
    "deploy": ("Deploy", "CloudHub calls of the deploy pages"),
    "explore": ("API explorer", "Calls you made in the API explorer"),
    "profile": ("Your profile", "What Anypoint says about you, for the dashboard"),
    "provider-metadata": ("Provider metadata", "The discovery document and the provider's "
                          "signing keys, which the app fetches once and keeps as long as "
                          "their Cache-Control allows"),
    "cicd": ("CI/CD", "Calls of the CI/CD page"),
    "sign-out": ("Sign-out", "Tokens revoked and the session ended"),
    "page": ("Page", "Calls of another page of the app"),
}
#: Exchanges that went through the browser (redirects), not from the app to the provider, and
#: how to read them.
BROWSER_LEGS = {
    "authorize redirect": "This app answered your browser's /login with a 302 to the provider's "
                          "authorization endpoint; your browser then sent this request there.",
    "callback": "The provider sent your browser back to this app with this request.",
    "app's answer": "What this app answered your browser at the end of the sign-in.",
}


def failed(entry: dict) -> bool:
    """The exchange did not work: no answer, a 4xx/5xx, or a callback carrying an error."""
    status = entry.get("status")
    if entry.get("error") or (isinstance(status, int) and status >= 400):
        return True
    params = entry.get("request")
    return entry.get("label") == "callback" and isinstance(params, dict) and "error" in params


def _form_body(form: dict) -> str:
    return urlencode({key: value if isinstance(value, str) else json.dumps(value)
                      for key, value in form.items()}, safe=":/", quote_via=quote_plus)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def pretty(value, depth: int = 0, levels: int = 2) -> str:
    """JSON indented for its first ``levels`` levels, deeper values on one line each (a list
    of objects: one object a line): as readable as ``indent=2`` for an answer, at the C
    encoder's speed (``indent`` makes ``json.dumps`` pure Python, and the page shows up to
    200 answers)."""
    if depth < levels and isinstance(value, dict | list) and value:
        pad = "  " * (depth + 1)
        if isinstance(value, dict):
            items = [f"{pad}{_ENCODE(str(key))}: {pretty(item, depth + 1, levels)}"
                     for key, item in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
        items = [pad + pretty(item, depth + 1, levels) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    return _ENCODE(value)


def _body(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return pretty(value)


def raw_request(entry: dict) -> str:
    """The request as it went on the wire: request line, ``Host`` and the other headers, a
    blank line and the body (a form urlencoded, JSON indented, an upload's parts described)."""
    parts = urlsplit(str(entry.get("url") or ""))
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{entry.get('method') or 'GET'} {target} HTTP/1.1"]
    if parts.netloc:
        lines.append(f"Host: {parts.netloc}")
    sent = entry.get("request")
    body = ""
    if isinstance(sent, dict) and entry.get("label") not in BROWSER_LEGS:
        headers = sent.get("headers")
        for name, value in (headers.items() if isinstance(headers, dict) else ()):
            lines.append(f"{name}: {value}")
        if isinstance(sent.get("form"), dict):
            body = _form_body(sent["form"])
        elif sent.get("multipart") is not None:
            body = "(multipart/form-data, streamed; its parts:)\n" + _body(sent["multipart"])
        elif "body" in sent:
            body = _body(sent["body"])
    elif sent is not None and not isinstance(sent, dict):
        body = _body(sent)
    return "\n".join(lines) + "\n\n" + body if body else "\n".join(lines)


def status_line(status: int | None) -> str:
    """``HTTP/1.1 200 OK`` (a status no one named keeps its number alone)."""
    try:
        phrase = HTTPStatus(status).phrase if status is not None else ""
    except ValueError:
        phrase = ""
    return f"HTTP/1.1 {status} {phrase}".rstrip()


def raw_response(entry: dict) -> str:
    """The answer as it came: status line, headers, a blank line and the body; or why none
    came."""
    status = entry.get("status")
    if status is None:
        if entry.get("error"):
            return f"(no answer: {entry['error']})"
        return "(the browser followed this; the app saw no answer)"
    lines = [status_line(status)]
    headers = entry.get("response_headers")
    if headers is None and entry.get("label") == "authorize redirect":
        headers = {"Location": entry.get("url")}  # the app's answer to /login
    for name, value in (headers.items() if isinstance(headers, dict) else ()):
        lines.append(f"{name}: {value}")
    body = _body(entry.get("response"))
    return "\n".join(lines) + "\n\n" + body if body else "\n".join(lines)


@dataclass
class Group:
    """The exchanges one cause made, oldest first (a sign-in spans /login and its callback)."""

    cause: str
    entries: list[dict] = field(default_factory=list)
    request_id: str | None = None
    #: The app answered this sign-in's callback: another callback is another sign-in.
    answered: bool = False

    @property
    def title(self) -> str:
        return CAUSES.get(self.cause, (self.cause.capitalize(), ""))[0]

    @property
    def meaning(self) -> str:
        return CAUSES.get(self.cause, ("", ""))[1]

    @property
    def failures(self) -> int:
        return sum(1 for entry in self.entries if entry["failed"])

    @property
    def at(self) -> float | None:
        return self.entries[0].get("at") if self.entries else None


def _cause(entry: dict) -> str:
    """The recorded cause; for an entry kept before causes were, one read from its label."""
    cause = entry.get("cause")
    if isinstance(cause, str) and cause:
        return cause
    return "provider-metadata" if entry.get("label") in PROVIDER_WIDE else cause_of(entry, None)


def grouped(entries: list[dict]) -> list[Group]:
    """``entries`` (newest first, as stored) as groups, newest group first, each oldest first.

    A new group starts where the cause changes, where another request of the app made the
    call, at each redirect to the provider (a new sign-in) and at a callback after the app
    answered one; the callback of a sign-in joins the group of its redirect. Each entry gets
    ``failed``, ``raw_request``, ``raw_response`` and ``note``."""
    groups: list[Group] = []
    for entry in reversed(entries):
        shown = {**entry, "cause": _cause(entry), "failed": failed(entry),
                 "raw_request": raw_request(entry), "raw_response": raw_response(entry),
                 "note": BROWSER_LEGS.get(entry.get("label"))}
        last = groups[-1] if groups else None
        label = entry.get("label")
        same = (last is not None and last.cause == shown["cause"]
                and (last.request_id == entry.get("request_id") or shown["cause"] == "sign-in")
                and label != "authorize redirect"
                and not (label == "callback" and last.answered))
        if not same:
            last = Group(shown["cause"], request_id=entry.get("request_id"))
            groups.append(last)
        last.request_id = entry.get("request_id")
        last.answered = last.answered or label == "app's answer"
        last.entries.append(shown)
    return groups[::-1]


@bp.get("/activity")
def show():
    """Every exchange of this browser session with the provider/platform as raw HTTP, grouped
    by cause (``?cause=`` shows one cause only; an unknown one is a 400)."""
    only = request.args.get("cause")
    if only is not None and only not in CAUSES:
        raise Problem(400, "No such cause", "The protocol trace groups exchanges by sign-in, "
                      "refresh, revoke, probe, deploy, explore, profile, provider-metadata, "
                      "cicd, sign-out and page; pick one of those.", "invalid_request")
    groups = grouped(trace_entries())
    counts = {cause: sum(1 for group in groups if group.cause == cause) for cause in CAUSES}
    shown = [group for group in groups if only is None or group.cause == only]
    latest_sign_in = next((n for n, group in enumerate(shown) if group.cause == "sign-in"), None)
    return render_template("activity/index.html", groups=shown, counts=counts, causes=CAUSES,
                           only=only, latest_sign_in=latest_sign_in,
                           total=sum(len(group.entries) for group in groups))


@bp.get("/activity.json")
def download():
    """The same trace as a downloadable JSON file (already redacted), newest first; each
    exchange with its ``cause``, ``endpoint`` and ``request_id``."""
    body = json.dumps({"exchanges": trace_entries()}, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="connected-app-lab-activity.json"'})


@bp.after_app_request
def note_sign_in_answer(response: Response) -> Response:
    """The app's answer to the callback joins the sign-in's trace: a redirect into the app,
    or the error page's status (so a failed sign-in is marked failed where it failed)."""
    if request.endpoint != "auth.callback" or "trace_id" not in session or "store_down" in g:
        return response
    status = response.status_code
    location = response.headers.get("Location")
    try:
        record(Exchange.build(
            "app's answer", "GET", request.base_url, status, None,
            response_headers={"Location": location} if location else None,
            error="the sign-in did not complete (see the error page)" if status >= 400 else None,
        ), cause="sign-in")
    except (StoreUnavailable, StoreBusy):
        pass  # the page already says what failed; the trace misses one line
    return response
