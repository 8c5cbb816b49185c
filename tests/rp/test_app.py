"""The signed-in app against the fake OP: pages, actions, headers, CSRF, sessions, the trace."""

from __future__ import annotations

import pytest
import redis
import requests

JSON = {"Accept": "application/json"}


def post(rp, path, browser=None, **data):
    browser = browser or rp.browser
    return browser.post(rp.url + path, data={"csrf_token": rp.csrf(browser), **data},
                        headers=JSON)


def test_security_headers_and_cookie_flags(lab):
    rp = lab()
    home = rp.browser.get(rp.url + "/")
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert home.headers["Referrer-Policy"] == "no-referrer"
    assert home.headers["X-Frame-Options"] == "DENY"
    assert home.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert home.headers["Cache-Control"] == "no-store"
    assert home.headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; "
        f"form-action 'self' {rp.op_server.url}; frame-ancestors 'none'")
    rp.sign_in()
    access = rp.browser.get(rp.url + "/access")
    assert access.headers["Cache-Control"] == "no-store"
    login = requests.get(rp.url + "/login", allow_redirects=False, timeout=10)  # a new visitor
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and cookie.startswith("cal_session=")


def test_home_shows_scope_picker(lab):
    rp = lab()
    page = rp.browser.get(rp.url + "/").text
    assert "Sign in with Anypoint" in page
    assert 'value="offline_access" checked' in page
    assert "Keep access while you are away" in page


