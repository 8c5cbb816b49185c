"""No open redirect after sign-in: every known payload in ``next`` lands on the app's origin,
as a browser reads the Location (the app and, in Chromium, a real browser)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from relying_party.web.redirects import same_origin_path
from tests.attacks.open_redirects import KEPT, PAYLOADS

ORIGIN = "http://app.test:5000"


def browser_reads(location: str, base: str) -> str:
    """Where a browser goes for ``location``: tabs and newlines dropped, backslashes as
    slashes, leading controls and spaces stripped (WHATWG URL), then resolved on ``base``."""
    cleaned = location.strip("".join(map(chr, range(0x21))))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(base, cleaned)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_becomes_a_path_of_the_origin(payload):
    path = same_origin_path(payload, ORIGIN)
    assert urlsplit(browser_reads(path, ORIGIN + "/")).netloc == "app.test:5000"
    assert path.startswith("/") and not path.startswith("//")


@pytest.mark.parametrize("path", KEPT)
def test_the_apps_own_paths_are_kept(path):
    assert same_origin_path(path, ORIGIN) == path


def test_every_payload_through_a_real_sign_in_lands_on_the_app(lab):
    rp = lab()
    for payload in PAYLOADS:
        rp.browser.cookies.clear()
        callback = rp.start_login(next=payload)
        answer = rp.browser.get(callback, allow_redirects=False, timeout=10)
        assert answer.status_code == 303, payload
        lands = browser_reads(answer.headers["Location"], rp.url + "/")
        assert urlsplit(lands).netloc == urlsplit(rp.url).netloc, (payload, lands)


@pytest.mark.browser
def test_chromium_stays_on_the_app_for_every_payload(lab, page):
    rp = lab()
    for payload in PAYLOADS:
        page.context.clear_cookies()
        callback = rp.start_login(rp.browser, next=payload)
        # The callback belongs to the browser that started the sign-in: carry its cookie over.
        page.context.add_cookies([{"name": c.name, "value": c.value, "url": rp.url}
                                  for c in rp.browser.cookies])
        page.goto(callback)
        assert urlsplit(page.url).netloc == urlsplit(rp.url).netloc, (payload, page.url)
        rp.browser.cookies.clear()
