"""Pure units (no Flask): ID token steps, trace redaction, single-flight refresh, settings."""

from __future__ import annotations

import json
import threading
import time

import pytest
from joserfc import jwk, jws

from relying_party.anypoint.models import TokenSet
from relying_party.anypoint.trace import (
    KEPT_CHARS,
    KEPT_ITEMS,
    Exchange,
    fingerprint,
    redact,
    redact_url,
)
from relying_party.delegation.store import FileStore, Sealer
from relying_party.delegation.tokens import TokenStore
from relying_party.oidc.idtoken import validate_id_token
from relying_party.settings import SettingsError, load_settings

KEY = jwk.RSAKey.generate_key(2048, parameters={"kid": "k1"})
JWKS = {"keys": [KEY.as_dict(private=False)]}
ISS, CLIENT = "https://op.example/oauth2", "client-1"
ALGS = ("RS256", "ES256")


def make_token(key=KEY, header=None, **claims) -> str:
    now = int(time.time())
    body = {"iss": ISS, "aud": CLIENT, "sub": "u1", "iat": now, "exp": now + 300, "nonce": "n1"}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jws.serialize_compact(header or {"alg": "RS256", "kid": key.kid}, json.dumps(body), key)


def check(token, jwks=JWKS, refetch=lambda: None, **kwargs):
    return validate_id_token(token, jwks=jwks, refetch_jwks=refetch, issuer=ISS, client_id=CLIENT,
                             nonce=kwargs.pop("nonce", "n1"), algorithms=ALGS, **kwargs)


def failed_steps(report) -> set[str]:
    return {step.name for step in report.steps if not step.passed}


def test_valid_token_passes_every_step():
    report = check(make_token())
    assert report.ok
    assert [s.name for s in report.steps] == [
        "Well-formed signed JWT", "Algorithm allowed", "Signing key found", "Signature verified",
        "Issuer (iss)", "Audience (aud)", "Authorized party (azp)", "Not expired (exp)",
        "Issued at (iat)", "Subject (sub)", "Nonce"]


@pytest.mark.parametrize(("claims", "step"), [
    ({"iss": "https://evil.example"}, "Issuer (iss)"),
    ({"aud": "other"}, "Audience (aud)"),
    ({"aud": [CLIENT, "other"]}, "Authorized party (azp)"),
    ({"aud": "other", "azp": CLIENT}, "Audience (aud)"),
    ({"exp": int(time.time()) - 3600}, "Not expired (exp)"),
    ({"iat": int(time.time()) + 3600}, "Issued at (iat)"),
    ({"iat": None}, "Issued at (iat)"),
    ({"sub": None}, "Subject (sub)"),
    ({"nonce": "other"}, "Nonce"),
])
def test_each_claim_check_fails_alone(claims, step):
    report = check(make_token(**claims))
    assert not report.ok
    assert failed_steps(report) == {step}


def test_leeway_is_respected():
    assert check(make_token(iat=int(time.time()) + 30)).ok
    assert check(make_token(exp=int(time.time()) - 30)).ok


def test_alg_none_rejected():
    token = make_token()
    head = jws.serialize_compact({"alg": "RS256"}, "{}", KEY).split(".")[0]
    import base64

    none_head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    forged = ".".join([none_head, token.split(".")[1], ""])
    assert head
    report = check(forged)
    assert "Algorithm allowed" in failed_steps(report)
    assert not report.ok


def test_hs256_rejected_unless_configured():
    secret = jwk.OctKey.import_key("s" * 32)
    token = make_token(key=secret, header={"alg": "HS256"})
    assert "Algorithm allowed" in failed_steps(check(token))


def test_bad_signature_and_unknown_key():
    other = jwk.RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert failed_steps(check(make_token(key=other))) >= {"Signature verified"}
    stranger = jwk.RSAKey.generate_key(2048, parameters={"kid": "k9"})
    calls = []
    report = check(make_token(key=stranger), refetch=lambda: calls.append(1) or JWKS)
    assert "Signing key found" in failed_steps(report)
    assert calls == [1]


def test_unknown_kid_found_after_refetch():
    rotated = jwk.RSAKey.generate_key(2048, parameters={"kid": "k2"})
    fresh = {"keys": [*JWKS["keys"], rotated.as_dict(private=False)]}
    assert check(make_token(key=rotated), refetch=lambda: fresh).ok


def test_no_kid_single_key_is_used():
    assert check(make_token(header={"alg": "RS256"})).ok


def test_refresh_token_must_name_same_user():
    report = check(make_token(), nonce=None, expected_sub="someone-else")
    assert failed_steps(report) == {"Same user as at sign-in"}


def test_claims_not_trusted_without_signature():
    other = jwk.RSAKey.generate_key(2048, parameters={"kid": "k1"})
    report = check(make_token(key=other))
    assert all(not s.passed for s in report.steps[3:])

SEALER = Sealer.from_secret("test-secret-key-0123456789")


# -- trace redaction -------------------------------------------------------------------------

def test_fingerprint_is_short_and_stable():
    assert fingerprint("abc") == fingerprint("abc")
    assert fingerprint("abc").startswith("fp:") and len(fingerprint("abc")) == 11
    assert fingerprint(None) == "(none)"


def test_redact_replaces_secret_keys_everywhere():
    body = {"access_token": "AT-1234567890", "refresh_token": "RT-1234567890",
            "token_type": "bearer", "nested": [{"code": "C-123456"}],
            "headers": {"Authorization": "Bearer AT-1234567890"}}
    clean = redact(body)
    text = json.dumps(clean)
    for secret in ("AT-1234567890", "RT-1234567890", "C-123456"):
        assert secret not in text
    assert clean["token_type"] == "bearer"
    assert clean["headers"]["Authorization"] == "Bearer " + fingerprint("AT-1234567890")


