"""Signing in as a person with a browser would, with ``requests``: the relying party's /login →
the sandbox's sign-in form (unless the sandbox remembers the person) → its consent form (unless
remembered) → the relying party's callback. Works for any relying party of the sandbox.

:func:`sign_in` stops at the callback's answer, without following it to the first page, so a
benchmark can count what the sign-in alone costs. Every request carries :data:`BENCH_AGENT`, so
the sandbox's counter tells them from the relying party's own calls.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from .counting import BENCH_AGENT

TIMEOUT = 30


def new_browser() -> requests.Session:
    browser = requests.Session()
    browser.headers["User-Agent"] = BENCH_AGENT + " (browser)"
    return browser


class _Forms(HTMLParser):
    """Each form's action and its named inputs (hidden values, text fields, buttons)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") in (
                "hidden", None, "text"):
            self.forms[-1]["fields"][attrs["name"]] = unescape(attrs.get("value") or "")


def submit_first_form(browser: requests.Session, page: requests.Response,
                      **fields) -> requests.Response:
    """POST the page's first form with its own fields plus ``fields`` (redirect not followed)."""
    parser = _Forms()
    parser.feed(page.text)
    if not parser.forms:
        raise RuntimeError(f"{page.url} has no form (status {page.status_code})")
    form = parser.forms[0]
    return browser.post(urljoin(page.url, form["action"]), data={**form["fields"], **fields},
                        allow_redirects=False, timeout=TIMEOUT)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_in(browser: requests.Session, login_url: str, user: dict,
            **params) -> requests.Response:
    """Sign in at the relying party whose sign-in starts at ``login_url`` (``params`` go in its
    query, e.g. ``scope``); return the callback's answer, a redirect into the relying party.
    Raises RuntimeError when the sign-in does not come back to the relying party's callback."""
    rp = _origin(login_url)
    answer = browser.get(login_url, params=params, allow_redirects=False, timeout=TIMEOUT)
    for _ in range(10):
        if answer.is_redirect:
            target = urljoin(answer.url, answer.headers["Location"])
            answer = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
            if _origin(target) == rp:
                break  # the callback: its answer is the sign-in's outcome
        elif 'name="password"' in answer.text:
            answer = submit_first_form(browser, answer, username=user["username"],
                                       password=user["password"])
        elif 'name="decision"' in answer.text:
            answer = submit_first_form(browser, answer, decision="allow")
        else:
            break
    if not answer.is_redirect or _origin(urljoin(answer.url, answer.headers["Location"])) != rp:
        raise RuntimeError(f"signing in at {login_url} ended at {answer.url} with "
                           f"{answer.status_code}: {answer.text[:300]}")
    return answer


def cookie_header(browser: requests.Session, name: str) -> str:
    """``name=value`` of the browser's cookie ``name``, for a client that sends it by hand."""
    value = browser.cookies.get(name)
    if value is None:
        raise RuntimeError(f"the browser holds no cookie {name!r}")
    return f"{name}={value}"


def forget_cookie(browser: requests.Session, name: str) -> None:
    """Drop one cookie (the relying party's session), keeping the sandbox's sign-in."""
    for cookie in list(browser.cookies):
        if cookie.name == name:
            browser.cookies.clear(cookie.domain, cookie.path, cookie.name)
