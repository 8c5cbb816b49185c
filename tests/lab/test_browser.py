"""In Chromium: sign in through the sandbox's pages, then use the revocation lab.

Screenshots go to test-output/screenshots/lab-*.png; lab-history.png is the one the issue asks
for (the probe history after a refresh-token revocation).
"""

from __future__ import annotations

import pytest

from tests.support.browser import sign_in_through_sandbox

pytestmark = pytest.mark.browser


def test_lab_probe_history_after_revoking_the_refresh_token(sandbox_lab, page, screenshots):
    lab = sandbox_lab

    def shot(name, full_page=True):
        page.screenshot(path=str(screenshots / f"lab-{name}.png"), full_page=full_page)

    sign_in_through_sandbox(page, lab.url, lab.user)

    page.click("text=Delegated access")
    page.click("#open-lab")
    page.wait_for_selector("#scenarios")
    assert page.locator(".lab-card").count() == 7
    assert "s" in page.inner_text("#scenario-expiry .countdown")  # counting down (external JS)
    profile = page.get_attribute("#lab-link-profile", "href")
    assert profile == lab.sandbox.url + "/console/profile/connected-apps"
    shot("scenarios")

    page.click("#probe-now")
    page.wait_for_selector("#probe-history")
    page.click("#lab-revoke-access")
    page.click("#confirm-revoke-button")  # the confirmation step (tests/rp/test_wording.py)
    page.wait_for_selector("#probe-history tbody tr:nth-child(2)")
    page.click("#probe-now")
    page.wait_for_selector("#probe-history tbody tr:nth-child(3)")
    page.click("#lab-revoke-refresh")
    page.click("#confirm-revoke-button")
    page.wait_for_selector("#probe-history tbody tr:nth-child(4)")
    newest = page.inner_text("#probe-history tbody tr:first-child")
    assert "revoked the refresh token (from this app)" in newest
    assert "invalid_grant" in newest
    assert "refresh attempt: new tokens → invalid_grant" in newest
    page.locator("#history").scroll_into_view_if_needed()
    shot("history")

    page.goto(lab.url + "/access")
    page.wait_for_selector("#ended")
    assert "Sign in again" in page.inner_text("#ended")
    shot("ended")
