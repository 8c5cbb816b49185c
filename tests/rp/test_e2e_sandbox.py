"""End to end over real HTTP: the relying party against the real Anypoint sandbox."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class Forms(HTMLParser):
    """Collects each form's action and its named inputs (hidden values, buttons)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") in (
                "hidden", None, "text"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def post_form(browser, page, **fields):
    parser = Forms()
    parser.feed(page.text)
    form = parser.forms[0]
    data = {**form["fields"], **fields}
    return browser.post(urljoin(page.url, form["action"]), data=data, timeout=20)


def sign_in(lab, browser, scope=None) -> requests.Response:
    """Sign in through the sandbox's own pages: /login → sign-in form → consent → dashboard."""
    params = {"scope": scope} if scope else {}
    page = browser.get(lab.url + "/login", params=params, timeout=20)
    if 'name="password"' in page.text:  # the sandbox remembers its own sign-in
        page = post_form(browser, page, username=lab.user["username"],
                         password=lab.user["password"])
    if 'name="decision"' in page.text:
        page = post_form(browser, page, decision="allow")
    return page


def csrf(browser, url) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', browser.get(url).text).group(1)


def test_sign_in_access_refresh_revoke_sign_out(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    dashboard = sign_in(lab, browser)
    assert dashboard.status_code == 200, dashboard.text[:500]
    assert dashboard.url == lab.url + "/"
    assert "Hello, Alex Rivera" in dashboard.text
    assert lab.sandbox.seed["organization"]["name"] in dashboard.text
    assert "Sandbox" in dashboard.text  # environments (view:environment granted)

    state = browser.get(lab.url + "/session.json").json()
    assert state["authenticated"] is True
    assert {"openid", "offline_access"} <= set(state["scopes"])

    access = browser.get(lab.url + "/access")
    assert access.status_code == 200
    assert access.headers["Cache-Control"] == "no-store"
    for scope in state["scopes"]:
        assert f"<code>{scope}</code>" in access.text
    assert "ID token report card" in access.text

    token = csrf(browser, lab.url + "/access")
    json_headers = {"Accept": "application/json"}
    before = browser.post(lab.url + "/access/refresh", data={"csrf_token": token},
                          headers=json_headers).json()
    after = browser.post(lab.url + "/access/refresh", data={"csrf_token": token},
                         headers=json_headers).json()
    assert after["tokens"]["refresh_count"] == before["tokens"]["refresh_count"] + 1
    assert after["tokens"]["access_token"] != before["tokens"]["access_token"]
    assert after["tokens"]["refresh_token"] != before["tokens"]["refresh_token"]  # rotated
    assert after["tokens"]["rotation_count"] >= 1

    checked = browser.post(lab.url + "/access/check", data={"csrf_token": token},
                           headers=json_headers).json()
    assert any(row["works"] for row in checked["probes"] if row["token"] == "access")

    revoked = browser.post(lab.url + "/access/revoke",
                           data={"csrf_token": token, "token": "refresh"},
                           headers=json_headers).json()
    assert revoked["revoked"] == ["refresh"]
    api = next(row for row in revoked["probes"] if row["check"].startswith("API call"))
    refresh = next(row for row in revoked["probes"] if row["check"] == "Refresh attempt")
    assert api["works"] is False
    assert refresh["works"] is False
    state = browser.get(lab.url + "/session.json").json()
    assert state["authenticated"] is False
    assert "revoked" in state["ended"]

    trace = browser.get(lab.url + "/activity.json").json()["exchanges"]
    labels = {entry["label"] for entry in trace}
    assert {"discovery", "jwks", "token", "userinfo", "refresh", "revoke"} <= labels
    dump = str(trace)
    assert lab.sandbox.app_named("Connected App Lab")["client_secret"] not in dump

    # Sign in again, then sign out.
    assert "Hello, Alex Rivera" in sign_in(lab, browser).text
    home = browser.post(lab.url + "/logout", data={"csrf_token": csrf(browser, lab.url + "/")})
    assert home.status_code == 200
    assert "You are signed out" in home.text
    assert browser.get(lab.url + "/session.json").json()["authenticated"] is False
    assert browser.post(lab.url + "/logout").status_code == 400  # no CSRF token
    browser.close()


def test_sign_out_and_revoke(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    assert sign_in(lab, browser).status_code == 200
    token = csrf(browser, lab.url + "/access")
    page = browser.post(lab.url + "/logout/revoke", data={"csrf_token": token})
    assert "access was revoked" in page.text
    assert browser.get(lab.url + "/session.json").json()["authenticated"] is False
    browser.close()
