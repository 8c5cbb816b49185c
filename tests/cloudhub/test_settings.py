"""The CloudHub settings: defaults, validation naming the setting, and derived limits."""

import pytest

from anypoint_sandbox.settings import SettingsError, load_settings

NAMES = ("SANDBOX_DEPLOY_SECONDS", "SANDBOX_UPLOAD_DIR", "SANDBOX_MAX_UPLOAD_MB",
         "SANDBOX_MAX_UNCOMPRESSED_MB")


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    settings = load_settings({"SANDBOX_DATABASE_URL": "sqlite://"})
    assert settings["SANDBOX_DEPLOY_SECONDS"] == 4
    assert settings["SANDBOX_UPLOAD_DIR"] == tmp_path / "instance" / "cloudhub-uploads"
    assert not settings["SANDBOX_UPLOAD_DIR"].exists()  # made when the first upload arrives
    assert settings["SANDBOX_MAX_UPLOAD_MB"] == 200
    assert settings["SANDBOX_MAX_UNCOMPRESSED_MB"] == 1024
    assert settings["MAX_CONTENT_LENGTH"] == 201 * 1024 * 1024


def test_environment_values_and_fractions(monkeypatch, tmp_path):
    monkeypatch.setenv("SANDBOX_DEPLOY_SECONDS", "0.2")
    monkeypatch.setenv("SANDBOX_MAX_UPLOAD_MB", "5")
    settings = load_settings({"SANDBOX_UPLOAD_DIR": str(tmp_path / "jars")})
    assert settings["SANDBOX_DEPLOY_SECONDS"] == 0.2
    assert settings["SANDBOX_UPLOAD_DIR"] == tmp_path / "jars"
    assert settings["MAX_CONTENT_LENGTH"] == 6 * 1024 * 1024


@pytest.mark.parametrize("name, value", [
    ("SANDBOX_DEPLOY_SECONDS", "soon"), ("SANDBOX_DEPLOY_SECONDS", "-1"),
    ("SANDBOX_DEPLOY_SECONDS", "nan"), ("SANDBOX_MAX_UPLOAD_MB", "0"),
    ("SANDBOX_MAX_UPLOAD_MB", "1.5"), ("SANDBOX_MAX_UNCOMPRESSED_MB", "lots"),
])
def test_malformed_values_are_named(name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({name: value})


def test_the_upload_dir_must_be_a_folder(tmp_path):
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    with pytest.raises(SettingsError, match="SANDBOX_UPLOAD_DIR"):
        load_settings({"SANDBOX_UPLOAD_DIR": str(taken)})


def test_the_upload_dir_is_created_by_the_first_upload(developer, uploads, sample_jar):
    assert not uploads.exists()
    assert developer.deploy("first-app", sample_jar).status_code == 200
    assert uploads.is_dir() and len(list(uploads.iterdir())) == 1
