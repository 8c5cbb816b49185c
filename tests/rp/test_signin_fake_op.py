"""Sign-in against the fake OP: the happy path, and every rejection of the checklist."""

from __future__ import annotations

import time

import flask
import pytest
import requests
from joserfc import jwk

SIGNED_OUT = {"authenticated": False}


def assert_rejected(lab, response, status=400, browser=None, saved=0):
    """A 4xx page in plain words, still signed out, nothing (more) stored."""
    assert response.status_code == status, response.text[:500]
    assert "Sign-in did not complete" in response.text or "not the one configured" in response.text
    assert "Traceback" not in response.text
    assert lab.session(browser)["authenticated"] is False
    assert len(lab.saved_token_sets()) == saved


def test_happy_path_signs_in_and_lands_on_dashboard(lab):
    rp = lab()
    page = rp.sign_in()
    assert page.status_code == 200
    assert page.url == rp.url + "/"
    assert "Hello, Ada Lovelace" in page.text
    state = rp.session()
    assert state["authenticated"] is True
    assert state["sub"] == "user-42"
    assert state["email"] == "ada@example.com"
    assert "offline_access" in state["scopes"]
    assert not any("token" in key for key in state)
    assert len(rp.saved_token_sets()) == 1


def test_login_request_has_state_nonce_pkce_and_consent_prompt(lab):
    rp = lab()
    location = rp.browser.get(rp.url + "/login", allow_redirects=False).headers["Location"]
    assert "response_type=code" in location
    assert "code_challenge_method=S256" in location
    for name in ("state=", "nonce=", "code_challenge=", "prompt=consent"):
        assert name in location
    assert "redirect_uri=" + rp.url.replace(":", "%3A").replace("/", "%2F") in location


def test_session_id_regenerated_at_login(lab):
    rp = lab()
    rp.browser.get(rp.url + "/login", allow_redirects=False)
    before = rp.browser.cookies.get("cal_session")
    rp.sign_in()
    assert rp.browser.cookies.get("cal_session") not in (None, before)


def test_parallel_tabs_each_complete(lab):
    rp = lab()
    first = rp.start_login()
    second = rp.start_login()
    assert rp.browser.get(first).status_code == 200
    assert rp.browser.get(second).status_code == 200
    assert rp.session()["authenticated"] is True


def _loaded(rp):
    """The session a request of ``rp.browser`` loads now (with the cookies it has now)."""
    cookies = "; ".join(f"{c.name}={c.value}" for c in rp.browser.cookies)
    with rp.app.test_request_context(headers={"Cookie": cookies} if cookies else {}):
        return rp.app.session_interface.open_session(rp.app, flask.request)


def _written_back(rp, stale) -> None:
    """Save a session loaded earlier, as a slow request that loaded it ends later."""
    with rp.app.test_request_context():
        rp.app.session_interface.save_session(rp.app, stale, rp.app.response_class())


def test_a_request_in_flight_during_login_does_not_lose_the_sign_in(lab):
    rp = lab()
    rp.browser.get(rp.url + "/")
    before_login = _loaded(rp)  # e.g. a poll that started before /login and ends after it
    callback = rp.start_login()
    _written_back(rp, before_login)
    assert rp.browser.get(callback).status_code == 200
    assert rp.session()["authenticated"] is True


def test_a_request_in_flight_during_a_second_login_does_not_lose_it(lab):
    rp = lab()
    rp.sign_in()
    rp.browser.get(rp.url + "/access")
    before_login = _loaded(rp)  # signed in: it holds the browser id /login binds the flow to
    callback = rp.start_login()
    _written_back(rp, before_login)
    assert rp.browser.get(callback).status_code == 200
    assert rp.session()["authenticated"] is True


def test_unknown_scope_is_a_400_page(lab):
    rp = lab()
    response = rp.browser.get(rp.url + "/login", params={"scope": "openid admin:everything"},
                              allow_redirects=False)
    assert response.status_code == 400
    assert "does not offer the scope" in response.text
    assert rp.op.calls.get("authorize") is None


def test_wrong_issuer_in_discovery_starts_no_login(lab):
    rp = lab()
    rp.op.knobs["discovery_issuer"] = rp.op.url + "/someone-else"
    response = rp.browser.get(rp.url + "/login", allow_redirects=False)
    assert response.status_code == 502
    assert "not the one configured" in response.text
    assert rp.op.calls.get("authorize") is None
    assert rp.session()["authenticated"] is False


@pytest.mark.parametrize("claims", [
    {"iss": "https://evil.example/op"},
    {"aud": "another-client"},
    {"aud": ["lab-client", "another-client"]},                    # several aud, no azp
    {"aud": ["lab-client", "another-client"], "azp": "another-client"},
    {"aud": "another-client", "azp": "lab-client"},
    {"exp": int(time.time()) - 3600},
    {"iat": int(time.time()) + 3600},
    {"sub": None},
    {"nonce": "not-the-nonce"},
], ids=["iss", "aud", "aud-several-no-azp", "azp-other", "aud-other-azp-us", "expired",
        "future-iat", "missing-sub", "nonce"])
def test_id_token_claim_rejections(lab, claims):
    rp = lab()
    rp.op.knobs["claims"] = claims
    response = rp.try_sign_in()
    assert_rejected(rp, response)
    assert "ID token failed the check" in response.text
    assert rp.op.calls.get("userinfo") is None


@pytest.mark.parametrize("signing", ["bad_signature", "none"])
def test_signature_rejections(lab, signing):
    rp = lab()
    rp.op.knobs["signing"] = signing
    response = rp.try_sign_in()
    assert_rejected(rp, response)
    assert rp.op.calls.get("userinfo") is None


