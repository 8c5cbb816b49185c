"""In Chromium: sign in as the developer, deploy hello-mule with the form (the progress bar shows
while it uploads), watch it reach STARTED and its log fill in, read its deployments and logs,
then delete it through the confirmation step.

Screenshots go to test-output/screenshots/deploy-*.png for a person to look at.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in_with_scopes
from tests.support.jars import load_builder
from tests.support.labs import DeployLab

pytestmark = pytest.mark.browser
UPLOAD_BYTES_PER_SECOND = 1024 * 1024  # DevTools throttling, so the upload takes a few seconds


@pytest.fixture
def slow_lab(tmp_path):
    """The lab with deploys that take 1.5 s, long enough to see the status being followed."""
    instance = DeployLab(tmp_path, SANDBOX_DEPLOY_SECONDS=1.5)
    yield instance
    instance.stop()


def wait_until(condition, seconds: float = 15) -> None:
    """Poll ``condition`` from Python (the CSP forbids the page-side eval Playwright would use)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_deploy_with_the_form_and_watch_it_start(slow_lab, page, screenshots, tmp_path):
    lab = slow_lab
    sandbox = lab.sandbox.environment_id("Sandbox")
    jar = load_builder().build(tmp_path / "hello-mule-1.0.0-mule-application.jar", pad_mb=4)

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshots / f"deploy-{name}.png"), full_page=True)

    sign_in_with_scopes(page, lab)
    page.click("#nav-deploy")
    page.wait_for_selector("#deploy-form")
    assert page.locator("#environment-select option:checked").inner_text().startswith("Sandbox")
    assert page.locator("#deploy-refusal").count() == 0
    shot("01-form")

    # A mistake first: the form comes back with the message next to the field, input kept.
    page.fill("#name", "hello-browser")
    page.fill("#properties", "greeting=hello\nthis line has no equals sign")
    page.set_input_files("#file", str(jar))
    page.click("#deploy-submit")
    page.wait_for_selector("#properties-error")
    assert "Line 2" in page.inner_text("#properties-error")
    assert page.input_value("#name") == "hello-browser"
    shot("02-form-error")

    page.fill("#properties", "greeting=hello\nhttp.port=8081")
    page.wait_for_selector("#name-check.hint-ok")
    assert "hello-browser.cloudhub.io is available" in page.inner_text("#name-check")
    page.set_input_files("#file", str(jar))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": UPLOAD_BYTES_PER_SECOND})
    page.click("#deploy-submit")
    page.wait_for_selector("#deploy-progress:not([hidden])")
    wait_until(lambda: float(page.get_attribute("#deploy-progress progress", "value")) >= 25)
    text = page.inner_text("#deploy-progress .upload-text")
    assert re.fullmatch(r"Uploading [\d.]+ MB of [\d.]+ MB \(\d+%\)", text), text
    assert page.is_disabled("#deploy-submit")
    shot("03-uploading")

    page.wait_for_url(f"{lab.url}/deploy/{sandbox}/hello-browser", timeout=30_000)
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    assert page.inner_text("#app-status") in ("DEPLOYING", "STARTED")
    if page.inner_text("#app-status") == "DEPLOYING":
        assert page.is_visible("#app-live")
        expect(page.locator("#app-log-lines")).to_contain_text(
            "Deploying application hello-browser")
        shot("04-deploying")
    expect(page.locator("#app-status")).to_have_text("STARTED", timeout=15_000)
    page.wait_for_selector("#stop")  # the page reloaded with the actions of a started app
    assert not page.is_visible("#app-live")
    expect(page.locator("#app-log-lines")).to_contain_text("Started app 'hello-browser'")
    assert "running" in page.inner_text("#app-log-note")
    shot("05-started")

    page.click("#all-logs")
    page.wait_for_selector("#log-lines")
    assert page.inner_text("#deployments li.is-current .badge") == "running"
    assert "Your application is started." in page.inner_text("#log-lines")
    shot("06-logs")

    page.click("#nav-deploy")
    page.wait_for_selector("tr[data-domain=hello-browser]")
    assert page.inner_text("tr[data-domain=hello-browser] .badge") == "STARTED"
    shot("07-list")

    page.click("a[href$='/hello-browser']")
    page.click("#delete")
    page.wait_for_selector("#confirm-delete")
    shot("08-confirm-delete")
    page.click("#confirm-delete-button")
    page.wait_for_selector("#deploy-notice")
    assert "hello-browser was deleted." in page.inner_text("#deploy-notice")
    shot("09-deleted")


def test_viewer_sees_the_missing_right_and_scope_panels(deploy_lab, page, screenshots,
                                                        sample_jar):
    lab = deploy_lab
    sign_in_with_scopes(page, lab, "viewer")
    page.click("#nav-deploy")
    page.fill("#name", "viewer-app")
    page.set_input_files("#file", str(sample_jar))
    page.click("#deploy-submit")
    page.wait_for_selector("#deploy-refusal[data-kind=right]")
    assert "Missing right: create:applications" in page.inner_text("#deploy-refusal h3")
    assert page.input_value("#name") == "viewer-app"
    page.wait_for_selector("#name-check.hint-ok")  # the re-rendered form checked the name
    page.locator("#deploy-refusal").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "deploy-10-missing-right.png"), full_page=True)

    # Signing in again with fewer scopes: deploying now lacks a scope, not a right.
    sign_in_with_scopes(page, lab, "viewer", "openid profile view:environment read:applications")
    page.goto(lab.url + "/deploy")
    page.wait_for_selector("#deploy-refusal[data-kind=scope]")
    assert page.is_visible("#deploy-refusal .ask-more")
    page.screenshot(path=str(screenshots / "deploy-11-missing-scope.png"), full_page=True)
