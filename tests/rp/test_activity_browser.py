"""In Chromium at 1280 and 390 px: the ID token decoded on the dashboard, a refresh's diff, the
revealed token's curl line copied, the protocol trace grouped with a row opened, a failed
sign-in's trace opened from its error page, the sign-out page's download. Screenshots go to
test-output/screenshots/trace-<width>-*.png for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import click_nav, sign_in_through_sandbox

pytestmark = pytest.mark.browser


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def sized_page(request, chromium):
    width = request.param
    context = chromium.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, width
    context.close()


WIDER = """([width, root]) => [...document.querySelectorAll(root + ' *')]
  .filter((el) => el.getBoundingClientRect().right > width + 1
          && !el.closest('.table-scroll, pre, .lab-table-wrap'))
  .map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))
  .slice(0, 5)"""


def no_overflow(page, width: int, root: str = "main") -> None:
    """Nothing in ``root`` reaches past the window (wide tables and raw HTTP scroll inside
    their cards). The navigation bar is the page frame's, not measured here."""
    assert page.evaluate(WIDER, [width, root]) == [], page.url


def test_tokens_and_the_trace_in_a_browser(sandbox_lab, sized_page, screenshots):
    lab = sandbox_lab
    page, width = sized_page

    def shot(name, root="main"):
        no_overflow(page, width, root)
        page.screenshot(path=str(screenshots / f"trace-{width}-{name}.png"), full_page=True)

    sign_in_through_sandbox(page, lab.url, lab.user)
    assert "Organization administrator" in page.inner_text("#role")
    expect(page.locator("#id-token .jwt-h").first).to_be_visible()
    assert "(in 59 min)" in page.inner_text("#jwt-payload tr[data-claim=exp]") or \
        "(in 1 h)" in page.inner_text("#jwt-payload tr[data-claim=exp]")
    shot("01-dashboard")
    page.locator("#id-token").screenshot(path=str(screenshots / f"trace-{width}-01b-id-token.png"))

    page.goto(lab.url + "/access")
    page.click("button:has-text('Refresh now')")
    page.wait_for_selector("#refresh-diff")
    assert "Rotated: access token, refresh token, ID token." in page.inner_text(
        "#refresh-rotated")
    shot("02-after-refresh", "#result")  # the rest of /access is not this test's
    page.locator("#result").screenshot(path=str(screenshots / f"trace-{width}-02b-refresh.png"))

    page.click("button:has-text('Reveal access token')")
    page.wait_for_selector("#curl-command")
    page.click(".copy-button")
    expect(page.locator("#curl-copied")).not_to_have_text("")  # polled from outside: the CSP
    # forbids the eval a string wait_for_function polls with
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("curl -sS -H \"Authorization: Bearer ")
    assert copied.endswith(lab.sandbox.url + "/accounts/api/me")
    shot("03-reveal", ".reveal")

    page.goto(lab.url + "/activity")
    first = page.locator("details.exchange").first
    first.locator("summary").click()
    expect(first.locator("pre.http-request")).to_be_visible()
    assert first.locator("pre.http-request").inner_text().startswith("POST ")
    titles = page.locator(".trace-group h2").all_inner_texts()
    assert titles[0] == "Token refresh" and titles[-1] == "Provider metadata"
    assert "Sign-in" in titles  # the dashboard's first view asked for the profile after it
    shot("04-activity")

    click_nav(page, "#sign-out")
    page.wait_for_selector("#signout-download")
    with page.expect_download() as download:
        page.click("#signout-download")
    assert download.value.suggested_filename == "connected-app-lab-activity.json"
    shot("05-sign-out")
    page.click("#confirm-sign-out")
    page.wait_for_selector("text=You are signed out.")

    other = page.context.browser.new_context(viewport={"width": width, "height": 900})
    page = other.new_page()
    page.goto(lab.url + "/login")  # a new browser's sign-in, answered with a forged state
    page.wait_for_selector("input[name=password]")
    page.goto(lab.url + "/auth/callback?code=forged&state=forged")
    shot("06-failed-sign-in")
    page.click("#sign-in-trace a")
    page.wait_for_selector("#latest-sign-in.trace-group-failed")
    failed = page.locator("#latest-sign-in details.exchange-failed")
    assert "✗ 400 failed" in failed.first.inner_text()
    failed.first.locator("summary").click()
    shot("07-failed-sign-in-trace")
    other.close()
