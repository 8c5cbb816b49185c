"""The token endpoint: code exchange (form and JSON, post and basic auth), PKCE, single-use
codes, refresh rotation with reuse detection, client credentials, and error shapes."""

import base64

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.support.sandbox_client import CALLBACK, ISSUER, TOKEN, bearer, pkce_pair


def exchange(client, lab, code, *, json=False, basic=False, **extra):
    body = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **extra}
    headers = {}
    if basic:
        pair = f"{lab['client_id']}:{lab['client_secret']}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    else:
        body.update(client_id=lab["client_id"], client_secret=lab["client_secret"])
    if json:
        return client.post(TOKEN, json=body, headers=headers)
    return client.post(TOKEN, data=body, headers=headers)


def refresh(client, lab, refresh_token, **extra):
    return client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                                    "client_id": lab["client_id"],
                                    "client_secret": lab["client_secret"], **extra})


def id_claims(client, id_token):
    keys = KeySet.import_key_set(client.get("/accounts/api/v2/oauth2/keys").json)
    return jwt.decode(id_token, keys, algorithms=["RS256"])


@pytest.mark.parametrize("json, basic", [(False, False), (True, False), (False, True),
                                         (True, True)])
def test_code_exchange_with_form_or_json_and_post_or_basic(sign_in, client, lab, json, basic):
    params = sign_in.code(nonce="n-123")
    response = exchange(client, lab, params["code"], json=json, basic=basic)
    assert response.status_code == 200, response.json
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["scope"] == "openid profile email offline_access"
    assert len(body["access_token"]) == 36  # an opaque UUID, as on Anypoint
    decoded = id_claims(client, body["id_token"])
    assert decoded.header["alg"] == "RS256" and decoded.header["kid"]
    claims = decoded.claims
    assert claims["iss"] == ISSUER and claims["aud"] == lab["client_id"]
    assert claims["nonce"] == "n-123" and claims["preferred_username"] == "admin"
    assert claims["email"] == "admin@training.example.com"
    assert claims["exp"] > claims["iat"] and claims["auth_time"] <= claims["iat"]


def test_no_refresh_token_or_id_token_unless_granted(sign_in):
    body = sign_in.tokens(scope="profile read:applications")
    assert "refresh_token" not in body and "id_token" not in body


def test_reused_code_fails_and_revokes_what_it_issued(sign_in, client, lab):
    code = sign_in.code()["code"]
    first = exchange(client, lab, code).json
    second = exchange(client, lab, code)
    assert second.status_code == 400 and second.json["error"] == "invalid_grant"
    assert client.get("/accounts/api/me", headers=bearer(first["access_token"])).status_code == 401
    assert refresh(client, lab, first["refresh_token"]).json["error"] == "invalid_grant"


def test_code_is_bound_to_its_redirect_uri_and_client(sign_in, client, lab, deployer):
    code = sign_in.code()["code"]
    response = exchange(client, lab, code, redirect_uri="http://localhost:5000/other")
    assert response.json["error"] == "invalid_grant"
    stolen = exchange(client, deployer, sign_in.code()["code"])
    assert stolen.status_code in (400, 401) and stolen.json["error"] in (
        "invalid_grant", "unauthorized_client")


def test_pkce_s256_verifier_is_required_and_checked(sign_in, client, lab):
    verifier, challenge = pkce_pair()
    code = sign_in.code(code_challenge=challenge, code_challenge_method="S256")["code"]
    assert exchange(client, lab, code).json["error"] == "invalid_request"  # verifier missing
    code = sign_in.code(code_challenge=challenge, code_challenge_method="S256")["code"]
    other, _ = pkce_pair()
    mismatch = exchange(client, lab, code, code_verifier=other)
    assert mismatch.status_code == 400 and mismatch.json["error"] == "invalid_grant"
    code = sign_in.code(code_challenge=challenge, code_challenge_method="S256")["code"]
    assert exchange(client, lab, code, code_verifier=verifier).status_code == 200


def test_wrong_secret_is_invalid_client_401(sign_in, client, lab):
    code = sign_in.code()["code"]
    response = exchange(client, {**lab, "client_secret": "wrong"}, code)
    assert response.status_code == 401 and response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    basic = exchange(client, {**lab, "client_secret": "wrong"}, code, basic=True)
    assert basic.status_code == 401 and basic.json["error"] == "invalid_client"


