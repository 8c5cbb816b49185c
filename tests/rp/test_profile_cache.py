"""What Anypoint says about the user (me, organization, environments) is kept per delegation:
asked once, by the first page after sign-in, then shown from the store while fresh; asked
again when old, on Reload, and with new scopes; forgotten when the delegation ends. /access
shows the last check instead of probing on every view."""

from __future__ import annotations

import re

import pytest

from tests.support.calls import Calls
from tests.support.labs import DeployLab, LabOnSandbox

ME = "/accounts/api/me"
ENVIRONMENTS = re.compile(r"/accounts/api/organizations/[^/]+/environments$")
PLATFORM = ("/accounts/api/", "/cloudhub/")
SCOPE = "openid profile email offline_access view:environment"


@pytest.fixture
def lab(tmp_path, clock):
    instance = LabOnSandbox(tmp_path, {"PROFILE_MAX_AGE_SECONDS": "300"})
    instance.calls = Calls(instance.sandbox.app)
    yield instance
    instance.stop()


def platform_calls(lab) -> list[str]:
    return [path for path in lab.calls.paths() if path.startswith(PLATFORM)
            and "/oauth2/" not in path]


def reload(lab, browser, next_path: str = "/"):
    return browser.post(lab.url + "/profile/reload", timeout=20,
                        data={"csrf_token": lab.csrf(browser, "/access"), "next": next_path})


def test_the_first_page_asks_once_and_repeat_views_ask_nothing(lab):
    browser = lab.signed_in(scope=SCOPE)
    signed_in = platform_calls(lab)
    assert signed_in.count(ME) == 1 and len([p for p in signed_in if ENVIRONMENTS.match(p)]) == 1
    assert len(signed_in) == 2  # me and the environments, for the first page, and nothing else
    lab.calls.clear()
    for _ in range(3):
        home = browser.get(lab.url + "/")
        assert home.status_code == 200 and 'id="org-name"' in home.text and "Sandbox" in home.text
        assert browser.get(lab.url + "/access").status_code == 200
    assert platform_calls(lab) == []
    assert "From Anypoint just now" in browser.get(lab.url + "/").text


def test_old_answers_are_asked_again_and_their_age_is_shown(lab, clock):
    browser = lab.signed_in(scope=SCOPE)
    lab.calls.clear()
    clock.advance(150)
    assert "From Anypoint 2 min ago" in browser.get(lab.url + "/").text
    assert platform_calls(lab) == []
    clock.advance(151)  # past PROFILE_MAX_AGE_SECONDS
    assert "From Anypoint just now" in browser.get(lab.url + "/").text
    assert platform_calls(lab).count(ME) == 1


def test_reload_asks_again_at_once_and_returns_to_the_page(lab):
    browser = lab.signed_in(scope=SCOPE)
    lab.calls.clear()
    answer = reload(lab, browser, "/")
    assert answer.status_code == 200 and answer.url == lab.url + "/"
    assert [r.status_code for r in answer.history] == [303]
    calls = platform_calls(lab)
    assert calls.count(ME) == 1 and len([p for p in calls if ENVIRONMENTS.match(p)]) == 1
    assert reload(lab, browser, "//evil.example/").url == lab.url + "/"  # same origin only
    assert browser.post(lab.url + "/profile/reload", data={"next": "/"}).status_code == 400


def test_new_scopes_mean_new_answers(lab):
    browser = lab.signed_in(scope="openid profile email offline_access")
    page = browser.get(lab.url + "/").text
    assert "needs the <code>view:environment</code> permission" in page
    lab.calls.clear()
    lab.sign_in(browser, scope=SCOPE)  # "Ask for more access": a new delegation
    assert platform_calls(lab).count(ME) == 1  # asked again for its first page
    lab.calls.clear()
    page = browser.get(lab.url + "/").text
    assert "needs the <code>view:environment</code>" not in page and "Sandbox" in page
    assert platform_calls(lab) == []


@pytest.mark.parametrize("ending", ["revoke", "sign out", "sign in again"])
def test_the_answers_are_forgotten_when_the_delegation_ends(lab, ending):
    profiles = lab.app.extensions["connected_app_lab"].profiles
    grants, reload_of = [], profiles.reload
    profiles.reload = lambda grant_id, *args: grants.append(grant_id) or reload_of(grant_id,
                                                                                   *args)
    browser = lab.signed_in(scope=SCOPE)
    (grant,) = grants
    assert profiles.store.get(profiles.key(grant))["me"]["user"]["username"] == "admin"
    if ending == "revoke":
        browser.post(lab.url + "/access/revoke", data={"csrf_token": lab.csrf(browser),
                                                      "token": "both", "confirmed": "yes"})
    elif ending == "sign out":
        browser.post(lab.url + "/logout", data={"csrf_token": lab.csrf(browser)})
    else:
        lab.sign_in(browser, scope=SCOPE)
        assert len(grants) == 2 and profiles.store.get(profiles.key(grants[1])) is not None
    assert profiles.store.get(profiles.key(grant)) is None


def test_access_shows_the_last_check_and_check_updates_it(lab, clock):
    browser = lab.signed_in(scope=SCOPE)
    lab.calls.clear()
    page = browser.get(lab.url + "/access").text
    assert "Last checked with Anypoint</strong> just now" in page and "by sign-in" in page
    assert platform_calls(lab) == []
    clock.advance(90)
    checked = browser.post(lab.url + "/access/check", data={"csrf_token": lab.csrf(browser)})
    assert checked.status_code == 200
    assert platform_calls(lab) == [ME]
    last = checked.text.split('id="last-check"')[1][:800]
    assert "just now" in last and "API call GET /accounts/api/me" in last and "worked" in last
    clock.advance(600)
    probe = browser.post(lab.url + "/access/lab/probe", headers={"Accept": "application/json"},
                         data={"csrf_token": lab.csrf(browser, "/access/lab")})
    assert probe.status_code == 200
    assert "the revocation lab&#39;s probe" in browser.get(lab.url + "/access").text


def test_the_deploy_pages_use_the_kept_environments(tmp_path, clock):
    lab = DeployLab(tmp_path)
    try:
        calls = Calls(lab.sandbox.app)
        browser = lab.signed_in()
        calls.clear()
        for _ in range(2):
            assert browser.get(lab.url + "/deploy").status_code == 200
        asked = [path for path in calls.paths() if path.startswith("/accounts/")
                 and path != "/accounts/api/authorize"]
        assert asked == []  # the organization and its environments come from the profile
        # what the user may do there is asked once (an operation a call), then kept with it
        assert calls.paths("/accounts/api/authorize") == ["/accounts/api/authorize"] * 4
        assert calls.paths("/cloudhub/api/v2/applications") != []
    finally:
        lab.stop()
