"""Key rotation, the Flask commands, and the audit log."""

import json

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from anypoint_sandbox.access_management import audit
from anypoint_sandbox.oauth import keys
from anypoint_sandbox.storage import AuditEntry, SigningKey, session
from tests.support.sandbox_client import TOKEN

JWKS = "/accounts/api/v2/oauth2/keys"


def test_rotation_keeps_old_tokens_verifiable_and_signs_with_the_new_kid(sign_in, client, app):
    old = sign_in.tokens()["id_token"]
    old_kid = jwt.decode(old, KeySet.import_key_set(client.get(JWKS).json)).header["kid"]
    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0
    published = client.get(JWKS).json
    assert len(published["keys"]) == 2
    keyset = KeySet.import_key_set(published)
    assert jwt.decode(old, keyset).header["kid"] == old_kid
    new = sign_in.tokens()["id_token"]
    new_kid = jwt.decode(new, keyset).header["kid"]
    assert new_kid != old_kid and new_kid in result.output


def test_retired_keys_leave_the_jwks_after_the_grace_period(app, sign_in, client):
    old = sign_in.tokens()["id_token"]
    with app.app_context():
        keys.rotate_keys(session())
        for key in session().scalars(select(SigningKey).where(SigningKey.retired_at.isnot(None))):
            key.retired_at -= app.config["SANDBOX_KEY_GRACE_SECONDS"] + 1
        session().commit()
    published = client.get(JWKS).json
    assert len(published["keys"]) == 1
    try:
        jwt.decode(old, KeySet.import_key_set(published))
        raise AssertionError("a token signed by an expired key still verified")
    except JoseError:
        pass


def test_seed_json_shape_and_extra_redirect_uris(app):
    result = app.test_cli_runner().invoke(
        args=["seed", "--json", "--redirect-uri", "http://127.0.0.1:5123/auth/callback"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"organization", "users", "apps"}
    assert data["organization"]["name"] == "Training"
    assert {env["name"] for env in data["organization"]["environments"]} == {
        "Sandbox", "Design", "Production"}
    assert {u["role"] for u in data["users"]} == {"admin", "developer", "viewer"}
    assert all(set(u) == {"username", "password", "role"} for u in data["users"])
    lab, deployer = data["apps"]
    assert set(lab) == {"name", "client_id", "client_secret", "grant_types", "redirect_uris",
                        "scopes"}
    assert lab["redirect_uris"] == ["http://localhost:5000/auth/callback",
                                    "http://127.0.0.1:5123/auth/callback"]
    assert lab["grant_types"] == ["authorization_code", "refresh_token"]
    assert deployer["grant_types"] == ["client_credentials"]
    again = json.loads(app.test_cli_runner().invoke(args=["seed", "--json"]).output)
    assert again["users"][0]["password"] != data["users"][0]["password"]
    assert again["apps"][0]["client_secret"] != lab["client_secret"]


def test_seed_prints_accounts_for_people(app):
    output = app.test_cli_runner().invoke(args=["seed"]).output
    assert "admin" in output and "Connected App Lab" in output and "client_secret" in output


def entries(app):
    with app.app_context():
        return [audit.as_json(e) for e in session().scalars(
            select(AuditEntry).order_by(AuditEntry.timestamp))]


def test_audit_records_authorizations_tokens_and_revocations(app, sign_in, client, lab):
    tokens = sign_in.tokens()
    consent = sign_in.login(sign_in.authorize(prompt="login consent").headers["Location"])
    sign_in.decide(consent.headers["Location"], "deny")
    client.post(TOKEN, data={"grant_type": "authorization_code", "code": "bogus",
                             "client_id": lab["client_id"], "client_secret": lab["client_secret"]})
    client.post("/accounts/api/v2/oauth2/revoke", data={
        "token": tokens["refresh_token"], "client_id": lab["client_id"],
        "client_secret": lab["client_secret"]})
    log = entries(app)
    actions = [(e["action"], e["objectType"]) for e in log]
    assert ("Approved", "External Authorization") in actions
    assert ("Denied", "External Authorization") in actions
    assert ("Revoke Tokens", "Connected Application") in actions
    token_entries = [e for e in log if e["action"] == "Login - Token"]
    assert [bool(e["payload"].get("failed")) for e in token_entries] == [False, True]
    approved = next(e for e in log if e["action"] == "Approved")
    assert approved["userName"] == "admin"
    assert approved["connectedApp"] == {"clientId": lab["client_id"], "name": "Connected App Lab"}
    assert isinstance(approved["timestamp"], int) and approved["timestamp"] > 10**12
    text = json.dumps(log)
    for secret in (lab["client_secret"], tokens["access_token"], tokens["refresh_token"],
                   sign_in.password("admin")):
        assert secret not in text