def test_post_without_csrf_is_refused(lab):
    rp = lab()
    rp.sign_in()
    response = rp.browser.post(rp.url + "/access/refresh", headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "csrf_failed"
    assert rp.browser.post(rp.url + "/logout").status_code == 400
    assert rp.session()["authenticated"] is True


def test_access_page_and_report_card(lab):
    rp = lab()
    rp.sign_in()
    page = rp.browser.get(rp.url + "/access").text
    assert "ID token report card" in page
    assert page.count("badge-ok\">passed") == 11
    tokens = rp.saved_token_sets()[-1]
    assert tokens.access_token not in page and tokens.refresh_token not in page
    reveal = rp.browser.post(rp.url + "/access/reveal", data={"csrf_token": rp.csrf()})
    assert tokens.access_token in reveal.text
    assert tokens.refresh_token not in reveal.text
    assert tokens.access_token not in rp.browser.get(rp.url + "/access").text  # once only


def test_refresh_check_and_revoke_access_only(lab):
    rp = lab()
    rp.sign_in()
    refreshed = post(rp, "/access/refresh").json()
    assert refreshed["tokens"]["refresh_count"] == 1
    assert refreshed["tokens"]["rotation_count"] == 1
    checked = post(rp, "/access/check").json()
    assert {(r["check"], r["works"]) for r in checked["probes"]} >= {("Introspection", True),
                                                                     ("GET userinfo", True)}
    revoked = post(rp, "/access/revoke", token="access").json()
    rows = {(r["token"], r["check"]): r["works"] for r in revoked["probes"]}
    assert rows[("access", "GET userinfo")] is False
    assert rows[("refresh", "Refresh attempt")] is True
    assert revoked["ended"] is False
    assert rp.session()["authenticated"] is True


def test_revoke_both_ends_the_delegation_and_shows_the_table(lab):
    rp = lab()
    rp.sign_in()
    page = rp.browser.post(rp.url + "/access/revoke",
                           data={"csrf_token": rp.csrf(), "token": "both", "confirmed": "yes"})
    assert page.status_code == 401
    assert "Your access has ended" in page.text
    assert "probe-results" in page.text and "rejected" in page.text
    state = rp.session()
    assert state["authenticated"] is False and "revoked" in state["ended"]


def test_revoke_rejects_unknown_choice(lab):
    rp = lab()
    rp.sign_in()
    assert post(rp, "/access/revoke", token="everything").status_code == 400


def test_invalid_grant_on_refresh_says_access_ended(lab):
    rp = lab()
    rp.sign_in()
    rp.op.refresh.clear()  # the provider forgot the grant (revoked elsewhere)
    response = rp.browser.post(rp.url + "/access/refresh", data={"csrf_token": rp.csrf()})
    assert response.status_code == 401
    assert "revoked or has expired" in response.text
    state = rp.session()
    assert state == {**state, "authenticated": False, "ended": state["ended"]}
    assert rp.browser.get(rp.url + "/access").status_code == 401


def test_automatic_refresh_before_expiry(lab):
    rp = lab()
    rp.op.knobs["expires_in"] = 30  # inside the 60 s margin: due at once
    rp.sign_in()
    assert rp.op.calls.get("token") == 2  # code exchange + automatic refresh on the dashboard
    page = rp.browser.get(rp.url + "/access").text
    assert "refresh token rotated" in page


def test_next_is_same_origin_only(lab):
    rp = lab()
    assert rp.sign_in(next="/access").url == rp.url + "/access"
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert rp.sign_in(next=evil).url == rp.url + "/"


def test_activity_trace_is_redacted_and_downloadable(lab):
    rp = lab()
    rp.sign_in()
    post(rp, "/access/refresh")
    download = rp.browser.get(rp.url + "/activity.json")
    assert "attachment" in download.headers["Content-Disposition"]
    entries = download.json()["exchanges"]
    labels = [e["label"] for e in entries]
    assert labels[0] == "refresh"  # newest first
    assert {"discovery", "jwks", "authorize redirect", "callback", "token", "userinfo"} <= set(
        labels)
    text = download.text
    for secret in [*rp.op.access, *rp.op.refresh, "lab-client-secret-0123456789"]:
        assert secret not in text
    assert "fp:" in text
    assert "Protocol trace" in rp.browser.get(rp.url + "/activity").text


def test_logout_clears_session_and_rp_initiated_logout(lab):
    rp = lab()
    rp.op.knobs["end_session"] = True
    rp.sign_in()
    response = rp.browser.post(rp.url + "/logout", data={"csrf_token": rp.csrf()},
                               allow_redirects=False)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(rp.op.url + "/op/logout?")
    assert "id_token_hint=" in location and "post_logout_redirect_uri=" in location
    assert "state=" in location
    assert rp.session()["authenticated"] is False


def test_logout_revoke_revokes_first(lab):
    rp = lab()
    rp.sign_in()
    response = rp.browser.post(rp.url + "/logout/revoke", data={"csrf_token": rp.csrf()})
    assert "access was revoked" in response.text
    assert rp.op.access == {} and rp.op.refresh == {}
    assert rp.session()["authenticated"] is False


def test_healthz(lab):
    rp = lab()
    assert rp.browser.get(rp.url + "/healthz").json() == {"status": "ok"}


def test_provider_unreachable_gives_503_page(lab):
    rp = lab()
    rp.op_server.stop()
    response = rp.browser.get(rp.url + "/login", allow_redirects=False)
    assert response.status_code == 503
    assert "Anypoint is not answering" in response.text


def test_not_anypoint_provider_is_said_politely(lab):
    rp = lab()
    page = rp.sign_in().text
    assert "not Anypoint Platform" in page


@pytest.mark.redis
def test_redis_session_backend(lab, redis_url, redis_prefix):
    rp = lab(SESSION_BACKEND="redis", REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix)
    assert rp.sign_in().status_code == 200
    assert rp.session()["authenticated"] is True
    keys = [k.decode() for k in redis.Redis.from_url(redis_url).scan_iter(redis_prefix + "*")]
    assert any(k.startswith(redis_prefix + "session:") for k in keys)
    assert any(k.startswith(redis_prefix + "tokens:") for k in keys)
    assert post(rp, "/access/refresh").json()["tokens"]["refresh_count"] == 1


@pytest.mark.redis
def test_a_page_reads_its_session_and_token_set_in_one_round_trip(lab, redis_url, redis_prefix,
                                                                  monkeypatch):
    """The token set's key is derived from the session's id (``web.sessions.grant_for``), so
    both come in one MGET; a refresh in the request is not hidden by what was read first."""
    rp = lab(SESSION_BACKEND="redis", REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix)
    rp.sign_in()
    store = rp.app.extensions["connected_app_lab"].store
    reads = []
    for name in ("get", "get_many"):
        original = getattr(store, name)
        monkeypatch.setattr(store, name, lambda keys, _o=original, _n=name: (
            reads.append((_n, keys)), _o(keys))[1])
    assert rp.session()["authenticated"] is True
    assert [(name, [key.split(":")[0] for key in keys]) for name, keys in reads] == [
        ("get_many", ["session", "tokens"])]
    refreshed = post(rp, "/access/refresh").json()["tokens"]
    assert refreshed["refresh_count"] == 1
    assert rp.session()["expires_at"] == refreshed["expires_at"]


def test_a_scope_name_may_break_only_after_its_colons_and_underscores():
    """Narrow tables break ``manage:application_settings`` between its words, never inside
    one; what is not markup stays escaped."""
    from relying_party import _breakable

    assert str(_breakable("manage:application_settings")) == \
        "manage:<wbr>application_<wbr>settings"
    assert str(_breakable("openid")) == "openid"
    assert str(_breakable("<b>:x")) == "&lt;b&gt;:<wbr>x"
