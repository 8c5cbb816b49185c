"""End to end over real HTTP: the sandbox on a free port, driven by Authlib's OAuth2Session
through the sign-in and consent forms, then every token endpoint and the account API."""

import re

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.support.pages import csrf_of
from tests.support.sandbox import run_sandbox

TIMEOUT = 10


@pytest.fixture
def sandbox(tmp_path):
    handle = run_sandbox(tmp_path / "e2e.db", redirect_uris=["http://127.0.0.1:5999/cb"])
    yield handle
    handle.stop()


def discover(url):
    doc = requests.get(f"{url}/accounts/api/v2/oauth2/.well-known/openid-configuration",
                       timeout=TIMEOUT).json()
    return doc


def browser_sign_in(sandbox, authorize_url, role="developer"):
    """Follow the sandbox's pages like a browser; returns the callback URL."""
    browser = requests.Session()
    user = sandbox.user(role)
    page = browser.get(authorize_url, timeout=TIMEOUT)
    assert page.url.endswith("/login") and 'name="username"' in page.text
    consent = browser.post(page.url, data={"csrf_token": csrf_of(page.text),
                                           "username": user["username"],
                                           "password": user["password"]}, timeout=TIMEOUT)
    assert consent.url.endswith("/consent") and "Connected App Lab" in consent.text
    back = browser.post(consent.url, data={"csrf_token": csrf_of(consent.text),
                                           "decision": "allow"},
                        allow_redirects=False, timeout=TIMEOUT)
    assert back.status_code == 302
    return back.headers["Location"]


def test_full_user_journey(sandbox):
    doc = discover(sandbox.url)
    assert doc["issuer"] == f"{sandbox.url}/accounts/api/v2/oauth2"
    lab = sandbox.app_named("Connected App Lab")
    redirect_uri = "http://127.0.0.1:5999/cb"
    oauth = OAuth2Session(lab["client_id"], lab["client_secret"], redirect_uri=redirect_uri,
                          scope="openid profile email offline_access view:environment",
                          code_challenge_method="S256",
                          token_endpoint_auth_method="client_secret_post")
    verifier = generate_token(64)
    nonce = generate_token(20)
    url, state = oauth.create_authorization_url(doc["authorization_endpoint"],
                                                code_verifier=verifier, nonce=nonce)
    callback = browser_sign_in(sandbox, url)
    assert f"state={state}" in callback and "iss=" in callback
    token = oauth.fetch_token(doc["token_endpoint"], authorization_response=callback,
                              code_verifier=verifier, timeout=TIMEOUT)
    assert token["token_type"] == "bearer" and token["refresh_token"]

    keyset = KeySet.import_key_set(requests.get(doc["jwks_uri"], timeout=TIMEOUT).json())
    id_token = jwt.decode(token["id_token"], keyset, algorithms=["RS256"])
    claims = id_token.claims
    assert id_token.header["kid"] in [key["kid"] for key in keyset.as_dict()["keys"]]
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": doc["issuer"]},
                          aud={"essential": True, "value": lab["client_id"]},
                          nonce={"essential": True, "value": nonce}).validate(claims)

    info = oauth.get(doc["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert info["sub"] == claims["sub"] and info["preferred_username"] == "developer"
    me = oauth.get(f"{sandbox.url}/accounts/api/me", timeout=TIMEOUT).json()
    assert me["user"]["username"] == "developer" and "client" not in me
    org_id = me["user"]["organization"]["id"]
    envs = oauth.get(f"{sandbox.url}/accounts/api/organizations/{org_id}/environments",
                     timeout=TIMEOUT).json()
    assert envs["total"] == 3

    old_refresh = token["refresh_token"]
    refreshed = oauth.refresh_token(doc["token_endpoint"], refresh_token=old_refresh,
                                    timeout=TIMEOUT)
    assert refreshed["refresh_token"] != old_refresh
    assert jwt.decode(refreshed["id_token"], keyset).claims["sub"] == claims["sub"]

    auth = (lab["client_id"], lab["client_secret"])
    revoked = requests.post(doc["revocation_endpoint"], auth=auth, timeout=TIMEOUT,
                            data={"token": refreshed["refresh_token"],
                                  "token_type_hint": "refresh_token"})
    assert revoked.status_code == 200
    status = requests.post(doc["introspection_endpoint"], auth=auth, timeout=TIMEOUT,
                           data={"token": refreshed["access_token"]}).json()
    assert status == {"active": False}
    denied = requests.get(f"{sandbox.url}/accounts/api/me", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert denied.status_code == 401
    assert 'error="invalid_token"' in denied.headers["WWW-Authenticate"]


def test_json_exchange_and_refresh_reuse_over_http(sandbox):
    doc = discover(sandbox.url)
    lab = sandbox.app_named("Connected App Lab")
    url = (f"{doc['authorization_endpoint']}?response_type=code&client_id={lab['client_id']}"
           "&redirect_uri=http://localhost:5000/auth/callback&scope=openid%20offline_access"
           "&state=xyz")
    callback = browser_sign_in(sandbox, url, role="viewer")
    code = re.search(r"code=([^&]+)", callback).group(1)
    body = {"grant_type": "authorization_code", "code": code, "client_id": lab["client_id"],
            "client_secret": lab["client_secret"],
            "redirect_uri": "http://localhost:5000/auth/callback"}
    first = requests.post(doc["token_endpoint"], json=body, timeout=TIMEOUT)
    assert first.status_code == 200, first.text
    first = first.json()
    refresh_body = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                    "client_id": lab["client_id"], "client_secret": lab["client_secret"]}
    second = requests.post(doc["token_endpoint"], json=refresh_body, timeout=TIMEOUT).json()
    reuse = requests.post(doc["token_endpoint"], json=refresh_body, timeout=TIMEOUT)
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    newest = requests.post(doc["token_endpoint"], timeout=TIMEOUT, json={
        **refresh_body, "refresh_token": second["refresh_token"]})
    assert newest.json()["error"] == "invalid_grant"  # the whole grant is gone


def test_ci_deployer_client_credentials_over_http(sandbox):
    doc = discover(sandbox.url)
    deployer = sandbox.app_named("CI Deployer")
    token = requests.post(doc["token_endpoint"], timeout=TIMEOUT,
                          auth=(deployer["client_id"], deployer["client_secret"]),
                          data={"grant_type": "client_credentials"}).json()
    me = requests.get(f"{sandbox.url}/accounts/api/me", timeout=TIMEOUT,
                      headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me["client"]["client_id"] == deployer["client_id"]


def test_a_short_ttl_expires_over_http(tmp_path, clock):
    sandbox = run_sandbox(tmp_path / "ttl.db", SANDBOX_ACCESS_TOKEN_TTL=2)
    try:
        deployer = sandbox.app_named("CI Deployer")
        token = requests.post(f"{sandbox.issuer}/token", timeout=TIMEOUT,
                              data={"grant_type": "client_credentials",
                                    "client_id": deployer["client_id"],
                                    "client_secret": deployer["client_secret"]}).json()
        assert token["expires_in"] == 2
        me = f"{sandbox.url}/accounts/api/me"
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        clock.advance(1.9)
        assert requests.get(me, timeout=TIMEOUT, headers=bearer).status_code == 200
        clock.advance(0.1)
        response = requests.get(me, timeout=TIMEOUT, headers=bearer)
        assert response.status_code == 401
    finally:
        sandbox.stop()
