"""Every page and state of the app and the sandbox, signed out and as each seeded person, at
1280 px and 390 px: axe-core finds no serious or critical violation and no page scrolls
sideways (``tests.support.a11y``). Screenshots: test-output/screenshots/a11y-<page>-<width>.png.

A new page of the app is one line in the lists below.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.support.a11y import OVERFLOW, AxeTour
from tests.support.browser import sign_in_with_scopes, submit_sandbox_sign_in
from tests.support.jars import load_builder
from tests.support.labs import DEPLOY_SCOPES

pytestmark = pytest.mark.browser

#: (screenshot name, path) of the app's pages anyone may open.
SIGNED_OUT_PAGES = [
    ("home", "/"),
    ("cicd", "/cicd/"),
    ("activity", "/activity"),
    ("access", "/access"),
    ("not-found", "/no-such-page"),
    ("callback-without-sign-in", "/auth/callback?code=x&state=y"),
    ("signed-out", "/signed-out"),
    ("explore", "/explore"),
]
#: The app's pages for a signed-in person, visited as each role.
SIGNED_IN_PAGES = [
    ("dashboard", "/"),
    ("access", "/access"),
    ("lab", "/access/lab"),
    ("activity", "/activity"),
    ("deploy", "/deploy"),
    ("cicd", "/cicd/"),
]
#: The sandbox's console, as the admin who is signed in to it.
CONSOLE_PAGES = [
    ("connected-apps", "/console/access-management/connected-apps/"),
    ("new-app", "/console/access-management/connected-apps/new?kind=user"),
    ("policy", "/console/access-management/authorization-policy/"),
    ("audit-log", "/console/audit-log/"),
    ("profile-apps", "/console/profile/connected-apps"),
    ("password", "/console/profile/password"),
]


@pytest.fixture
def tour(page, screenshots) -> AxeTour:
    """The tour of this test (each test ends with ``tour.assert_clean()``)."""
    return AxeTour(page, screenshots)


def visit(tour: AxeTour, base: str, pages: list[tuple[str, str]], prefix: str) -> None:
    for name, path in pages:
        tour.page.goto(base + path)
        tour.check(f"{prefix}-{name}")


def test_signed_out_sign_in_and_consent(deploy_lab, page, tour):
    lab = deploy_lab
    visit(tour, lab.url, SIGNED_OUT_PAGES, "app-signed-out")

    page.goto(lab.url + "/")
    page.click("#sign-in")
    page.wait_for_selector("input[name=password]")
    tour.check("sandbox-sign-in")
    submit_sandbox_sign_in(page, {**lab.sandbox.user("admin"), "password": "wrong"})
    page.wait_for_selector(".alert")
    tour.check("sandbox-sign-in-wrong-password")
    submit_sandbox_sign_in(page, lab.sandbox.user("admin"))
    page.wait_for_selector("button[name=decision][value=allow]")
    tour.check("sandbox-consent")
    page.click("button[name=decision][value=deny]")
    page.wait_for_selector("#problem-action")
    tour.check("app-declined-consent")

    page.goto(f"{lab.sandbox.issuer}/authorize?response_type=code&client_id=nobody"
              "&redirect_uri=http://localhost:1/cb&scope=openid&state=s")
    tour.check("sandbox-unknown-client")
    tour.assert_clean()


def test_admin_pages_and_the_console(deploy_lab, page, tour):
    lab = deploy_lab
    sign_in_with_scopes(page, lab, "admin", "openid profile email offline_access")
    visit(tour, lab.url, SIGNED_IN_PAGES, "app-admin")

    page.goto(lab.url + "/access/lab")
    page.click("#probe-now")
    page.wait_for_selector("#probe-history tbody tr")
    tour.check("app-admin-lab-after-probe")

    page.goto(lab.url + "/access")
    page.check("input[name=token][value=refresh]")
    page.click("#revoke-button")
    page.wait_for_selector("#confirm-revoke-button")
    tour.check("app-admin-revoke-confirmation")
    page.click("#confirm-revoke-button")
    page.wait_for_selector("#probe-results")
    tour.check("app-admin-after-revoke")

    visit(tour, lab.sandbox.url, CONSOLE_PAGES, "console")
    page.goto(lab.sandbox.url + CONSOLE_PAGES[0][1])
    page.get_by_role("link", name="Connected App Lab").first.click()
    tour.check("console-app")
    page.get_by_role("link", name="Authorizations").first.click()
    tour.check("console-app-authorizations")

    sign_in_with_scopes(page, lab, "admin", "openid profile")  # the revoke ended the first
    page.click("#sign-out")
    page.wait_for_selector("#confirm-sign-out")
    page.click("#confirm-sign-out")
    page.wait_for_selector("text=You are signed out.")
    tour.check("app-signed-out-notice")
    tour.assert_clean()


def test_a_sign_in_the_organization_has_not_approved(deploy_lab, page, tour):
    """The admin restricts the organization's connected apps in the console; the next sign-in
    stops at the sandbox's "not approved" page, and returning to the app shows its error."""
    lab = deploy_lab
    sign_in_with_scopes(page, lab, "admin", "openid profile")
    page.goto(lab.sandbox.url + "/console/access-management/authorization-policy/")
    page.check("input[name=policy][value=restricted]")
    page.uncheck("input[name=internal]")
    page.get_by_role("button", name="Save policy").click()
    page.wait_for_selector("text=policy was saved")
    tour.check("console-policy-restricted")

    page.goto(f"{lab.url}/login?scope=openid+profile+email")
    page.wait_for_selector("text=is not approved by your organization")
    tour.check("sandbox-restricted")
    page.get_by_role("button", name="Return to Connected App Lab").click()
    page.wait_for_selector("#problem-action")
    assert page.url.startswith(lab.url)
    assert "Your earlier sign-in here is unchanged." in page.inner_text("main")
    tour.check("app-sign-in-not-approved")
    tour.assert_clean()