def test_userinfo_sub_mismatch(lab):
    rp = lab()
    rp.op.knobs["userinfo_sub"] = "someone-else"
    response = rp.try_sign_in()
    assert_rejected(rp, response)
    assert "different user" in response.text


@pytest.mark.parametrize("mode", ["wrong", "missing"])
def test_rfc9207_iss_parameter(lab, mode):
    rp = lab()
    rp.op.knobs["iss_param"] = mode
    response = rp.try_sign_in()
    assert_rejected(rp, response)
    assert rp.op.calls.get("token") is None


def test_wrong_iss_rejected_even_when_not_advertised(lab):
    rp = lab()
    rp.op.knobs.update(advertise_iss=False, iss_param="wrong")
    assert_rejected(rp, rp.try_sign_in())


def test_missing_iss_accepted_when_not_advertised(lab):
    rp = lab()
    rp.op.knobs.update(advertise_iss=False, iss_param="missing")
    assert rp.sign_in().status_code == 200
    assert rp.session()["authenticated"] is True


def test_replayed_callback_and_replayed_code(lab):
    rp = lab()
    callback = rp.start_login()
    assert rp.browser.get(callback).status_code == 200
    # The same URL again (state already used) in another browser: rejected.
    other = requests.Session()
    response = other.get(callback)
    assert response.status_code == 400
    assert other.get(rp.url + "/session.json").json()["authenticated"] is False
    # A fresh state of the other browser with the already used code: the OP refuses the code.
    fresh = rp.start_login(other)
    state = fresh.split("state=")[1].split("&")[0]
    used_code = callback.split("code=")[1].split("&")[0]
    forged = fresh.split("?")[0] + f"?code={used_code}&state={state}&iss=" + rp.op.issuer
    response = other.get(forged)
    assert response.status_code == 400
    assert "used already or expired" in response.text
    assert other.get(rp.url + "/session.json").json()["authenticated"] is False
    assert len(rp.saved_token_sets()) == 1
    other.close()


def test_declined_consent_is_a_403_page(lab):
    rp = lab()
    callback = rp.start_login()
    state = callback.split("state=")[1].split("&")[0]
    response = rp.browser.get(callback.split("?")[0], params={
        "error": "access_denied", "state": state, "iss": rp.op.issuer})
    assert_rejected(rp, response, 403)
    assert "chose not to give this app access" in response.text
    assert "You are still signed out." in response.text


def test_a_declined_sign_in_while_signed_in_keeps_the_earlier_one_and_says_so(lab):
    """Ask for more access, declined (by the person or the organization's policy): the page
    does not claim you are signed out, and you are not."""
    rp = lab()
    rp.sign_in()
    callback = rp.start_login()
    state = callback.split("state=")[1].split("&")[0]
    response = rp.browser.get(callback.split("?")[0], params={
        "error": "access_denied", "state": state, "iss": rp.op.issuer})
    assert response.status_code == 403
    assert "Your earlier sign-in here is unchanged." in response.text
    assert "still signed out" not in response.text
    assert rp.session()["authenticated"] is True


def test_foreign_state_rejected(lab):
    rp = lab()
    response = rp.browser.get(rp.url + "/auth/callback", params={"code": "x", "state": "nope"})
    assert_rejected(rp, response)


def test_token_endpoint_500(lab):
    rp = lab()
    rp.op.knobs["token_status"] = 500
    response = rp.try_sign_in()
    assert response.status_code == 502
    assert "Anypoint is not answering" in response.text
    assert rp.session()["authenticated"] is False
    assert rp.saved_token_sets() == []


def test_token_endpoint_that_hangs(lab):
    rp = lab(HTTP_TIMEOUT="0.5")
    rp.op.knobs["token_hang"] = 3
    started = time.monotonic()
    response = rp.try_sign_in()
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert rp.session()["authenticated"] is False
    assert rp.saved_token_sets() == []


def test_key_rotation_succeeds_with_one_jwks_refetch(lab):
    rp = lab()
    assert rp.sign_in().status_code == 200
    jwks_calls = rp.op.calls["jwks"]
    rp.op.rotate_key()
    other = requests.Session()
    assert rp.sign_in(other).status_code == 200
    assert rp.op.calls["jwks"] == jwks_calls + 1
    other.close()


def test_unknown_kid_flood_does_not_flood_jwks(lab):
    rp = lab()
    assert rp.sign_in().status_code == 200
    rp.op.knobs["sign_with"] = jwk.RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    before = rp.op.calls["jwks"]
    for _ in range(3):
        other = requests.Session()
        assert_rejected(rp, other.get(rp.start_login(other)), browser=other, saved=1)
        other.close()
    assert rp.op.calls["jwks"] == before + 1


def test_client_secret_post_when_only_offered(lab):
    rp = lab()
    rp.op.knobs["auth_methods"] = ["client_secret_post"]
    assert rp.sign_in().status_code == 200


def test_an_answer_brought_by_another_browser_does_not_use_up_the_sign_in(lab):
    """Login CSRF: another browser (with a session of its own) that opens this browser's
    callback first is refused, and this browser's sign-in still completes."""
    rp = lab()
    callback = rp.start_login()
    other = requests.Session()
    rp.start_login(other)  # the other browser has a browser id and a flow of its own
    response = other.get(callback)
    assert response.status_code == 400 and "does not belong" in response.text
    assert other.get(rp.url + "/session.json").json()["authenticated"] is False
    assert rp.browser.get(callback).status_code == 200
    assert rp.session()["authenticated"] is True
    other.close()
