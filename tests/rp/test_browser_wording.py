"""In Chromium, at 1280 and 390 px, as the viewer: the consent page marks the scope the account
cannot use and, asked for more, which scopes are new; Back after signing in finds the sandbox's
"already answered" page and its link back; a reloaded callback says you are signed in; Revoke
asks first; a stale tab's form says why; sign-out says the Anypoint session remains and its link
leads to the sandbox's sign-out page; the profile's Revoke asks first.

Screenshots go to test-output/screenshots/wording-<step>-<width>.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import submit_sandbox_sign_in

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
ASK = "openid profile offline_access read:applications create:applications"


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def narrow_or_wide(request, chromium):
    width = request.param
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield width, context, page
    context.close()


def fits(page, selector: str) -> None:
    """The element is inside the viewport's width (nothing of it cut off at 390 px)."""
    box = page.locator(selector).bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box, width)


def test_the_right_words_at_the_right_time(sandbox_lab, narrow_or_wide, screenshots):
    width, context, page = narrow_or_wide
    lab = sandbox_lab
    viewer = lab.sandbox.user("viewer")
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/auth/callback" in r.url else None)

    def shot(name: str, full_page: bool = True) -> None:
        page.screenshot(path=str(screenshots / f"wording-{name}-{width}.png"),
                        full_page=full_page)

    # Consent: the viewer may grant create:applications, but cannot deploy.
    page.goto(lab.url + "/")
    page.goto(f"{lab.url}/login?scope={ASK.replace(' ', '+')}")
    submit_sandbox_sign_in(page, viewer)
    page.wait_for_selector("#consent-scopes")
    note = page.locator("#no-right-create-applications")
    assert "your account does not have this permission" in note.inner_text()
    fits(page, "#consent-scopes")
    shot("01-consent-no-right")
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(lab.url + "/")

    # Back: the sandbox's page for a request already answered, with a link back to the app.
    page.go_back()
    page.wait_for_selector("#back-to-app")
    assert "You already answered this request" in page.inner_text("h1")
    shot("02-back-after-sign-in")
    page.click("#back-to-app")
    page.wait_for_selector("#nav-deploy", state="attached")  # in the Menu on a phone

    # The callback opened again while signed in.
    page.goto(callbacks[-1])
    page.wait_for_selector("#already-signed-in")
    assert "You are signed in" in page.inner_text("h1")
    shot("03-callback-again")

    # Ask for more access: what is new is marked.
    page.goto(f"{lab.url}/login?scope={ASK.replace(' ', '+')}+view:environment")
    page.wait_for_selector("#consent-more")
    new = page.locator('li[data-scope="view:environment"] .tag-new')
    expect(new).to_be_visible()
    expect(page.locator('li[data-scope="openid"] .tag-granted')).to_be_visible()
    shot("04-consent-more")
    page.click("button[name=decision][value=allow]")
    page.wait_for_url(lab.url + "/")

    # Revoke: the least destructive choice first, and a confirmation that says what happens.
    page.goto(lab.url + "/access")
    assert page.is_checked("input[name=token][value=access]")
    page.click("#revoke-button")
    page.wait_for_selector("#confirm-dialog #confirm-revoke")  # with JS: a dialog on this page
    assert page.url == lab.url + "/access"
    assert "you stay signed in here" in page.inner_text("#confirm-steps")
    fits(page, "#confirm-revoke")
    shot("05-confirm-revoke-access", full_page=False)  # the dialog
    page.click("#cancel-revoke")
    page.wait_for_selector("#confirm-dialog", state="hidden")
    page.check("input[name=token][value=refresh]")
    page.click("#revoke-button")
    page.wait_for_selector("#confirm-ends")
    shot("06-confirm-revoke-refresh", full_page=False)
    page.click("#cancel-revoke")

    # A stale tab: signed out in another tab, then a form of this one.
    other = context.new_page()
    other.goto(lab.url + "/logout")
    shot_page = page
    other.screenshot(path=str(screenshots / f"wording-07-sign-out-page-{width}.png"),
                     full_page=True)
    other.click("#confirm-sign-out")
    other.wait_for_selector("#provider-session")
    assert "remains" in other.inner_text("#provider-session")
    other.screenshot(path=str(screenshots / f"wording-08-signed-out-{width}.png"),
                     full_page=True)
    sandbox_sign_out = other.get_attribute("#provider-sign-out", "href")
    assert sandbox_sign_out == lab.sandbox.url + "/console/sign-out"
    shot_page.click("text=Refresh now")
    page.wait_for_selector("#problem-action")
    assert "session that has ended" in page.inner_text("main")
    assert page.inner_text("#problem-action") == "Reload the page"
    shot("09-stale-form")
    page.click("#problem-action")
    page.wait_for_url(lab.url + "/access")

    # The sandbox's own sign-out page (the link of the signed-out page).
    other.goto(sandbox_sign_out)
    other.wait_for_selector("#sandbox-sign-out")
    other.screenshot(path=str(screenshots / f"wording-10-sandbox-sign-out-{width}.png"),
                     full_page=True)

    # The profile's Revoke asks first (the viewer is still signed in to the sandbox).
    other.goto(lab.sandbox.url + "/console/profile/connected-apps")
    other.get_by_role("button", name="Revoke").click()
    other.wait_for_selector("#confirm-revoke")
    assert "stops working at once" in other.inner_text("#confirm-steps")
    other.screenshot(path=str(screenshots / f"wording-11-profile-confirm-revoke-{width}.png"),
                     full_page=True)
    other.click("#cancel-revoke")
    other.wait_for_selector("text=Connected App Lab")

    other.goto(sandbox_sign_out)
    other.click("#sandbox-sign-out")
    other.goto(sandbox_sign_out)
    other.wait_for_selector("#not-signed-in")


def test_without_javascript_the_confirmation_is_a_page(sandbox_lab, chromium, screenshots):
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        lab = sandbox_lab
        page.goto(lab.url + "/login?scope=openid+profile+offline_access")
        submit_sandbox_sign_in(page, lab.sandbox.user("developer"))
        page.click("button[name=decision][value=allow]")
        page.wait_for_url(lab.url + "/")
        page.goto(lab.url + "/access/lab")
        page.click("#lab-revoke-both")
        page.wait_for_url(lab.url + "/access/lab/revoke")
        assert "Revoke both tokens?" in page.inner_text("h1")
        page.screenshot(path=str(screenshots / "wording-12-confirm-page-no-js-1280.png"),
                        full_page=True)
        page.click("#confirm-revoke-button")
        page.wait_for_selector("#lab-ended")
    finally:
        context.close()