def test_redact_known_secrets_in_free_text_and_urls():
    assert "s3cret-value" not in redact("error near s3cret-value", ("s3cret-value",))
    url = redact_url("https://rp/cb?code=abc123&state=xyz789&iss=https://op")
    assert "abc123" not in url and "xyz789" not in url and "iss=https://op" in url


def test_exchange_build_redacts_everything():
    entry = Exchange.build("token", "POST", "https://op/token", 200, 12,
                           request={"form": {"client_secret": "very-secret-1"}},
                           response={"id_token": "eyJ.a.b"}, secrets=("very-secret-1",))
    assert "very-secret-1" not in json.dumps(entry.to_dict())
    assert "eyJ.a.b" not in json.dumps(entry.to_dict())


def test_a_large_answer_is_abridged_in_the_trace():
    lines = [{"message": f"line {n}", "priority": "INFO"} for n in range(500)]
    answer = {"data": lines, "total": 500, "note": "x" * 10_000}
    kept = Exchange.build("deployment log", "GET", "https://ch/logs", 200, 3,
                          response=answer).response
    assert kept["data"][:KEPT_ITEMS] == lines[:KEPT_ITEMS]
    assert kept["data"][KEPT_ITEMS:] == [f"… {500 - KEPT_ITEMS} more, not kept in the trace"]
    assert kept["total"] == 500 and len(kept["note"]) < KEPT_CHARS + 40
    assert len(json.dumps(kept)) < 10_000 < len(json.dumps(answer))
    small = {"data": lines[:3]}
    assert Exchange.build("x", "GET", "https://ch", 200, 1, response=small).response == small


# -- single-flight refresh -------------------------------------------------------------------

def test_single_flight_refresh_with_racing_threads(tmp_path):
    calls = []

    def refresh(old: TokenSet) -> TokenSet:
        calls.append(old.refresh_token)
        time.sleep(0.2)  # a slow provider widens the race window
        return TokenSet.from_response({"access_token": "AT-2", "refresh_token": "RT-2",
                                       "expires_in": 3600}, old.scopes, previous=old)

    store = TokenStore(FileStore(str(tmp_path), SEALER), refresh, margin=60)
    expired = TokenSet("AT-1", "bearer", time.time() - 5, ("openid",), time.time() - 3600,
                       refresh_token="RT-1")
    store.save("grant", expired)
    results, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        results.append(store.fresh("grant").access_token)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["RT-1"]
    assert results == ["AT-2"] * 8
    saved = store.load("grant")
    assert saved.refresh_token == "RT-2" and saved.rotation_count == 1


def test_not_due_means_no_refresh(tmp_path):
    store = TokenStore(FileStore(str(tmp_path), SEALER), lambda old: pytest.fail("refreshed"),
                       margin=60)
    store.save("g", TokenSet("AT", "bearer", time.time() + 600, (), time.time(), "RT"))
    assert store.fresh("g").access_token == "AT"


def test_token_sets_are_kept_only_as_long_as_a_session_can_last(lab):
    kept = []

    class Recording(FileStore):
        def set(self, key, value, timeout):
            kept.append((key, timeout))
            super().set(key, value, timeout)

    rp = lab(SESSION_MAX_HOURS="3")
    tokens = rp.app.extensions["connected_app_lab"].tokens
    tokens.store = Recording(str(rp.app.instance_path), SEALER)
    tokens.save("g", TokenSet("AT", "bearer", time.time() + 600, (), time.time(), "RT"))
    assert kept == [("tokens:g", 3 * 3600)]


# -- settings --------------------------------------------------------------------------------

def test_settings_name_the_missing_value(monkeypatch):
    monkeypatch.delenv("ANYPOINT_CLIENT_ID", raising=False)
    with pytest.raises(SettingsError, match="ANYPOINT_CLIENT_ID is missing"):
        load_settings({"SECRET_KEY": "x" * 20, "ANYPOINT_CLIENT_SECRET": "s"}, env_file=None)


def test_settings_defaults_and_derived_issuer():
    settings = load_settings({"SECRET_KEY": "x" * 20, "ANYPOINT_CLIENT_ID": "c",
                              "ANYPOINT_CLIENT_SECRET": "s"}, env_file=None)
    assert settings.oidc_issuer == "https://anypoint.mulesoft.com/accounts/api/v2/oauth2"
    assert settings.redirect_uri == "http://localhost:5000/auth/callback"
    assert "openid" in settings.scopes


def test_settings_environment_wins_over_dotenv(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("ANYPOINT_CLIENT_ID=from-file\nANYPOINT_CLIENT_SECRET=s\nSECRET_KEY="
                   + "x" * 20 + "\n")
    monkeypatch.setenv("ANYPOINT_CLIENT_ID", "from-env")
    assert load_settings(env_file=str(env)).client_id == "from-env"


@pytest.mark.parametrize(("name", "value"), [
    ("ANYPOINT_URL", "not a url"), ("SESSION_BACKEND", "memcached"), ("HTTP_TIMEOUT", "soon"),
    ("ID_TOKEN_ALGORITHMS", "none"), ("CLIENT_AUTH_METHOD", "private_key_jwt")])
def test_settings_malformed_values_are_named(name, value):
    base = {"SECRET_KEY": "x" * 20, "ANYPOINT_CLIENT_ID": "c", "ANYPOINT_CLIENT_SECRET": "s"}
    with pytest.raises(SettingsError, match=name):
        load_settings({**base, name: value}, env_file=None)
