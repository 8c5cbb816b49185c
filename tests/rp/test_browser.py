"""In Chromium: sign in through the sandbox's pages, consent, dashboard, revoke, sign out.

Screenshots of every page go to test-output/screenshots/rp-*.png for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import click_nav, fill_sandbox_sign_in, sign_in_through_sandbox

pytestmark = pytest.mark.browser


def test_browser_journey(sandbox_lab, page, screenshots):
    lab = sandbox_lab

    def shot(name):
        page.screenshot(path=str(screenshots / f"rp-{name}.png"), full_page=True)

    page.goto(lab.url + "/")
    expect(page.locator("#sign-in")).to_be_visible()
    shot("01-home")
    page.click("#sign-in")
    fill_sandbox_sign_in(page, lab.user)
    shot("02-sandbox-sign-in")
    page.click("button[type=submit]")
    page.wait_for_selector("button[name=decision][value=allow]")
    shot("03-sandbox-consent")
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(lab.url + "/")
    assert "Hello, Alex Rivera" in page.inner_text("h1")
    assert page.inner_text("#org-name") == lab.sandbox.seed["organization"]["name"]
    shot("04-dashboard")

    page.click("text=Delegated access")
    page.wait_for_selector("#report-card")
    assert page.locator(".countdown").count() == 1
    shot("05-access")

    page.check("input[name=token][value=refresh]")
    page.click("#revoke-button")
    page.click("#confirm-revoke-button")  # the confirmation step (tests/rp/test_wording.py)
    page.wait_for_selector("#probe-results")
    assert "rejected" in page.inner_text("#probe-results")
    shot("06-after-revoke")

    page.goto(lab.url + "/activity")
    shot("07-activity")

    page.goto(lab.url + "/")
    page.click("#sign-in")
    page.wait_for_selector("button[name=decision][value=allow]")
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(lab.url + "/")
    click_nav(page, "#sign-out")  # the sign-out page offers the trace first
    page.click("#confirm-sign-out")
    page.wait_for_selector("text=You are signed out.")
    shot("08-signed-out")


def test_browser_declined_consent(sandbox_lab, page, screenshots):
    lab = sandbox_lab
    sign_in_through_sandbox(page, lab.url, lab.user, decision="deny")
    page.wait_for_selector("#problem-action")
    assert "chose not to give this app access" in page.inner_text("main")
    page.screenshot(path=str(screenshots / "rp-09-declined.png"), full_page=True)
