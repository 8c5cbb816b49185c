"""Revocation (RFC 7009), introspection (RFC 7662) and userinfo."""

import base64

from tests.support.sandbox_client import bearer

REVOKE = "/accounts/api/v2/oauth2/revoke"
INTROSPECT = "/accounts/api/v2/oauth2/introspect"
USERINFO = "/accounts/api/v2/oauth2/userinfo"


def basic(app):
    pair = f"{app['client_id']}:{app['client_secret']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def introspect(client, app, token, hint=None):
    data = {"token": token, **({"token_type_hint": hint} if hint else {})}
    return client.post(INTROSPECT, data=data, headers=basic(app))


def test_introspection_of_an_active_access_token(sign_in, client, lab):
    tokens = sign_in.tokens(username="developer")
    body = introspect(client, lab, tokens["access_token"]).json
    assert body["active"] is True
    assert body["client_id"] == lab["client_id"] and body["username"] == "developer"
    assert body["scope"] == "openid profile email offline_access"
    assert body["token_type"] == "bearer" and body["exp"] > body["iat"] and body["sub"]
    refresh_info = introspect(client, lab, tokens["refresh_token"], "refresh_token").json
    assert refresh_info["active"] is True and refresh_info["exp"] > body["exp"]


def test_introspection_needs_client_authentication(sign_in, client):
    tokens = sign_in.tokens()
    response = client.post(INTROSPECT, data={"token": tokens["access_token"]})
    assert response.status_code == 401 and response.json["error"] == "invalid_client"


def test_introspection_hides_other_clients_tokens_and_unknown_ones(sign_in, client, deployer):
    tokens = sign_in.tokens()
    assert introspect(client, deployer, tokens["access_token"]).json == {"active": False}
    assert introspect(client, deployer, "no-such-token").json == {"active": False}


def test_revoking_an_access_token_revokes_only_that_token(sign_in, client, lab):
    tokens = sign_in.tokens()
    response = client.post(REVOKE, data={"token": tokens["access_token"],
                                         "token_type_hint": "access_token",
                                         "client_id": lab["client_id"],
                                         "client_secret": lab["client_secret"]})
    assert response.status_code == 200
    assert introspect(client, lab, tokens["access_token"]).json == {"active": False}
    assert introspect(client, lab, tokens["refresh_token"]).json["active"] is True
    assert client.get("/accounts/api/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_revoking_a_refresh_token_revokes_the_grant(sign_in, client, lab):
    tokens = sign_in.tokens()
    response = client.post(REVOKE, data={"token": tokens["refresh_token"],
                                         "token_type_hint": "refresh_token"}, headers=basic(lab))
    assert response.status_code == 200
    assert introspect(client, lab, tokens["access_token"]).json == {"active": False}
    assert introspect(client, lab, tokens["refresh_token"]).json == {"active": False}


def test_revoking_an_unknown_token_is_200(client, lab):
    response = client.post(REVOKE, data={"token": "never-issued"}, headers=basic(lab))
    assert response.status_code == 200


def test_revoke_without_token_is_invalid_request(client, lab):
    response = client.post(REVOKE, data={}, headers=basic(lab))
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_userinfo_get_and_post_with_email_only_when_granted(sign_in, client):
    with_email = sign_in.tokens(scope="openid profile email")["access_token"]
    for method in (client.get, client.post):
        claims = method(USERINFO, headers=bearer(with_email)).json
        assert claims["preferred_username"] == "admin"
        assert claims["given_name"] == "Alex" and claims["family_name"] == "Rivera"
        assert claims["email"] == "admin@training.example.com" and claims["email_verified"]
    without = sign_in.tokens(scope="openid profile")["access_token"]
    claims = client.get(USERINFO, headers=bearer(without)).json
    assert "email" not in claims and "email_verified" not in claims and claims["sub"]


def test_userinfo_errors(sign_in, client):
    missing = client.get(USERINFO)
    assert missing.status_code == 401
    assert 'error="invalid_token"' in missing.headers["WWW-Authenticate"]
    no_openid = sign_in.tokens(scope="profile")["access_token"]
    response = client.get(USERINFO, headers=bearer(no_openid))
    assert response.status_code == 403 and response.json["error"] == "insufficient_scope"