def deployed(lab, name: str, folder) -> str:
    """Deploy hello-mule as the developer (through the app, with requests) and wait until
    CloudHub says STARTED; the application page's path."""
    env = lab.sandbox.environment_id("Sandbox")
    browser = lab.signed_in("developer")
    jar = load_builder().build(folder / f"{name}.jar")
    answer = lab.post_deploy(browser, lab.deploy_fields(browser, env, name), jar)
    assert answer.status_code == 303, answer.text[:300]
    path = f"/deploy/{env}/{name}"
    deadline = time.monotonic() + 15
    while browser.get(lab.url + path + "/status.json", timeout=10).json()["status"] != "STARTED":
        assert time.monotonic() < deadline, "the deployment did not start"
        time.sleep(0.1)
    return path


def test_developer_pages_and_an_application(deploy_lab, page, tour, tmp_path):
    lab = deploy_lab
    app_path = deployed(lab, "tour-app", tmp_path)
    sign_in_with_scopes(page, lab, "developer", DEPLOY_SCOPES)
    visit(tour, lab.url, SIGNED_IN_PAGES, "app-developer")
    visit(tour, lab.url, [
        ("application", app_path),
        ("application-logs", app_path + "/logs"),
        ("application-delete", app_path + "/delete"),
        ("deploy-production",
         "/deploy?environment=" + lab.sandbox.environment_id("Production")),
    ], "app-developer")
    tour.assert_clean()


def test_viewer_pages(deploy_lab, page, tour):
    lab = deploy_lab
    sign_in_with_scopes(page, lab, "viewer", DEPLOY_SCOPES)
    visit(tour, lab.url, SIGNED_IN_PAGES, "app-viewer")
    sign_in_with_scopes(page, lab, "viewer", "openid profile")
    visit(tour, lab.url, [("deploy-without-scopes", "/deploy"),
                          ("dashboard-few-scopes", "/")], "app-viewer")
    tour.assert_clean()


def test_the_menu_collapses_at_390_and_opens_by_keyboard(deploy_lab, page, screenshots):
    lab = deploy_lab
    sign_in_with_scopes(page, lab, "developer", DEPLOY_SCOPES)
    menu, deploy, sign_out = page.locator(".nav-toggle"), page.locator("#nav-deploy"), \
        page.locator("#sign-out")
    assert deploy.is_visible() and sign_out.is_visible() and not menu.is_visible()  # 1280 px

    page.set_viewport_size({"width": 390, "height": 900})
    assert menu.is_visible() and not deploy.is_visible() and not sign_out.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "nav-toggle"
    page.keyboard.press("Enter")
    expect(deploy).to_be_visible()
    expect(sign_out).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(screenshots / "a11y-app-menu-open-390.png"), full_page=True)
    sign_out.focus()
    page.keyboard.press("Enter")  # the sign-out page, which offers the trace first
    page.click("#confirm-sign-out")
    page.wait_for_selector("text=You are signed out.")

    page.goto(lab.sandbox.url + "/console/profile/connected-apps")
    page.locator("input[name=password]").or_(page.locator(".sidenav")).first.wait_for()
    if page.locator("input[name=password]").count():  # the sandbox forgot the developer
        submit_sandbox_sign_in(page, lab.sandbox.user("developer"))
    page.wait_for_selector(".sidenav")
    links = page.locator(".sidenav a")
    console_menu = page.locator(".sidenav .nav-toggle")
    assert console_menu.is_visible() and not links.first.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    console_menu.focus()
    page.keyboard.press("Enter")
    expect(links.first).to_be_visible()
    page.screenshot(path=str(screenshots / "a11y-console-menu-open-390.png"), full_page=True)
