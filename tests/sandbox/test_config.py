"""Settings: defaults, validation, the persisted session secret and the cookie name."""

import pytest

from anypoint_sandbox import create_app
from anypoint_sandbox.settings import SettingsError, load_settings


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("SANDBOX_DATABASE_URL", "SANDBOX_BASE_URL", "SANDBOX_ACCESS_TOKEN_TTL",
                 "SANDBOX_KEY_GRACE_SECONDS", "SANDBOX_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings["SANDBOX_DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'sandbox.db'}"
    assert not (tmp_path / "instance").exists()  # made when the database is first opened
    assert settings["SANDBOX_BASE_URL"] == "http://localhost:8081"
    assert settings["SANDBOX_ACCESS_TOKEN_TTL"] == 3600
    assert settings["SANDBOX_KEY_GRACE_SECONDS"] == 86400
    assert settings["SESSION_COOKIE_NAME"] == "anypoint_sandbox_session"


def test_environment_is_read_and_test_config_wins(monkeypatch):
    monkeypatch.setenv("SANDBOX_ACCESS_TOKEN_TTL", "120")
    monkeypatch.setenv("SANDBOX_BASE_URL", "http://sandbox.test:9000")
    settings = load_settings({"SANDBOX_ACCESS_TOKEN_TTL": 5})
    assert settings["SANDBOX_ACCESS_TOKEN_TTL"] == 5
    assert settings["SANDBOX_ISSUER"] == "http://sandbox.test:9000/accounts/api/v2/oauth2"


@pytest.mark.parametrize("name, value", [("SANDBOX_ACCESS_TOKEN_TTL", "soon"),
                                         ("SANDBOX_KEY_GRACE_SECONDS", "-1"),
                                         ("SANDBOX_BASE_URL", "localhost:8081")])
def test_malformed_settings_are_named(name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


def test_secret_key_is_generated_once_and_persisted(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    first = create_app({"SANDBOX_DATABASE_URL": url})
    second = create_app({"SANDBOX_DATABASE_URL": url})
    try:
        assert first.secret_key and len(first.secret_key) >= 40
        assert first.secret_key == second.secret_key
    finally:
        first.extensions["sandbox_storage"].dispose()
        second.extensions["sandbox_storage"].dispose()


def test_sign_in_sets_the_sandbox_cookie_name(sign_in, client):
    response = sign_in.authorize()
    sign_in.login(response.headers["Location"])
    assert client.get_cookie("anypoint_sandbox_session") is not None
    assert client.get_cookie("session") is None
