"""End to end over real HTTP: the relying party against the real Anypoint sandbox."""

from __future__ import annotations

import requests


def test_sign_in_access_refresh_revoke_sign_out(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    dashboard = lab.sign_in(browser)
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
        assert f'<code class="scope-name">{scope}</code>' in access.text.replace("<wbr>", "")
    assert "ID token report card" in access.text

    token = lab.csrf(browser, "/access")
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
    assert "Hello, Alex Rivera" in lab.sign_in(browser).text
    home = browser.post(lab.url + "/logout", data={"csrf_token": lab.csrf(browser, "/")})
    assert home.status_code == 200
    assert "You are signed out" in home.text
    assert browser.get(lab.url + "/session.json").json()["authenticated"] is False
    assert browser.post(lab.url + "/logout").status_code == 400  # no CSRF token
    browser.close()


def test_sign_out_and_revoke(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    assert lab.sign_in(browser).status_code == 200
    token = lab.csrf(browser, "/access")
    page = browser.post(lab.url + "/logout/revoke", data={"csrf_token": token})
    assert "access was revoked" in page.text
    assert browser.get(lab.url + "/session.json").json()["authenticated"] is False
    browser.close()
