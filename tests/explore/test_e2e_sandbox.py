"""End to end over real HTTP: the explorer against the real sandbox, as the admin, the
developer and the viewer — the presets answered, a missing scope asked for and the call found
again afterwards, a missing right named, the echoed token kept out of the page; and a platform
that trickles its answer holds the page no longer than the deadline."""

from __future__ import annotations

import html
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.explore.test_app import fields
from tests.support.faults import TricklingServer
from tests.support.labs import LabOnSandbox, sign_in_at
from tests.support.pages import csrf_of

EVERYTHING = "openid profile email offline_access full read:audit_logs"


@pytest.fixture
def explore_lab(tmp_path):
    instance = LabOnSandbox(tmp_path)
    yield instance
    instance.stop()


def run_preset(lab, browser, name: str):
    """GET the preset, then send the form it filled: the answer page."""
    page = browser.get(f"{lab.url}/explore", params={"preset": name}, timeout=20)
    assert page.status_code == 200, page.text[:500]
    return browser.post(f"{lab.url}/explore", timeout=30, data={
        "csrf_token": csrf_of(page.text), **fields(page.text)})


def status_of(page) -> int:
    return int(re.search(r'id="explore-status">(\d+)<', page.text)[1])


def test_the_admin_runs_every_preset(explore_lab):
    lab = explore_lab
    browser = lab.signed_in("admin", EVERYTHING)
    statuses = {}
    for name in ("me", "environments", "applications", "connected-apps", "audit"):
        answer = run_preset(lab, browser, name)
        assert answer.status_code == 200, answer.text[:500]
        statuses[name] = status_of(answer)
        assert "Authorization: Bearer fp:" in answer.text
    assert statuses == dict.fromkeys(statuses, 200)
    apps = run_preset(lab, browser, "connected-apps").text
    assert "Connected App Lab" in apps and "CI Deployer" in apps
    audit = html.unescape(run_preset(lab, browser, "audit").text)
    assert '"total":' in audit


def test_a_missing_scope_is_asked_for_and_the_call_comes_back(explore_lab):
    lab = explore_lab
    browser = lab.signed_in("developer", "openid profile view:environment")
    answer = run_preset(lab, browser, "audit")
    assert status_of(answer) == 403
    assert "Missing scope: <code>read:audit_logs</code>" in answer.text
    ask = html.unescape(re.search(r'ask-more" href="([^"]+)"', answer.text)[1])
    asked = {key: values[0] for key, values in parse_qs(urlsplit(ask).query).items()}
    back = sign_in_at(browser, lab.url, lab.sandbox.user("developer"), asked["scope"],
                      next=asked["next"])
    # the sign-in returns to the explorer with the same call in the form
    assert back.url.startswith(lab.url + "/explore?"), back.url
    again = fields(back.text)
    assert again["method"] == "POST" and again["path"].startswith("/audit/v2/organizations/")
    assert "read:audit_logs" in lab.session(browser)["scopes"]


def test_the_viewer_is_told_which_right_is_missing(explore_lab):
    lab = explore_lab
    browser = lab.signed_in("viewer", "openid profile full")
    answer = run_preset(lab, browser, "connected-apps")
    assert status_of(answer) == 403
    assert "Missing right: <code>full</code>" in answer.text
    assert "is not an Organization Administrator" in html.unescape(answer.text)


def test_the_token_the_platform_echoes_stays_out_of_the_page(explore_lab):
    lab = explore_lab
    tokens = lab.app.extensions["connected_app_lab"].tokens
    held, save = [], tokens.save
    tokens.save = lambda grant_id, token_set: (held.append(token_set.access_token),
                                               save(grant_id, token_set))
    browser = lab.signed_in("admin", "openid profile")
    page = browser.get(lab.url + "/explore", timeout=20)
    answer = browser.post(lab.url + "/explore", timeout=30, data={
        "csrf_token": csrf_of(page.text), "method": "GET", "path": "/accounts/api/profile"})
    assert status_of(answer) == 200
    assert held and "access_token&#34;: &#34;fp:" in answer.text  # /profile echoes it
    trace = browser.get(lab.url + "/activity.json", timeout=20).text
    for token in held:
        assert token not in answer.text and token not in trace


def test_a_trickling_platform_holds_the_explorer_no_longer_than_the_deadline(explore_lab):
    lab = explore_lab
    browser = lab.signed_in("admin", "openid profile")
    page = browser.get(lab.url + "/explore", timeout=20)  # what Anypoint says is now kept
    client = lab.app.extensions["connected_app_lab"].client
    trickling = TricklingServer(interval=0.3)
    saved = client.base_url, client.deadline
    client.base_url, client.deadline = trickling.url, 1.5
    try:
        started = time.monotonic()
        answer = browser.post(lab.url + "/explore", timeout=60, data={
            "csrf_token": csrf_of(page.text), "method": "GET", "path": "/accounts/api/me"})
        took = time.monotonic() - started
    finally:
        client.base_url, client.deadline = saved
        trickling.close()
    assert answer.status_code == 504, answer.text[:300]
    assert "cannot tell whether the call arrived" in answer.text
    assert took < 6, took  # the whole trickled answer would take 20 minutes
    trace = browser.get(lab.url + "/activity.json", timeout=20).json()["exchanges"]
    assert any(entry["label"] == "explore" and "took longer than the deadline" in (
        entry["error"] or "") for entry in trace)
