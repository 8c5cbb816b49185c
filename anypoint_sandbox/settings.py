"""The sandbox's settings, typed and validated at start: the environment, overridden by
``test_config``; :func:`load_settings` returns them as the app's Flask config. Reading them
creates nothing (the database's and the uploads' folders are made when first written).

SANDBOX_DATABASE_URL   default sqlite:///<cwd>/instance/sandbox.db; postgresql://… works too
                        (psycopg 3; processes on one such database share everything)
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
SANDBOX_MAX_UPLOAD_MB   largest JAR accepted, default 200; requests up to 1 MB above it are read
                        (MAX_CONTENT_LENGTH), larger ones are refused with 413 before reading
SANDBOX_MAX_UNCOMPRESSED_MB  how far a JAR may expand when unpacked (zip bomb limit), default 1024
SANDBOX_PASSWORD_HASH   how passwords are hashed, default scrypt (werkzeug's method names; the
                        test suite seeds with a cheap one)
"""

import math
import os
import pathlib
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

DEFAULT_BASE_URL = "http://localhost:8081"
ISSUER_PATH = "/accounts/api/v2/oauth2"
MEGABYTE = 1024 * 1024
NAMES = ("SANDBOX_DATABASE_URL", "SANDBOX_BASE_URL", "SANDBOX_ACCESS_TOKEN_TTL",
         "SANDBOX_KEY_GRACE_SECONDS", "SANDBOX_SECRET_KEY", "SANDBOX_MAX_CONNECTED_APPS",
         "SANDBOX_MAX_SCOPES_PER_APP", "SANDBOX_DEPLOY_SECONDS", "SANDBOX_UPLOAD_DIR",
         "SANDBOX_MAX_UPLOAD_MB", "SANDBOX_MAX_UNCOMPRESSED_MB", "SANDBOX_PASSWORD_HASH")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ValueError(f"must be an http(s) URL, not {value!r}")
    return value.rstrip("/")


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value!r}")
    return value


def _instance() -> pathlib.Path:
    return pathlib.Path.cwd() / "instance"


class SandboxSettings(BaseModel):
    """Every SANDBOX_* setting, by its environment name."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    SANDBOX_DATABASE_URL: str = Field(
        default_factory=lambda: f"sqlite:///{_instance() / 'sandbox.db'}", min_length=1)
    SANDBOX_BASE_URL: Annotated[str, AfterValidator(_base_url)] = DEFAULT_BASE_URL
    SANDBOX_ACCESS_TOKEN_TTL: int = Field(3600, gt=0)
    SANDBOX_KEY_GRACE_SECONDS: int = Field(86400, gt=0)
    SANDBOX_SECRET_KEY: str | None = None
    SANDBOX_MAX_CONNECTED_APPS: int = Field(2000, gt=0)
    SANDBOX_MAX_SCOPES_PER_APP: int = Field(1000, gt=0)
    SANDBOX_DEPLOY_SECONDS: Annotated[float, AfterValidator(_finite)] = Field(4, ge=0)
    SANDBOX_UPLOAD_DIR: pathlib.Path = Field(default_factory=lambda: _instance()
                                             / "cloudhub-uploads")
    SANDBOX_MAX_UPLOAD_MB: int = Field(200, gt=0, le=10_000)
    SANDBOX_MAX_UNCOMPRESSED_MB: int = Field(1024, gt=0, le=100_000)
    SANDBOX_PASSWORD_HASH: str = Field("scrypt", pattern=r"^(scrypt|pbkdf2)(:[\w:]+)?$")

    def as_config(self) -> dict:
        """The Flask config: every setting, plus what derives from them."""
        upload_dir = self.SANDBOX_UPLOAD_DIR.resolve()
        if upload_dir.exists() and not upload_dir.is_dir():
            raise SettingsError(f"SANDBOX_UPLOAD_DIR must be a folder, not the file {upload_dir}")
        https = self.SANDBOX_BASE_URL.startswith("https://")
        return {
            **self.model_dump(), "SANDBOX_UPLOAD_DIR": upload_dir,
            "SANDBOX_ISSUER": self.SANDBOX_BASE_URL + ISSUER_PATH,
            "SESSION_COOKIE_NAME": "anypoint_sandbox_session", "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax", "SESSION_COOKIE_SECURE": https,
            # Room for appInfoJson and the multipart framing; the file part is limited exactly.
            "MAX_CONTENT_LENGTH": (self.SANDBOX_MAX_UPLOAD_MB + 1) * MEGABYTE,
        }


def load_settings(test_config: dict | None = None) -> dict:
    """The sandbox's Flask config: environment values, overridden by ``test_config`` (whose
    other keys, such as TESTING, pass through). Raises SettingsError naming the first
    malformed setting."""
    overrides = dict(test_config or {})
    given = {name: os.environ[name] for name in NAMES if os.environ.get(name, "").strip()}
    given.update({name: value for name, value in overrides.items()
                  if name in NAMES and value is not None})
    try:
        settings = SandboxSettings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0])
        message = first["msg"].removeprefix("Value error, ")
        shown = "" if name == "SANDBOX_SECRET_KEY" else f" (got {str(first.get('input'))[:80]!r})"
        raise SettingsError(f"{name} {message[0].lower()}{message[1:]}{shown}") from None
    extra = {name: value for name, value in overrides.items() if name not in NAMES}
    return {**extra, **settings.as_config()}
