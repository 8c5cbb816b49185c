"""The authorize endpoint and the sign-in and consent pages."""

from tests.support.pages import csrf_of
from tests.support.sandbox_client import AUTHORIZE, CALLBACK, ISSUER, pkce_pair, query_of


def test_unknown_client_gets_an_error_page_not_a_redirect(client):
    response = client.get(AUTHORIZE, query_string={
        "client_id": "nobody", "response_type": "code", "redirect_uri": CALLBACK,
        "scope": "openid", "state": "s"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.mimetype == "text/html"
    assert "does not exist" in response.text


def test_unregistered_redirect_uri_gets_an_error_page(sign_in):
    response = sign_in.authorize(redirect_uri="https://evil.example/callback")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "evil.example" not in response.headers.get("Location", "")
    assert "not supported by client" in response.text


def test_unsupported_response_type_goes_back_with_state_and_iss(sign_in):
    response = sign_in.authorize(response_type="token")
    assert response.status_code == 302
    params = query_of(response.headers["Location"])
    assert response.headers["Location"].startswith(CALLBACK)
    assert params["error"] == "unsupported_response_type"
    assert params["state"] == "st-1" and params["iss"] == ISSUER


def test_scope_not_registered_is_invalid_scope(sign_in):
    params = query_of(sign_in.authorize(scope="openid manage:everything").headers["Location"])
    assert params["error"] == "invalid_scope" and params["iss"] == ISSUER


def test_missing_scope_is_invalid_scope(sign_in):
    params = query_of(sign_in.authorize(scope=None).headers["Location"])
    assert params["error"] == "invalid_scope"


def test_plain_pkce_is_refused(sign_in):
    response = sign_in.authorize(code_challenge="a" * 43, code_challenge_method="plain")
    params = query_of(response.headers["Location"])
    assert params["error"] == "invalid_request" and "S256" in params["error_description"]
    _, challenge = pkce_pair()
    response = sign_in.authorize(code_challenge=challenge)  # method omitted means plain
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_sign_in_page_has_the_form_and_no_store(sign_in, client):
    response = sign_in.authorize()
    assert response.headers["Cache-Control"] == "no-store"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for field in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert field in page.text
    assert "Connected App Lab" in page.text
    assert "<script" not in page.text


def test_wrong_password_shows_the_form_again(sign_in):
    location = sign_in.authorize().headers["Location"]
    response = sign_in.login(location, "admin", "not-the-password")
    assert response.status_code == 401
    assert "not correct" in response.text


def test_forms_without_csrf_token_are_refused(sign_in, client):
    location = sign_in.authorize().headers["Location"]
    response = client.post(location, data={"username": "admin",
                                            "password": sign_in.password("admin")})
    assert response.status_code == 400
    assert client.get_cookie("anypoint_sandbox_session") is None or "user_id" not in str(
        response.headers)
    consent = sign_in.login(location).headers["Location"]
    refused = client.post(consent, data={"decision": "allow", "csrf_token": "forged"})
    assert refused.status_code == 400
    assert "Location" not in refused.headers


def test_consent_page_names_the_app_and_explains_each_scope(sign_in, client):
    consent = sign_in.login(sign_in.authorize(
        scope="openid email create:applications").headers["Location"]).headers["Location"]
    page = client.get(consent)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Connected App Lab" in page.text
    assert "Deploy new applications to your environments" in page.text
    assert "See your email address" in page.text
    assert 'name="decision" value="allow"' in page.text
    assert 'name="decision" value="deny"' in page.text


def test_deny_returns_access_denied_with_state_and_iss(sign_in):
    consent = sign_in.login(sign_in.authorize().headers["Location"]).headers["Location"]
    response = sign_in.decide(consent, "deny")
    params = query_of(response.headers["Location"])
    assert params == {"error": "access_denied", "state": "st-1", "iss": ISSUER,
                      "error_description": params["error_description"]}


def test_allow_returns_code_state_and_iss(sign_in):
    params = sign_in.code()
    assert params["code"] and params["state"] == "st-1" and params["iss"] == ISSUER


def test_consent_is_remembered_until_new_scopes_or_prompt_consent(sign_in):
    sign_in.code(scope="openid profile")
    again = sign_in.authorize(scope="openid profile")
    assert again.headers["Location"].startswith(CALLBACK)
    assert "code" in query_of(again.headers["Location"])
    asked = sign_in.authorize(scope="openid profile", prompt="consent")
    assert "/consent" in asked.headers["Location"]
    wider = sign_in.authorize(scope="openid profile read:applications")
    assert "/consent" in wider.headers["Location"]


def test_prompt_login_forces_the_sign_in_page(sign_in, client):
    sign_in.code()
    response = sign_in.authorize(prompt="login")
    assert "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert 'name="password"' in page.text


def test_prompt_none_without_session_is_login_required(sign_in):
    params = query_of(sign_in.authorize(prompt="none").headers["Location"])
    assert params["error"] == "login_required" and params["iss"] == ISSUER


def test_unknown_pending_request_is_an_error_page(client):
    response = client.get("/accounts/interaction/not-a-request/login")
    assert response.status_code == 400
    assert "expired" in response.text


def test_consent_can_be_used_once(sign_in, client):
    consent = sign_in.login(sign_in.authorize().headers["Location"]).headers["Location"]
    csrf = csrf_of(client.get(consent).text)
    assert client.post(consent, data={"csrf_token": csrf, "decision": "allow"}).status_code == 302
    replay = client.post(consent, data={"csrf_token": csrf, "decision": "allow"})
    assert replay.status_code == 400
