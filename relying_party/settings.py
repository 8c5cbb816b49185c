"""Typed settings, read once at start and validated: the web app's (:class:`Settings`) and the
``flask deploy`` command's (:class:`CiSettings`), both through :func:`read`.

Sources, strongest first: ``overrides`` (tests), the process environment, then ``.env``. A missing
or malformed value raises :class:`SettingsError` naming the variable. Secrets are ``SecretStr``:
they never show in a ``repr`` or a log line.
"""

from __future__ import annotations

import os
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote, urlsplit

from cryptography.fernet import Fernet
from pydantic import AfterValidator, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

WELL_KNOWN = "/.well-known/openid-configuration"
ANYPOINT_DISCOVERY_PATH = "/accounts/api/v2/oauth2" + WELL_KNOWN
DEFAULT_ANYPOINT_URL = "https://anypoint.mulesoft.com"
DEFAULT_SCOPES = "openid profile email offline_access view:environment read:applications"
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
# The provider's pages the revocation lab links to: (path on *.anypoint.mulesoft.com, path on any
# other ANYPOINT_URL, i.e. the sandbox's console). ANYPOINT_PROFILE_URL, ANYPOINT_PASSWORD_URL and
# ANYPOINT_ADMIN_URL override them; "{client_id}" is filled in.
PROVIDER_PAGES = {
    "profile": ("/accounts/#/cs/profile", "/console/profile/connected-apps"),
    "password": ("/accounts/#/cs/profile", "/console/profile/password"),
    "admin": ("/accounts/#/cs/core/connectedApps",
              "/console/access-management/connected-apps/{client_id}/authorizations"),
    "signout": ("/home/", "/console/sign-out"),
}
MEGABYTE = 1024 * 1024


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and says what is expected."""


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
    return value.rstrip("/") if parts.path in ("", "/") else value


def _page(value: str) -> str:
    """A provider page for people; ``{client_id}`` is the only placeholder allowed."""
    if "{" in value.replace("{client_id}", ""):
        raise ValueError("may only contain the placeholder {client_id}")
    return _web_url(value)


def _long_secret(value: SecretStr) -> SecretStr:
    if len(value.get_secret_value()) < 16:
        raise ValueError("must be at least 16 characters long")  # never echo a secret
    return value


def _redis_url(value: str) -> str:
    if not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"must be a redis:// URL, got {value!r}")
    return value


def _words(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value.replace(",", " ").split()) if isinstance(value, str) else tuple(value)


WebUrl = Annotated[str, AfterValidator(_web_url)]
PageUrl = Annotated[str, AfterValidator(_page)]
Words = Annotated[tuple[str, ...], NoDecode, Field(min_length=1)]


class _Source(BaseSettings):
    """Environment beats ``.env``; a value that is set but blank counts as not set."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True,
                                      env_ignore_empty=True, str_strip_whitespace=True,
                                      populate_by_name=False)


