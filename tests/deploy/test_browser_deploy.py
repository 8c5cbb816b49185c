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

from tests.support.browser import click_nav, sign_in_with_scopes
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
    click_nav(page, "#nav-deploy")
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

    # Redeploy with the form: the page follows the update live and shows the new JAR.
    v2 = load_builder().build(tmp_path / "hello-v2.jar")
    page.set_input_files("#redeploy-file", str(v2))
    page.click("#redeploy")
    expect(page.locator("#app-jar")).to_have_text("hello-v2.jar")
    expect(page.locator("#update-note")).to_be_hidden(timeout=15_000)
    expect(page.locator("#app-status")).to_have_text("STARTED")
    assert not page.is_visible("#app-live")
    shot("05b-redeployed")

    page.click("#all-logs")
    page.wait_for_selector("#log-lines")
    assert page.inner_text("#deployments li.is-current .badge") == "running"
    assert "Your application is started." in page.inner_text("#log-lines")
    shot("06-logs")

    click_nav(page, "#nav-deploy")
    page.wait_for_selector("tr[data-domain=hello-browser]")
    assert page.inner_text("tr[data-domain=hello-browser] .badge") == "STARTED"
    shot("07-list")

    page.click("a[href$='/hello-browser']")
    page.click("#delete")
    page.wait_for_selector("#confirm-delete")
    expect(page.locator("#cancel-delete")).to_be_focused()  # keeping it is the default
    shot("08-confirm-delete")
    page.click("#confirm-delete-button")
    page.wait_for_selector("#deploy-notice")
    assert "hello-browser was deleted." in page.inner_text("#deploy-notice")
    shot("09-deleted")


def test_the_viewer_is_told_before_uploading_and_cannot_stop_or_delete(deploy_lab, page,
                                                                          screenshots,
                                                                          sample_jar):
    lab = deploy_lab
    developer = lab.signed_in("developer")
    sandbox = lab.sandbox.environment_id("Sandbox")
    assert lab.post_deploy(developer, lab.deploy_fields(developer, sandbox, "team-app"),
                           sample_jar).status_code == 303
    sign_in_with_scopes(page, lab, "viewer")
    click_nav(page, "#nav-deploy")
    page.wait_for_selector("#deploy-refusal[data-kind=right]")
    assert "Missing right: create:applications" in page.inner_text("#deploy-refusal h3")
    assert "Your user (viewer) may not deploy applications in Sandbox" in page.inner_text(
        "#deploy-refusal")
    assert page.is_disabled("#deploy-submit") and page.is_disabled("#file")
    assert page.inner_text("tr[data-scope='create:applications'] .cell-right") == "not yours"
    assert page.is_visible("#rights-note")
    page.screenshot(path=str(screenshots / "deploy-10-viewer-before-upload.png"), full_page=True)

    page.click("a[href$='/team-app']")
    page.wait_for_selector("#manage-off[data-kind=right]")
    assert page.is_disabled("#stop") and page.is_disabled("#delete")
    assert page.is_disabled("#redeploy") and page.is_disabled("#redeploy-file")
    page.screenshot(path=str(screenshots / "deploy-11-viewer-app.png"), full_page=True)

    # Signing in again with fewer scopes: deploying now lacks a scope, and a right too.
    sign_in_with_scopes(page, lab, "viewer", "openid profile view:environment read:applications")
    page.goto(lab.url + "/deploy")
    page.wait_for_selector("#deploy-refusal[data-kind=scope]")
    assert page.is_visible("#deploy-refusal .ask-more")
    assert "even with the scope it would refuse" in page.inner_text("#deploy-refusal")
    page.screenshot(path=str(screenshots / "deploy-12-missing-scope.png"), full_page=True)


def test_the_developer_in_production_is_told_before_uploading(deploy_lab, page, screenshots):
    lab = deploy_lab
    sign_in_with_scopes(page, lab, "developer")
    click_nav(page, "#nav-deploy")
    page.wait_for_selector("#deploy-form")
    assert page.locator("#deploy-refusal").count() == 0 and page.is_enabled("#deploy-submit")
    page.select_option("#environment-select", label="Production (production)")
    page.wait_for_selector("#deploy-refusal[data-kind=right]")
    assert "may not deploy applications in Production" in page.inner_text("#deploy-refusal")
    assert page.is_disabled("#deploy-submit") and page.is_disabled("#name")
    page.screenshot(path=str(screenshots / "deploy-13-developer-production.png"), full_page=True)


def test_the_file_and_the_name_are_checked_before_sending(tmp_path, page, screenshots):
    lab = DeployLab(tmp_path, rp_settings={"DEPLOY_MAX_UPLOAD_MB": "1"})
    try:
        posts = []
        page.on("request", lambda request: posts.append(request.url)
                if request.method == "POST" and request.url.endswith("/deploy") else None)
        sign_in_with_scopes(page, lab)
        click_nav(page, "#nav-deploy")
        page.wait_for_selector("#deploy-form")
        notes = tmp_path / "notes.txt"
        notes.write_text("not a jar")
        page.fill("#name", "checked-in-the-browser")
        page.set_input_files("#file", str(notes))
        expect(page.locator("#deploy-progress .upload-text")).to_contain_text("is not a JAR")
        renamed = tmp_path / "renamed.jar"
        renamed.write_text("a text file with a .jar name")
        page.set_input_files("#file", str(renamed))
        page.click("#deploy-submit")
        expect(page.locator("#deploy-progress .upload-text")).to_contain_text(
            "is not a JAR (zip) archive, so it was not sent")
        big = load_builder().build(tmp_path / "big.jar", pad_mb=2)
        page.set_input_files("#file", str(big))
        page.click("#deploy-submit")
        expect(page.locator("#deploy-progress .upload-text")).to_contain_text(
            "more than the 1.0 MB CloudHub accepts")
        page.screenshot(path=str(screenshots / "deploy-14-file-checked.png"), full_page=True)
        assert posts == []

        page.fill("#name", "n" * 50)  # too long: said, not cut
        expect(page.locator("#name-check")).to_have_text("Use 3 to 42 characters.")
        assert page.input_value("#name") == "n" * 50
        small = load_builder().build(tmp_path / "hello.jar")
        page.set_input_files("#file", str(small))
        page.click("#deploy-submit")
        page.wait_for_selector("#name-error")
        assert page.inner_text("#name-error") == "Use 3 to 42 characters."
        assert page.input_value("#name") == "n" * 50
        assert page.input_value("#file").endswith("hello.jar")  # the chosen file is kept
        page.screenshot(path=str(screenshots / "deploy-15-name-too-long.png"), full_page=True)
    finally:
        lab.stop()
