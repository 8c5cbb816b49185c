"""End to end over real HTTP: the revocation lab against the real Anypoint sandbox.

The org admin's token comes from the sandbox's own authorization-code flow (scope ``full``), as
any admin tool would get one; nothing reaches into the sandbox's database.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from tests.support.labs import LabOnSandbox
from tests.support.pages import Forms

JSON = {"Accept": "application/json"}
OAUTH = "/accounts/api/v2/oauth2"


def submit(browser, page, **fields) -> requests.Response:
    """Submit the page's first form without following the redirect."""
    parser = Forms()
    parser.feed(page.text)
    form = parser.forms[0]
    return browser.post(urljoin(page.url, form["action"]), data={**form["fields"], **fields},
                        allow_redirects=False, timeout=20)


def admin_token(lab) -> str:
    """An Organization Administrator's access token with ``full``, for the seeded app."""
    app = lab.sandbox.app_named("Connected App Lab")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    redirect_uri = lab.url + "/auth/callback"
    browser = requests.Session()
    page = browser.get(lab.sandbox.url + OAUTH + "/authorize", timeout=20, params={
        "client_id": app["client_id"], "response_type": "code", "redirect_uri": redirect_uri,
        "scope": "openid full", "state": "admin-tool", "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge.rstrip(b"=").decode(), "code_challenge_method": "S256"})
    answer = submit(browser, page, username=lab.user["username"], password=lab.user["password"])
    while "code=" not in answer.headers.get("Location", ""):
        page = browser.get(urljoin(answer.url, answer.headers["Location"]), timeout=20)
        answer = submit(browser, page, decision="allow")
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    token = browser.post(lab.sandbox.url + OAUTH + "/token", timeout=20, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "code_verifier": verifier, "client_id": app["client_id"],
        "client_secret": app["client_secret"]})
    assert token.status_code == 200, token.text
    assert "full" in token.json()["scope"].split()
    browser.close()
    return token.json()["access_token"]


def probe(lab, browser, after=""):
    answer = browser.post(lab.url + "/access/lab/probe", headers=JSON, data={
        "csrf_token": lab.csrf(browser, "/access/lab"), "after": after})
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


def reloaded(lab, browser) -> requests.Response:
    """Home after its Reload button: what Anypoint says about the user is asked again."""
    return browser.post(lab.url + "/profile/reload", timeout=20,
                        data={"csrf_token": lab.csrf(browser, "/"), "next": "/"})


def facts(entry) -> dict:
    return {f["key"]: f["value"] for f in entry["facts"]}


def test_admin_revokes_the_app_for_everyone(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    assert "Hello, Alex Rivera" in lab.sign_in(browser).text
    before = probe(lab, browser)["probe"]
    assert facts(before)["api"] == "200"
    assert facts(before)["introspect_access"] == "active"
    assert facts(before)["refresh"] == "new tokens"
    assert browser.get(lab.url + "/access").status_code == 200

    client_id = lab.sandbox.app_named("Connected App Lab")["client_id"]
    revoked = requests.delete(
        f"{lab.sandbox.url}/accounts/api/connectedApplications/{client_id}/revoke",
        headers={"Authorization": f"Bearer {admin_token(lab)}"}, timeout=20)
    assert revoked.status_code == 204, revoked.text

    assert browser.get(lab.url + "/access").status_code == 200  # it shows, it does not probe
    access = browser.post(lab.url + "/access/check", data={"csrf_token": lab.csrf(browser)})
    assert access.status_code == 401
    assert "Your access has ended" in access.text
    assert ("Anypoint refused the access token (401) and refused the refresh token "
            "(invalid_grant)") in access.text
    assert "An organization administrator revoked the app" in access.text
    assert browser.get(lab.url + "/session.json").json()["authenticated"] is False

    history = browser.get(lab.url + "/access/lab")
    assert history.status_code == 200 and "Your delegation has ended" in history.text
    assert history.text.count("<tr class=") == 2  # before and after
    for change in ("access token on API: 200 → 401",
                   "access token introspection: active → not active",
                   "refresh token introspection: active → not active",
                   "refresh attempt: new tokens → invalid_grant"):
        assert change in history.text
    assert "Delegated access found the access token rejected" in history.text

    # Revoke-all removed the consent: signing in again asks again.
    page = browser.get(lab.url + "/login", timeout=20)
    assert 'name="decision"' in page.text
    browser.close()


def test_lab_revoke_refresh_token_on_the_sandbox(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    lab.sign_in(browser)
    probe(lab, browser)
    answer = browser.post(lab.url + "/access/lab/revoke", headers=JSON, data={
        "csrf_token": lab.csrf(browser, "/access/lab"), "token": "refresh"}).json()
    entry = answer["probe"]
    assert entry["after"] == "revoked_refresh"
    assert facts(entry)["refresh"] == "invalid_grant"
    assert facts(entry)["introspect_refresh"] == "not active"
    # The sandbox revokes the whole grant with its refresh token (README): the access token too.
    assert facts(entry)["api"] == "401"
    assert answer["ended"] is True
    browser.close()


@pytest.fixture
def idle_two_hours(tmp_path):
    """The lab with sessions idle for up to two hours: longer than an access token lives."""
    instance = LabOnSandbox(tmp_path, rp_settings={"SESSION_IDLE_MINUTES": "120"})
    yield instance
    instance.stop()


def test_expired_access_token_is_refused_and_refresh_renews_it(idle_two_hours, clock):
    lab = idle_two_hours
    browser = requests.Session()
    lab.sign_in(browser)
    clock.advance(3600)  # the sandbox's clock: the access token's whole lifetime
    entry = probe(lab, browser, after="expiry")["probe"]
    assert facts(entry)["api"] == "401"
    assert facts(entry)["introspect_access"] == "not active"
    assert facts(entry)["refresh"] == "new tokens"
    assert entry["ended"] is False
    browser.close()


def test_page_refreshes_once_when_only_the_access_token_was_revoked(sandbox_lab):
    lab = sandbox_lab
    tokens = lab.app.extensions["connected_app_lab"].tokens
    saved = []
    original = tokens.save
    tokens.save = lambda grant_id, token_set: (saved.append(token_set),
                                               original(grant_id, token_set))
    browser = requests.Session()
    lab.sign_in(browser)
    app = lab.sandbox.app_named("Connected App Lab")
    revoked = requests.post(lab.sandbox.url + OAUTH + "/revoke", timeout=20, data={
        "token": saved[-1].access_token, "token_type_hint": "access_token",
        "client_id": app["client_id"], "client_secret": app["client_secret"]})
    assert revoked.status_code == 200
    assert browser.get(lab.url + "/").status_code == 200  # kept: Anypoint is not asked
    assert len(saved) == 1
    home = reloaded(lab, browser)  # 401 on /accounts/api/me, refresh, reload
    assert home.status_code == 200 and "Hello, Alex Rivera" in home.text
    assert [r.status_code for r in home.history] == [303, 303]
    assert len(saved) == 2 and saved[-1].refresh_count == 1

    # The token that retry issued is refused at once as well: no second retry (no loop).
    revoke_all = f"{lab.sandbox.url}/accounts/api/connectedApplications/{app['client_id']}/revoke"
    bearer = {"Authorization": f"Bearer {admin_token(lab)}"}
    assert requests.delete(revoke_all, headers=bearer, timeout=20).status_code == 204
    ended = reloaded(lab, browser)
    assert ended.status_code == 401 and "Sign in again" in ended.text
    assert browser.get(lab.url + "/session.json").json()["ended"] == (
        "Anypoint answered 401 (access token refused) to /accounts/api/me")

    # A new delegation, then everything of the app is revoked: 401, then invalid_grant.
    assert "Hello, Alex Rivera" in lab.sign_in(browser).text
    bearer = {"Authorization": f"Bearer {admin_token(lab)}"}
    assert requests.delete(revoke_all, headers=bearer, timeout=20).status_code == 204
    assert reloaded(lab, browser).status_code == 401
    state = browser.get(lab.url + "/session.json").json()
    assert state["authenticated"] is False
    assert state["ended"] == ("Anypoint answered 401 (access token refused) to /accounts/api/me; "
                              "then Anypoint refused the refresh token (invalid_grant)")
    browser.close()