class Settings(_Source):
    """Everything the relying party needs to know about its provider and itself."""

    anypoint_url: WebUrl = Field(DEFAULT_ANYPOINT_URL, alias="ANYPOINT_URL")
    oidc_discovery_url: WebUrl | None = Field(None, alias="OIDC_DISCOVERY_URL")
    oidc_issuer: WebUrl | None = Field(None, alias="OIDC_ISSUER")
    client_id: str = Field(alias="ANYPOINT_CLIENT_ID", min_length=1)
    client_secret: SecretStr = Field(alias="ANYPOINT_CLIENT_SECRET", min_length=1)
    redirect_uri: WebUrl = Field("http://localhost:5000/auth/callback",
                                 alias="ANYPOINT_REDIRECT_URI")
    post_logout_redirect_uri: WebUrl = Field("http://localhost:5000/",
                                             alias="ANYPOINT_POST_LOGOUT_REDIRECT_URI")
    scopes: Words = Field(_words(DEFAULT_SCOPES), alias="ANYPOINT_SCOPES")
    secret_key: Annotated[SecretStr, AfterValidator(_long_secret)] = Field(alias="SECRET_KEY")
    session_backend: Literal["filesystem", "redis"] = Field("filesystem", alias="SESSION_BACKEND")
    redis_url: Annotated[str, AfterValidator(_redis_url)] = Field("redis://127.0.0.1:6379/0",
                                                                  alias="REDIS_URL")
    redis_prefix: str = Field("cal:", alias="REDIS_PREFIX", pattern=r"^[\w.:-]{1,40}$")
    redis_timeout_seconds: float = Field(1, alias="REDIS_TIMEOUT_SECONDS", gt=0, le=10)
    store_keys: Annotated[tuple[SecretStr, ...], NoDecode] = Field((), alias="STORE_KEYS")
    store_lock_wait_seconds: float = Field(15, alias="STORE_LOCK_WAIT_SECONDS", gt=0, le=60)
    client_auth_method: Literal["auto", "client_secret_basic", "client_secret_post"] = Field(
        "auto", alias="CLIENT_AUTH_METHOD")
    http_connect_timeout: float = Field(3.05, alias="HTTP_CONNECT_TIMEOUT", ge=0.01, le=60)
    http_timeout: float = Field(10, alias="HTTP_TIMEOUT", ge=0.01, le=60)
    platform_deadline_seconds: float = Field(15, alias="PLATFORM_DEADLINE_SECONDS", gt=0,
                                             le=120)
    upload_min_mb_per_second: float = Field(1, alias="UPLOAD_MIN_MB_PER_SECOND", gt=0)
    upload_answer_timeout: float = Field(15, alias="UPLOAD_ANSWER_TIMEOUT", ge=0.01, le=600)
    deploy_max_upload_mb: float = Field(200, alias="DEPLOY_MAX_UPLOAD_MB", gt=0, le=2048)
    provider_prefetch: bool = Field(True, alias="PROVIDER_PREFETCH")
    profile_max_age_seconds: int = Field(300, alias="PROFILE_MAX_AGE_SECONDS", ge=0,
                                         le=24 * 3600)
    session_idle_minutes: int = Field(60, alias="SESSION_IDLE_MINUTES", ge=1)
    session_max_hours: int = Field(12, alias="SESSION_MAX_HOURS", ge=1)
    trusted_proxies: int = Field(0, alias="TRUSTED_PROXIES", ge=0)
    trusted_hosts: Annotated[tuple[str, ...], NoDecode] = Field((), alias="TRUSTED_HOSTS")
    id_token_algorithms: Words = Field(SIGNING_ALGORITHMS, alias="ID_TOKEN_ALGORITHMS")
    clock_leeway_seconds: int = Field(60, alias="CLOCK_LEEWAY_SECONDS", ge=0)
    refresh_margin_seconds: int = Field(60, alias="REFRESH_MARGIN_SECONDS", ge=0)
    instance_path: Annotated[str, AfterValidator(os.path.abspath)] | None = Field(
        None, alias="INSTANCE_PATH")
    profile_url: PageUrl | None = Field(None, alias="ANYPOINT_PROFILE_URL")
    password_url: PageUrl | None = Field(None, alias="ANYPOINT_PASSWORD_URL")
    admin_url: PageUrl | None = Field(None, alias="ANYPOINT_ADMIN_URL")
    signout_url: PageUrl | None = Field(None, alias="ANYPOINT_SIGNOUT_URL")

    @model_validator(mode="before")
    @classmethod
    def _split_words(cls, data: dict) -> dict:
        for name in ("ANYPOINT_SCOPES", "ID_TOKEN_ALGORITHMS", "TRUSTED_HOSTS", "STORE_KEYS"):
            if isinstance(data.get(name), str):
                data = {**data, name: _words(data[name])}
        if isinstance(data.get("SESSION_BACKEND"), str):
            data = {**data, "SESSION_BACKEND": data["SESSION_BACKEND"].strip().lower()}
        return data

    @model_validator(mode="after")
    def _derive(self) -> Settings:
        """Fill in what derives from ANYPOINT_URL and check the lists."""
        discovery = self.oidc_discovery_url or self.anypoint_url + ANYPOINT_DISCOVERY_PATH
        issuer = self.oidc_issuer or (discovery[: -len(WELL_KNOWN)]
                                      if discovery.endswith(WELL_KNOWN) else None)
        if issuer is None:
            raise ValueError("OIDC_ISSUER is missing: it cannot be derived from an "
                             "OIDC_DISCOVERY_URL that does not end in " + WELL_KNOWN)
        for key in self.store_keys:
            try:
                Fernet(key.get_secret_value())
            except ValueError:
                raise ValueError("STORE_KEYS must be Fernet keys (32 url-safe base64 bytes each; "
                                 "python -c 'from cryptography.fernet import Fernet; "
                                 "print(Fernet.generate_key().decode())')") from None
        allowed = set(SIGNING_ALGORITHMS) | {"HS256"}
        for alg in self.id_token_algorithms:
            if alg not in allowed:
                raise ValueError(f"ID_TOKEN_ALGORITHMS: {alg!r} is not allowed (never 'none')")
        scopes = self.scopes if "openid" in self.scopes else ("openid", *self.scopes)
        on_anypoint = (urlsplit(self.anypoint_url).hostname or "").endswith(
            "anypoint.mulesoft.com")
        pages = {f"{page}_url": getattr(self, f"{page}_url")
                 or self.anypoint_url + paths[not on_anypoint]
                 for page, paths in PROVIDER_PAGES.items()}
        hosts = self.trusted_hosts or (urlsplit(self.redirect_uri).hostname or "localhost",)
        # The model is frozen: the derived values are set once, here, and never change.
        object.__setattr__(self, "trusted_hosts", hosts)
        object.__setattr__(self, "oidc_discovery_url", discovery)
        object.__setattr__(self, "oidc_issuer", issuer)
        object.__setattr__(self, "scopes", scopes)
        for name, value in pages.items():
            object.__setattr__(self, name, value)
        return self

    @property
    def secure_cookies(self) -> bool:
        """Cookies get ``Secure`` and the ``__Host-`` prefix when the app is served over https."""
        return self.redirect_uri.startswith("https://")

    @property
    def origin(self) -> str:
        """The app's own origin (scheme://host[:port]), taken from the registered redirect URI."""
        parts = urlsplit(self.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"

    def provider_page(self, page: str) -> str:
        """The provider's ``profile``, ``password``, ``admin`` or ``signout`` page for people."""
        return provider_page(getattr(self, f"{page}_url"), self.client_id)

    @property
    def max_upload_bytes(self) -> int:
        """The largest deploy request: CloudHub's JAR limit plus room for the form's fields."""
        return int(self.deploy_max_upload_mb * MEGABYTE) + 256 * 1024


def provider_page(template: str, client_id: str) -> str:
    """A provider page URL from settings, with ``{client_id}`` filled in."""
    return template.replace("{client_id}", quote(client_id, safe=""))


class CiSettings(_Source):
    """What ``flask deploy`` reads, and nothing of the web app's: the client-credentials connected
    app the pipeline deploys as, and where Anypoint is. Credentials are never command-line
    arguments (they would end up in shell history and process lists)."""

    anypoint_url: WebUrl = Field(DEFAULT_ANYPOINT_URL, alias="ANYPOINT_URL")
    client_id: str = Field(alias="ANYPOINT_CI_CLIENT_ID", min_length=1)
    client_secret: SecretStr = Field(alias="ANYPOINT_CI_CLIENT_SECRET", min_length=1)


Model = TypeVar("Model", bound=_Source)
MISSING_HINTS = {
    CiSettings: " (the client-credentials connected app's credentials are never taken from the "
                "command line)",
}


def read(model: type[Model], overrides: dict | None = None,
         env_file: str | None = ".env") -> Model:
    """``model`` from ``overrides``, the environment and ``env_file``; :class:`SettingsError`
    naming the first missing or malformed variable."""
    given = {key: str(value) for key, value in (overrides or {}).items() if value is not None}
    try:
        return model(_env_file=env_file, **given)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        if first["type"] == "missing":
            raise SettingsError(f"{name} is missing: set it in the environment or in .env"
                                + MISSING_HINTS.get(model, "")) from None
        message = first["msg"].removeprefix("Value error, ")
        value = first.get("input")
        if name and "got " not in message and isinstance(value, str) and "SECRET" not in name:
            message += f", got {value[:80]!r}"
        if name and not message.startswith(name):
            message = f"{name} {message[0].lower()}{message[1:]}"
        raise SettingsError(message) from None


def load_settings(overrides: dict | None = None, env_file: str | None = ".env") -> Settings:
    """The web app's settings (see :func:`read`)."""
    return read(Settings, overrides, env_file)


def load_ci_settings(overrides: dict | None = None, env_file: str | None = ".env") -> CiSettings:
    """The pipeline command's settings (see :func:`read`)."""
    return read(CiSettings, overrides, env_file)
