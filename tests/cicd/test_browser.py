"""In Chromium: signed in through the sandbox, generate a pipeline set-up on /cicd and copy it.

The screenshot goes to test-output/screenshots/cicd.png for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import click_nav, sign_in_through_sandbox

pytestmark = pytest.mark.browser


def test_generate_and_copy_the_pipeline_setup(sandbox_lab, page, screenshots):  # noqa: F811
    lab = sandbox_lab
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab.url)
    sign_in_through_sandbox(page, lab.url, lab.user)

    click_nav(page, "#nav-cicd")
    page.wait_for_selector("#generator")
    assert page.locator("#environment option").all_inner_texts() == [
        "Sandbox", "Design", "Production"]
    page.fill("#name", "orders-api")
    page.select_option("#worker_size", "Small")
    page.select_option("#region", "eu-west-1")
    page.fill("#workers", "2")
    page.click("#generate")
    page.wait_for_selector("#pom-block")
    pom = page.inner_text("#pom-block")
    assert "<applicationName>orders-api</applicationName>" in pom
    assert "<workerType>SMALL</workerType>" in pom and "<workers>2</workers>" in pom
    assert "<connectedAppClientSecret>${client.secret}</connectedAppClientSecret>" in pom

    page.click("#pom-block-copy")
    expect(page.locator("#pom-block-copy")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == pom
    page.screenshot(path=str(screenshots / "cicd.png"), full_page=True)

    secrets = [app["client_secret"] for app in lab.sandbox.seed["apps"]]
    assert all(secret not in page.content() for secret in secrets)
