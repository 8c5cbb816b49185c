"""Client authentication that cannot be read is a 401 ``invalid_client`` in words at every
endpoint that authenticates clients, never a 500; and an unknown ``token_type_hint`` is ignored
at revocation and introspection (RFC 7009 §2.1, RFC 7662 §2.1), never refused."""

import base64

import pytest

from tests.support.sandbox_client import TOKEN, bearer

OAUTH = "/accounts/api/v2/oauth2"
ENDPOINTS = [TOKEN, f"{OAUTH}/revoke", f"{OAUTH}/introspect"]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# Each a member of the class "a Basic header that is not base64 of UTF-8 id:secret". The
# header arrives as Latin-1 text (WSGI), so "\xff\xfe" is how a non-UTF-8 byte pair reaches us.
MALFORMED = {
    "not ASCII": "Basic \xff\xfe",
    "not base64": "Basic !!!not-base64!!!",
    "base64 of bytes that are not UTF-8": "Basic " + b64(b"\xff\xfe:\xfd"),
    "no colon": "Basic " + b64(b"just-a-client-id"),
    "only a colon": "Basic " + b64(b":"),
    "empty client id": "Basic " + b64(b":some-secret"),
    "empty secret": "Basic " + b64(b"some-client:"),
    "nothing after Basic": "Basic",
    "padding only": "Basic ====",
    "base64 with spaces inside": "Basic " + b64(b"a:b")[:2] + " " + b64(b"a:b")[2:],
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("header", MALFORMED.values(), ids=MALFORMED.keys())
def test_an_unreadable_basic_header_is_401_invalid_client_in_words(client, endpoint, header):
    answer = client.post(endpoint, data={"grant_type": "client_credentials", "token": "x"},
                         headers={"Authorization": header})
    assert answer.status_code == 401, answer.data
    assert answer.json["error"] == "invalid_client"
    assert "client_id:client_secret" in answer.json["error_description"]
    assert answer.headers["WWW-Authenticate"].startswith('Basic error="invalid_client"')
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_wrong_or_unknown_client_says_which_in_words(client, endpoint, deployer):
    wrong = client.post(endpoint, data={"grant_type": "client_credentials", "token": "x"},
                        headers={"Authorization": "Basic " + b64(
                            f"{deployer['client_id']}:wrong".encode())})
    assert wrong.status_code == 401
    assert wrong.json["error_description"] == "The client secret is not correct."
    unknown = client.post(endpoint, data={"grant_type": "client_credentials", "token": "x",
                                          "client_id": "nobody", "client_secret": "x"})
    assert unknown.status_code == 401
    assert "No enabled connected app has this client id" in unknown.json["error_description"]
    half = client.post(endpoint, data={"grant_type": "client_credentials", "token": "x",
                                       "client_id": deployer["client_id"]})
    assert half.status_code == 401 and "client_secret" in half.json["error_description"]


def test_a_well_formed_basic_header_still_works(client, deployer):
    pair = b64(f"{deployer['client_id']}:{deployer['client_secret']}".encode())
    answer = client.post(TOKEN, data={"grant_type": "client_credentials"},
                         headers={"Authorization": f"basic {pair}"})  # the scheme in any case
    assert answer.status_code == 200 and answer.json["access_token"]


ODD_HINTS = ["foo", "ACCESS_TOKEN", "id_token", "urn:ietf:params:oauth:token-type:jwt",
             "x" * 300, "refresh_token ", "²", "access_token,refresh_token"]


def _authenticated(lab: dict, **data) -> dict:
    return {"client_id": lab["client_id"], "client_secret": lab["client_secret"], **data}


@pytest.mark.parametrize("hint", ODD_HINTS)
def test_introspection_ignores_an_unknown_hint(sign_in, client, lab, hint):
    tokens = sign_in.tokens()
    for token in (tokens["access_token"], tokens["refresh_token"]):
        answer = client.post(f"{OAUTH}/introspect",
                             data=_authenticated(lab, token=token, token_type_hint=hint))
        assert answer.status_code == 200 and answer.json["active"] is True, answer.json
    unknown = client.post(f"{OAUTH}/introspect",
                          data=_authenticated(lab, token="no-such-token", token_type_hint=hint))
    assert unknown.status_code == 200 and unknown.json == {"active": False}


@pytest.mark.parametrize("hint", ODD_HINTS)
def test_revocation_ignores_an_unknown_hint(sign_in, client, lab, hint):
    tokens = sign_in.tokens()
    answer = client.post(f"{OAUTH}/revoke",
                         data=_authenticated(lab, token=tokens["access_token"],
                                             token_type_hint=hint))
    assert answer.status_code == 200
    assert client.get("/accounts/api/me", headers=bearer(tokens["access_token"])).status_code \
        == 401  # it was found and revoked although the hint named no type
    unknown = client.post(f"{OAUTH}/revoke",
                          data=_authenticated(lab, token="no-such-token", token_type_hint=hint))
    assert unknown.status_code == 200


def test_a_refresh_token_under_an_odd_hint_revokes_its_grant(sign_in, client, lab):
    tokens = sign_in.tokens()
    client.post(f"{OAUTH}/revoke", data=_authenticated(lab, token=tokens["refresh_token"],
                                                       token_type_hint="whatever"))
    refreshed = client.post(TOKEN, data=_authenticated(lab, grant_type="refresh_token",
                                                       refresh_token=tokens["refresh_token"]))
    assert refreshed.status_code == 400 and refreshed.json["error"] == "invalid_grant"


@pytest.mark.parametrize("endpoint", ENDPOINTS[1:])
def test_a_missing_token_is_still_invalid_request(client, lab, endpoint):
    answer = client.post(endpoint, data=_authenticated(lab, token_type_hint="foo"))
    assert answer.status_code == 400 and answer.json["error"] == "invalid_request"
    assert "'token'" in answer.json["error_description"]
