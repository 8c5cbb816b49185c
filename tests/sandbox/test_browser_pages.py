"""The sign-in and consent pages in real Chromium, with screenshots for a person to review."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import open_sandbox_authorize

pytestmark = pytest.mark.browser


def test_sign_in_and_consent_pages(sandbox, page, screenshots):
    user = sandbox.user("developer")
    open_sandbox_authorize(page, sandbox, "openid%20profile%20email%20offline_access"
                           "%20read:applications%20create:applications%20view:environment",
                           state="browser-state")
    assert page.title().startswith("Sign in")
    expect(page.get_by_text("Connected App Lab")).to_be_visible()
    page.screenshot(path=str(screenshots / "sandbox-signin.png"), full_page=True)

    page.fill("input[name=username]", user["username"])
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_be_visible()
    page.fill("input[name=password]", user["password"])
    page.click("button[type=submit]")

    page.wait_for_url("**/consent")
    expect(page.get_by_text("Deploy new applications to your environments")).to_be_visible()
    expect(page.locator("button[name=decision][value=allow]")).to_be_visible()
    expect(page.locator("button[name=decision][value=deny]")).to_be_visible()
    page.screenshot(path=str(screenshots / "sandbox-consent.png"), full_page=True)

    with page.expect_request(sandbox.callback + "**") as callback:
        page.click("button[name=decision][value=allow]")
    url = callback.value.url
    assert "code=" in url and "state=browser-state" in url and "iss=" in url
    expect(page.get_by_text("callback reached")).to_be_visible()
