"""The revocation lab against the fake OP: each scenario button, the probe history, the end."""

from __future__ import annotations

from relying_party.anypoint.trace import fingerprint
from relying_party.lab.history import fact_value

JSON = {"Accept": "application/json"}


def post(rp, path, csrf=None, **data):
    """POST with the CSRF token from the lab page (or ``csrf`` once the page has no form)."""
    csrf = csrf or rp.csrf(path="/access/lab")
    return rp.browser.post(rp.url + path, data={"csrf_token": csrf, **data}, headers=JSON)


def facts(entry) -> dict:
    return {f["key"]: f["value"] for f in entry["facts"]}


def test_lab_is_linked_from_access_and_lists_every_scenario(lab):
    rp = lab()
    assert rp.browser.get(rp.url + "/access/lab").status_code == 401  # signed out
    rp.sign_in()
    access = rp.browser.get(rp.url + "/access").text
    assert 'href="/access/lab"' in access and "Open the revocation lab" in access
    page = rp.browser.get(rp.url + "/access/lab")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for title in ("Revoke the access token from this app", "Revoke the refresh token",
                  "Revoke both tokens", "Revoke in Anypoint under your profile",
                  "The org admin revokes the app for everyone", "Change your password",
                  "Let the access token expire"):
        assert title in page.text
    assert f'href="{rp.op.url}/console/profile/connected-apps"' in page.text  # ANYPOINT_URL
    assert 'class="countdown" data-expires-at=' in page.text
    assert "No probes yet" in page.text
    tokens = rp.saved_token_sets()[-1]
    assert tokens.access_token not in page.text and tokens.refresh_token not in page.text


def test_probe_now_records_what_it_observed_and_that_refresh_rotated(lab):
    rp = lab()
    rp.sign_in()
    held = rp.saved_token_sets()[-1]
    first = post(rp, "/access/lab/probe").json()
    assert first["ended"] is False
    observed = facts(first["probe"])
    assert observed == {
        "held_access": fingerprint(held.access_token),
        "held_refresh": fingerprint(held.refresh_token),
        "introspect_access": "active", "introspect_refresh": "active",
        "api": "200", "refresh": "new tokens"}
    assert first["probe"]["after"] is None and first["probe"]["changes"] == []
    renewed = rp.saved_token_sets()[-1]
    detail = next(f["detail"] for f in first["probe"]["facts"] if f["key"] == "refresh")
    assert fingerprint(renewed.access_token) in detail and "rotated" in detail

    second = post(rp, "/access/lab/probe").json()
    assert len(second["history"]) == 2
    assert second["probe"]["changes"] == [
        f"access token probed: {fingerprint(held.access_token)} → "
        f"{fingerprint(renewed.access_token)}",
        f"refresh token probed: {fingerprint(held.refresh_token)} → "
        f"{fingerprint(renewed.refresh_token)}"]
    page = rp.browser.get(rp.url + "/access/lab").text
    assert 'id="probe-history"' in page and "#2" in page and "access token probed:" in page


def test_revoke_access_token_button(lab):
    rp = lab()
    rp.sign_in()
    post(rp, "/access/lab/probe")
    answer = post(rp, "/access/lab/revoke", token="access").json()
    entry = answer["probe"]
    assert entry["after"] == "revoked_access" and answer["ended"] is False
    assert facts(entry)["api"] == "401"
    assert facts(entry)["introspect_access"] == "not active"
    assert facts(entry)["introspect_refresh"] == "active"
    assert facts(entry)["refresh"] == "new tokens"  # this provider kept the refresh token
    assert "access token on API: 200 → 401" in entry["changes"]
    assert "access token introspection: active → not active" in entry["changes"]
    assert rp.session()["authenticated"] is True
    page = rp.browser.get(rp.url + "/access/lab").text
    assert "revoked the access token (from this app)" in page


def test_revoke_refresh_token_button_ends_the_delegation_here_and_keeps_history(lab):
    rp = lab()
    rp.sign_in()
    post(rp, "/access/lab/probe")
    csrf = rp.csrf(path="/access/lab")
    answer = post(rp, "/access/lab/revoke", csrf, token="refresh").json()
    entry = answer["probe"]
    assert entry["after"] == "revoked_refresh"
    # The fake OP ends the whole grant with the refresh token: observed, not assumed.
    assert facts(entry)["api"] == "401" and facts(entry)["refresh"] == "invalid_grant"
    assert facts(entry)["introspect_refresh"] == "not active"
    assert answer["ended"] is True and entry["ended"] is True
    assert "refresh attempt: new tokens → invalid_grant" in entry["changes"]
    state = rp.session()
    assert state["authenticated"] is False
    assert "refused the refresh token (invalid_grant)" in state["ended"]

    page = rp.browser.get(rp.url + "/access/lab")
    assert page.status_code == 200
    assert "Your delegation has ended" in page.text and "Sign in again" in page.text
    assert page.text.count("<tr class=") == 2  # before and after
    assert 'id="probe-now"' not in page.text and "lab-revoke-" not in page.text
    assert post(rp, "/access/lab/probe", csrf).status_code == 401  # nothing left to probe
    access = rp.browser.get(rp.url + "/access")
    assert access.status_code == 401 and "Why this can happen" in access.text


