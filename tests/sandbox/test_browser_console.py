"""The console in real Chromium: the admin signs in, sees Connected Apps, an app's
authorizations, the audit log, and a user's profile — with screenshots for a person to review."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import open_sandbox_authorize, submit_sandbox_sign_in

pytestmark = pytest.mark.browser


def test_admin_console_and_profile(sandbox, page, screenshots):
    admin = sandbox.user("admin")
    open_sandbox_authorize(page, sandbox,
                           "openid%20profile%20email%20offline_access%20read:applications", "s")
    submit_sandbox_sign_in(page, admin)
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(sandbox.callback + "**")
    code = re.search(r"code=([^&]+)", page.url).group(1)
    lab = sandbox.app_named("Connected App Lab")
    tokens = requests.post(f"{sandbox.issuer}/token", timeout=5, data={
        "grant_type": "authorization_code", "code": code, "client_id": lab["client_id"],
        "client_secret": lab["client_secret"],
        "redirect_uri": sandbox.callback}).json()
    me = requests.get(f"{sandbox.url}/accounts/api/me", timeout=5,
                      headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200

    page.goto(f"{sandbox.url}/console/access-management/connected-apps/")
    expect(page.get_by_role("heading", name="Connected Apps")).to_be_visible()
    expect(page.get_by_role("link", name="Connected App Lab")).to_be_visible()
    page.screenshot(path=str(screenshots / "sandbox-connected-apps.png"), full_page=True)

    page.get_by_role("link", name="Authorizations").first.click()
    expect(page.get_by_role("row", name=re.compile("Alex Rivera"))).to_be_visible()
    page.screenshot(path=str(screenshots / "sandbox-app-authorizations.png"), full_page=True)

    page.goto(f"{sandbox.url}/console/access-management/connected-apps/new?kind=user")
    page.fill("input[name=name]", "Release Notes Bot")
    page.fill("textarea[name=redirect_uris]", "http://localhost:7000/callback")
    page.check("input[name=scope][value=openid]")
    page.get_by_role("button", name="Create app").click()
    expect(page.get_by_text("Release Notes Bot was created")).to_be_visible()

    page.goto(f"{sandbox.url}/console/audit-log/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Showing 1–\d+ of \d+ entries"))).to_be_visible()
    page.screenshot(path=str(screenshots / "sandbox-audit-log.png"), full_page=True)

    page.goto(f"{sandbox.url}/console/profile/connected-apps")
    expect(page.get_by_role("heading", name="Connected App Lab")).to_be_visible()
    assert page.get_by_text("Last used Never").count() == 0
    page.screenshot(path=str(screenshots / "sandbox-profile.png"), full_page=True)
    page.get_by_role("button", name="Revoke").click()
    page.locator("#confirm-revoke-button").click()  # the confirmation step (see test_confirmations)
    expect(page.get_by_text("no longer has access")).to_be_visible()
    assert requests.get(f"{sandbox.url}/console/profile/connected-apps", timeout=5,
                        allow_redirects=False).status_code == 302
