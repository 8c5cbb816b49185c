"""Settings read from the environment (and overridden by ``test_config``), validated at start.

SANDBOX_DATABASE_URL   default sqlite:///<cwd>/instance/sandbox.db (the folder is created)
SANDBOX_BASE_URL       default http://localhost:8081; every advertised URL derives from it
SANDBOX_ACCESS_TOKEN_TTL    seconds, default 3600
SANDBOX_KEY_GRACE_SECONDS   how long a rotated-out signing key stays in the JWKS, default 86400
SANDBOX_SECRET_KEY     session signing key; generated and kept in the database when unset
"""

import os
import pathlib
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "http://localhost:8081"
ISSUER_PATH = "/accounts/api/v2/oauth2"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


def _integer(name: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a whole number of seconds, not {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{name} must be positive, not {number}")
    return number


def load_settings(test_config: dict | None = None) -> dict:
    """The sandbox's Flask config: environment values, overridden by ``test_config``.
    Raises SettingsError naming the first malformed setting."""
    overrides = dict(test_config or {})

    def get(name, default=None):
        return overrides.get(name, os.environ.get(name, default))

    database_url = get("SANDBOX_DATABASE_URL")
    if not database_url:
        instance = pathlib.Path.cwd() / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance / 'sandbox.db'}"
    base_url = str(get("SANDBOX_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise SettingsError(f"SANDBOX_BASE_URL must be an http(s) URL, not {base_url!r}")
    settings = {
        key: value for key, value in overrides.items() if key not in {"SANDBOX_DATABASE_URL"}
    }
    settings.update(
        SANDBOX_DATABASE_URL=database_url,
        SANDBOX_BASE_URL=base_url,
        SANDBOX_ISSUER=base_url + ISSUER_PATH,
        SANDBOX_ACCESS_TOKEN_TTL=_integer(
            "SANDBOX_ACCESS_TOKEN_TTL", get("SANDBOX_ACCESS_TOKEN_TTL", 3600)),
        SANDBOX_KEY_GRACE_SECONDS=_integer(
            "SANDBOX_KEY_GRACE_SECONDS", get("SANDBOX_KEY_GRACE_SECONDS", 86400)),
        SANDBOX_SECRET_KEY=get("SANDBOX_SECRET_KEY") or None,
        SESSION_COOKIE_NAME="anypoint_sandbox_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=parts.scheme == "https",
    )
    return settings
