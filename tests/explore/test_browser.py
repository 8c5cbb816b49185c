"""In Chromium, at 1280 and 390 px: sign in through the sandbox, open the API explorer from the
navigation, run a preset and read the answer; a refused path is marked beside its field; a
missing scope offers "Ask for more access". Nothing of the page's content overflows sideways.

Screenshots go to test-output/screenshots/explore-*.png for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import click_nav, sign_in_with_scopes
from tests.support.labs import LabOnSandbox

pytestmark = pytest.mark.browser


class ExploreLab(LabOnSandbox):
    role = "admin"
    scope = "openid profile email offline_access view:environment read:applications"


@pytest.fixture
def explore_lab(tmp_path):
    instance = ExploreLab(tmp_path)
    yield instance
    instance.stop()


def no_sideways_scroll(page) -> None:
    """Nothing of the page's own content reaches past the window's width (the navigation bar
    is the page frame's, not this page's)."""
    width = page.viewport_size["width"]
    right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('main *'),"
                          " e => e.getBoundingClientRect().right))")
    assert right <= width, right


@pytest.mark.parametrize("width", [1280, 390])
def test_run_a_preset_and_read_the_answer(explore_lab, page, screenshots, width):
    lab = explore_lab
    page.set_viewport_size({"width": width, "height": 900})

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshots / f"explore-{width}-{name}.png"), full_page=True)

    sign_in_with_scopes(page, lab)
    click_nav(page, "#nav-explore")
    page.wait_for_selector("#explore-form")
    assert page.get_by_label("Method").input_value() == "GET"
    no_sideways_scroll(page)
    shot("01-empty")

    page.click("#preset-environments")
    page.wait_for_selector("#preset-environments[aria-current]")
    assert page.input_value("#path").endswith("/environments")
    page.click("#explore-send")
    page.wait_for_selector("#explore-result")
    assert page.inner_text("#explore-status") == "200"
    request = page.inner_text("#explore-request")
    assert request.startswith("GET /accounts/api/organizations/")
    assert "Authorization: Bearer fp:" in request
    answer = page.inner_text("#explore-response")
    assert answer.startswith("HTTP/1.1 200 OK") and '"name": "Sandbox"' in answer
    no_sideways_scroll(page)
    shot("02-environments")

    page.click("#preset-applications")
    assert page.locator("#environment option:checked").inner_text().startswith("Sandbox")
    page.click("#explore-send")
    page.wait_for_selector("#explore-result")
    assert page.inner_text("#explore-status") == "200"
    assert "X-ANYPNT-ENV-ID: " + lab.sandbox.environment_id("Sandbox") in page.inner_text(
        "#explore-request")

    page.fill("#path", "//evil.example/accounts/api/me")
    page.click("#explore-send")
    page.wait_for_selector("#path-error")
    assert "names another host" in page.inner_text("#path-error")
    assert page.locator("#explore-result").count() == 0
    no_sideways_scroll(page)
    shot("03-refused-path")

    page.click("#preset-audit")
    page.click("#explore-send")
    page.wait_for_selector("#explore-refusal")
    assert page.inner_text("#explore-status") == "403"
    assert "read:audit_logs" in page.inner_text("#explore-refusal h3")
    expect(page.locator("#explore-refusal .ask-more")).to_be_visible()
    no_sideways_scroll(page)
    shot("04-missing-scope")