def test_refresh_rotates_and_reuse_revokes_the_grant(sign_in, client, lab):
    first = sign_in.tokens(nonce="first-nonce")
    sub = id_claims(client, first["id_token"]).claims["sub"]
    second = refresh(client, lab, first["refresh_token"])
    assert second.status_code == 200, second.json
    second = second.json
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    refreshed = id_claims(client, second["id_token"]).claims
    assert refreshed["sub"] == sub and "nonce" not in refreshed
    reuse = refresh(client, lab, first["refresh_token"])
    assert reuse.status_code == 400 and reuse.json["error"] == "invalid_grant"
    for token in (first["access_token"], second["access_token"]):
        assert client.get("/accounts/api/me", headers=bearer(token)).status_code == 401
    assert refresh(client, lab, second["refresh_token"]).json["error"] == "invalid_grant"


def test_refresh_may_narrow_but_not_widen_scope(sign_in, client, lab):
    tokens = sign_in.tokens(scope="openid profile offline_access")
    wider = refresh(client, lab, tokens["refresh_token"], scope="openid profile full")
    assert wider.json["error"] == "invalid_scope"
    narrow = refresh(client, lab, tokens["refresh_token"], scope="profile offline_access")
    assert narrow.status_code == 200 and narrow.json["scope"] == "profile offline_access"
    assert "id_token" not in narrow.json


def test_refresh_token_of_another_client_is_refused(sign_in, client, deployer):
    tokens = sign_in.tokens()
    response = refresh(client, deployer, tokens["refresh_token"])
    assert response.status_code in (400, 401)
    assert response.json["error"] in ("invalid_grant", "unauthorized_client")


def test_client_credentials_for_ci_deployer(client, deployer, lab):
    response = client.post(TOKEN, json={"grant_type": "client_credentials",
                                        "client_id": deployer["client_id"],
                                        "client_secret": deployer["client_secret"]})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["token_type"] == "bearer" and "refresh_token" not in body
    assert set(body["scope"].split()) == set(deployer["scopes"])
    narrow = client.post(TOKEN, data={"grant_type": "client_credentials",
                                      "scope": "read:applications",
                                      "client_id": deployer["client_id"],
                                      "client_secret": deployer["client_secret"]})
    assert narrow.json["scope"] == "read:applications"
    refused = client.post(TOKEN, data={"grant_type": "client_credentials", "scope": "full",
                                       "client_id": deployer["client_id"],
                                       "client_secret": deployer["client_secret"]})
    assert refused.json["error"] == "invalid_scope"
    user_app = client.post(TOKEN, data={"grant_type": "client_credentials",
                                        "client_id": lab["client_id"],
                                        "client_secret": lab["client_secret"]})
    assert user_app.json["error"] == "unauthorized_client"


@pytest.mark.parametrize("kwargs, status, error", [
    ({"data": {"grant_type": "password"}}, 400, "unsupported_grant_type"),
    ({"data": {}}, 400, "unsupported_grant_type"),
    ({"data": "{not json", "content_type": "application/json"}, 400, "unsupported_grant_type"),
    ({"json": ["a", "list"]}, 400, "unsupported_grant_type"),
    ({"json": {"grant_type": "authorization_code", "code": 42}}, 401, "invalid_client"),
])
def test_bad_token_requests_get_rfc6749_errors(client, kwargs, status, error):
    response = client.post(TOKEN, **kwargs)
    assert response.status_code == status
    assert response.json["error"] == error


def test_missing_code_is_invalid_request(client, lab):
    response = client.post(TOKEN, data={"grant_type": "authorization_code",
                                        "client_id": lab["client_id"],
                                        "client_secret": lab["client_secret"]})
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_get_on_the_token_endpoint_is_a_json_error(client):
    response = client.get(TOKEN)
    assert response.status_code == 405
    assert response.json["error"] == "invalid_request"


def test_nonce_cannot_be_replayed(sign_in):
    sign_in.code(nonce="once-only")
    response = sign_in.authorize(nonce="once-only")
    assert "error=invalid_request" in response.headers["Location"]
