"""Settings read from the environment (and overridden by ``test_config``), validated at start.

SANDBOX_DATABASE_URL   default sqlite:///<cwd>/instance/sandbox.db (the folder is created)
SANDBOX_BASE_URL       default http://localhost:8081; every advertised URL derives from it
SANDBOX_ACCESS_TOKEN_TTL    seconds, default 3600
SANDBOX_KEY_GRACE_SECONDS   how long a rotated-out signing key stays in the JWKS, default 86400
SANDBOX_SECRET_KEY     session signing key; generated and kept in the database when unset
SANDBOX_MAX_CONNECTED_APPS  connected apps one organization may own, default 2000 (Anypoint's
                        limit since 2022; it was 200 before)
SANDBOX_MAX_SCOPES_PER_APP  scopes one connected app may hold, default 1000 (Anypoint's limit)
SANDBOX_DEPLOY_SECONDS  how long a CloudHub deploy, start or stop takes, default 4 (a fraction
                        such as 0.2 is allowed; 0 makes every move instant)
SANDBOX_UPLOAD_DIR      where deployed JARs are kept, default <cwd>/instance/cloudhub-uploads
                        (created when the first upload arrives)
SANDBOX_MAX_UPLOAD_MB   largest JAR accepted, default 200; requests up to 1 MB above it are read
                        (MAX_CONTENT_LENGTH), larger ones are refused with 413 before reading
SANDBOX_MAX_UNCOMPRESSED_MB  how far a JAR may expand when unpacked (zip bomb limit), default 1024
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


def _number(name: str, value, *, whole: bool, unit: str) -> float:
    try:
        number = int(value) if whole else float(value)
    except (TypeError, ValueError):
        kind = "a whole number" if whole else "a number"
        raise SettingsError(f"{name} must be {kind} of {unit}, not {value!r}") from None
    if not 0 <= number < float("inf") or (whole and number == 0):  # also refuses NaN
        raise SettingsError(f"{name} must be {'positive' if whole else 'zero or more'}, "
                            f"not {value!r}")
    return number


def _cloudhub_settings(get) -> dict:
    """The CloudHub settings (see the module docstring); the upload folder is not created here."""
    upload_dir = pathlib.Path(get("SANDBOX_UPLOAD_DIR") or pathlib.Path.cwd() / "instance"
                              / "cloudhub-uploads").resolve()
    if upload_dir.exists() and not upload_dir.is_dir():
        raise SettingsError(f"SANDBOX_UPLOAD_DIR must be a folder, not the file {upload_dir}")
    max_upload_mb = _number("SANDBOX_MAX_UPLOAD_MB", get("SANDBOX_MAX_UPLOAD_MB", 200),
                            whole=True, unit="megabytes")
    return {
        "SANDBOX_DEPLOY_SECONDS": _number("SANDBOX_DEPLOY_SECONDS",
                                          get("SANDBOX_DEPLOY_SECONDS", 4),
                                          whole=False, unit="seconds"),
        "SANDBOX_UPLOAD_DIR": upload_dir,
        "SANDBOX_MAX_UPLOAD_MB": max_upload_mb,
        "SANDBOX_MAX_UNCOMPRESSED_MB": _number(
            "SANDBOX_MAX_UNCOMPRESSED_MB", get("SANDBOX_MAX_UNCOMPRESSED_MB", 1024),
            whole=True, unit="megabytes"),
        # Room for appInfoJson and the multipart framing; the file part itself is limited exactly.
        "MAX_CONTENT_LENGTH": (max_upload_mb + 1) * 1024 * 1024,
    }


def _limit(name: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{name} must be at least 1, not {number}")
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
        SANDBOX_MAX_CONNECTED_APPS=_limit(
            "SANDBOX_MAX_CONNECTED_APPS", get("SANDBOX_MAX_CONNECTED_APPS", 2000)),
        SANDBOX_MAX_SCOPES_PER_APP=_limit(
            "SANDBOX_MAX_SCOPES_PER_APP", get("SANDBOX_MAX_SCOPES_PER_APP", 1000)),
    )
    settings.update(_cloudhub_settings(get))
    return settings
