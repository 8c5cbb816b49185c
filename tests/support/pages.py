"""Reading and submitting an HTML page's forms with a ``requests`` session, as a browser would."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the page's (first) form."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a csrf_token"
    return found.group(1)


class Forms(HTMLParser):
    """Collects each form's action and its named inputs (hidden values, buttons)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") in (
                "hidden", None, "text"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def submit_form(browser: requests.Session, page: requests.Response, **fields):
    """POST the page's first form with its own fields (CSRF token included) plus ``fields``."""
    parser = Forms()
    parser.feed(page.text)
    assert parser.forms, f"{page.url} has no form"
    form = parser.forms[0]
    return browser.post(urljoin(page.url, form["action"]), data={**form["fields"], **fields},
                        timeout=20)