def test_revoke_both_button(lab):
    rp = lab()
    rp.sign_in()
    csrf = rp.csrf(path="/access/lab")
    answer = post(rp, "/access/lab/revoke", csrf, token="both").json()
    assert answer["probe"]["after"] == "revoked_both" and answer["ended"] is True
    assert rp.op.access == {} and rp.op.refresh == {}
    assert facts(answer["probe"])["introspect_access"] == "not active"
    assert post(rp, "/access/lab/revoke", csrf, token="both").status_code == 401


def test_revoke_rejects_unknown_choice_and_probe_unknown_scenario(lab):
    rp = lab()
    rp.sign_in()
    assert post(rp, "/access/lab/revoke", token="everything").status_code == 400
    for after in ("whatever", "detected", "revoked_both"):
        assert post(rp, "/access/lab/probe", after=after).status_code == 400
    response = rp.browser.post(rp.url + "/access/lab/probe", headers=JSON)
    assert response.status_code == 400 and response.json()["error"] == "csrf_failed"


def test_probe_after_an_outside_step_records_what_the_user_said(lab):
    rp = lab()
    rp.sign_in()
    for after in ("password", "profile", "admin", "expiry"):
        entry = post(rp, "/access/lab/probe", after=after).json()["probe"]
        assert entry["after"] == after
    page = rp.browser.get(rp.url + "/access/lab").text
    assert "you changed your password (as you said)" in page


def test_html_actions_answer_303_to_the_history(lab):
    rp = lab()
    rp.sign_in()
    response = rp.browser.post(rp.url + "/access/lab/probe",
                               data={"csrf_token": rp.csrf(path="/access/lab")},
                               allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/access/lab#history")


def test_revoked_elsewhere_the_check_detects_it_and_lab_shows_before_after(lab):
    rp = lab()
    rp.sign_in()
    before = post(rp, "/access/lab/probe").json()["probe"]
    rp.op.access.clear()  # e.g. an admin revoked the app for everyone at the provider
    rp.op.refresh.clear()
    assert rp.browser.get(rp.url + "/access").status_code == 200  # shown, not probed
    page = rp.browser.post(rp.url + "/access/check", data={"csrf_token": rp.csrf()})
    assert page.status_code == 401
    assert "Your access has ended" in page.text and "revoked or has expired" in page.text
    assert ("Anypoint refused the access token (401) and refused the refresh token "
            "(invalid_grant)") in page.text
    for cause in ("under your profile", "An organization administrator revoked the app",
                  "client secret was rotated", "refresh token expired"):
        assert cause in page.text
    assert 'id="sign-in-again"' in page.text
    history = rp.browser.get(rp.url + "/access/lab").text
    assert "Delegated access found the access token rejected" in history
    assert "access token on API: 200 → 401" in history
    assert "refresh attempt: new tokens → invalid_grant" in history
    assert fact_value(before, "api") == "200"


def test_access_token_revoked_elsewhere_but_refresh_still_works(lab):
    rp = lab()
    rp.sign_in()
    rp.op.access.clear()  # only the access token died
    page = rp.browser.post(rp.url + "/access/check", data={"csrf_token": rp.csrf()})
    assert page.status_code == 200  # 401, then a successful refresh: still delegated
    assert "refused" in page.text.split('id="last-check"')[1][:600]
    assert rp.session()["authenticated"] is True
    lab_page = rp.browser.get(rp.url + "/access/lab").text
    assert "Delegated access found the access token rejected" in lab_page


def test_delegation_ended_elsewhere_in_the_app_uses_the_same_page(lab):
    rp = lab()
    rp.sign_in()
    rp.op.refresh.clear()
    response = rp.browser.post(rp.url + "/access/refresh", data={"csrf_token": rp.csrf()})
    assert response.status_code == 401
    assert "Why this can happen" in response.text
    assert "Anypoint refused the refresh token (invalid_grant)" in response.text
    as_json = rp.browser.get(rp.url + "/access", headers=JSON)
    assert as_json.status_code == 401 and as_json.json()["error"] == "delegation_ended"


def test_history_lives_server_side_and_sign_out_drops_it(lab):
    rp = lab()
    store = rp.app.extensions["connected_app_lab"].store
    written = []
    original = store.update

    def recording_update(key, change, timeout):
        written.append(key)
        return original(key, change, timeout)

    store.update = recording_update
    rp.sign_in()
    post(rp, "/access/lab/probe")
    key = next(k for k in written if k.startswith("lab:"))
    assert len(store.get(key)) == 1
    cookie = rp.browser.cookies.get("cal_session")
    assert len(cookie) < 100 and "fp:" not in cookie  # an opaque id, not the history
    rp.browser.post(rp.url + "/logout", data={"csrf_token": rp.csrf()})
    assert store.get(key) is None
    rp.sign_in()
    assert "No probes yet" in rp.browser.get(rp.url + "/access/lab").text
