"""Typed settings for the relying party, read once at start and validated.

Sources, strongest first: ``overrides`` (tests), the process environment, then ``.env``.
A missing or malformed value raises :class:`SettingsError` naming the variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dotenv import dotenv_values

WELL_KNOWN = "/.well-known/openid-configuration"
ANYPOINT_DISCOVERY_PATH = "/accounts/api/v2/oauth2" + WELL_KNOWN
DEFAULT_SCOPES = "openid profile email offline_access view:environment read:applications"
CLIENT_AUTH_METHODS = ("auto", "client_secret_basic", "client_secret_post")
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
# The provider's pages the revocation lab links to: (path on *.anypoint.mulesoft.com, path on any
# other ANYPOINT_URL, i.e. the sandbox's console). ANYPOINT_PROFILE_URL, ANYPOINT_PASSWORD_URL and
# ANYPOINT_ADMIN_URL override them; "{client_id}" is filled in.
PROVIDER_PAGES = {
    "profile": ("/accounts/#/cs/profile", "/console/profile/connected-apps"),
    "password": ("/accounts/#/cs/profile", "/console/profile/password"),
    "admin": ("/accounts/#/cs/core/connectedApps",
              "/console/access-management/connected-apps/{client_id}/authorizations"),
}


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True)
class Settings:
    """Everything the relying party needs to know about its provider and itself."""

    anypoint_url: str
    oidc_discovery_url: str
    oidc_issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    post_logout_redirect_uri: str
    scopes: tuple[str, ...]
    secret_key: str = field(repr=False)
    session_backend: str
    redis_url: str
    client_auth_method: str
    http_connect_timeout: float
    http_timeout: float
    session_idle_minutes: int
    session_max_hours: int
    trusted_proxies: int
    id_token_algorithms: tuple[str, ...]
    clock_leeway_seconds: int
    refresh_margin_seconds: int
    instance_path: str | None
    profile_url: str = ""
    password_url: str = ""
    admin_url: str = ""

    @property
    def secure_cookies(self) -> bool:
        """Cookies get ``Secure`` and the ``__Host-`` prefix when the app is served over https."""
        return self.redirect_uri.startswith("https://")

    @property
    def origin(self) -> str:
        """The app's own origin (scheme://host[:port]), taken from the registered redirect URI."""
        parts = urlsplit(self.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"


def _url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an absolute http(s) URL, got {value!r}")
    return value


def _page(name: str, value: str) -> str:
    """A provider page for people; ``{client_id}`` is the only placeholder allowed."""
    if "{" in value.replace("{client_id}", ""):
        raise SettingsError(f"{name} may only contain the placeholder {{client_id}}")
    return _url(name, value)


def _number(name: str, value: str, kind: type, minimum: float) -> float | int:
    try:
        number = kind(value)
    except ValueError:
        raise SettingsError(f"{name} must be a {kind.__name__}, got {value!r}") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value!r}")
    return number


def load_settings(overrides: dict | None = None, env_file: str | None = ".env") -> Settings:
    """Read, default and validate every setting; :class:`SettingsError` on the first bad one."""
    raw: dict[str, str] = {}
    if env_file and os.path.exists(env_file):
        raw.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    raw.update(os.environ)
    raw.update({k: str(v) for k, v in (overrides or {}).items() if v is not None})

    def get(name: str, default: str | None = None) -> str:
        value = (raw.get(name) or "").strip()
        if value:
            return value
        if default is None:
            raise SettingsError(f"{name} is missing: set it in the environment or in .env")
        return default

    anypoint_url = _url("ANYPOINT_URL", get("ANYPOINT_URL", "https://anypoint.mulesoft.com"))
    anypoint_url = anypoint_url.rstrip("/")
    discovery = _url(
        "OIDC_DISCOVERY_URL", get("OIDC_DISCOVERY_URL", anypoint_url + ANYPOINT_DISCOVERY_PATH)
    )
    derived_issuer = discovery[: -len(WELL_KNOWN)] if discovery.endswith(WELL_KNOWN) else None
    issuer = _url("OIDC_ISSUER", get("OIDC_ISSUER", derived_issuer))
    on_anypoint = (urlsplit(anypoint_url).hostname or "").endswith("anypoint.mulesoft.com")
    scopes = tuple(get("ANYPOINT_SCOPES", DEFAULT_SCOPES).split())
    if "openid" not in scopes:
        scopes = ("openid", *scopes)
    backend = get("SESSION_BACKEND", "filesystem").lower()
    if backend not in ("filesystem", "redis"):
        raise SettingsError(f"SESSION_BACKEND must be 'filesystem' or 'redis', got {backend!r}")
    redis_url = get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if backend == "redis" and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"REDIS_URL must be a redis:// URL, got {redis_url!r}")
    auth_method = get("CLIENT_AUTH_METHOD", "auto")
    if auth_method not in CLIENT_AUTH_METHODS:
        raise SettingsError(f"CLIENT_AUTH_METHOD must be one of {CLIENT_AUTH_METHODS}")
    algorithms = tuple(get("ID_TOKEN_ALGORITHMS", ",".join(SIGNING_ALGORITHMS)).split(","))
    allowed = set(SIGNING_ALGORITHMS) | {"HS256"}
    for alg in algorithms:
        if alg not in allowed:
            raise SettingsError(f"ID_TOKEN_ALGORITHMS: {alg!r} is not allowed (never 'none')")
    secret_key = get("SECRET_KEY")
    if len(secret_key) < 16:
        raise SettingsError("SECRET_KEY must be at least 16 characters long")
    return Settings(
        anypoint_url=anypoint_url,
        oidc_discovery_url=discovery,
        oidc_issuer=issuer,
        client_id=get("ANYPOINT_CLIENT_ID"),
        client_secret=get("ANYPOINT_CLIENT_SECRET"),
        redirect_uri=_url(
            "ANYPOINT_REDIRECT_URI",
            get("ANYPOINT_REDIRECT_URI", "http://localhost:5000/auth/callback"),
        ),
        post_logout_redirect_uri=_url(
            "ANYPOINT_POST_LOGOUT_REDIRECT_URI",
            get("ANYPOINT_POST_LOGOUT_REDIRECT_URI", "http://localhost:5000/"),
        ),
        scopes=scopes,
        secret_key=secret_key,
        session_backend=backend,
        redis_url=redis_url,
        client_auth_method=auth_method,
        http_connect_timeout=_number("HTTP_CONNECT_TIMEOUT", get("HTTP_CONNECT_TIMEOUT", "3.05"),
                                     float, 0.01),
        http_timeout=_number("HTTP_TIMEOUT", get("HTTP_TIMEOUT", "10"), float, 0.01),
        session_idle_minutes=_number("SESSION_IDLE_MINUTES", get("SESSION_IDLE_MINUTES", "60"),
                                     int, 1),
        session_max_hours=_number("SESSION_MAX_HOURS", get("SESSION_MAX_HOURS", "12"), int, 1),
        trusted_proxies=_number("TRUSTED_PROXIES", get("TRUSTED_PROXIES", "0"), int, 0),
        id_token_algorithms=algorithms,
        clock_leeway_seconds=_number("CLOCK_LEEWAY_SECONDS", get("CLOCK_LEEWAY_SECONDS", "60"),
                                     int, 0),
        refresh_margin_seconds=_number(
            "REFRESH_MARGIN_SECONDS", get("REFRESH_MARGIN_SECONDS", "60"), int, 0
        ),
        instance_path=raw.get("INSTANCE_PATH") or None,
        **{f"{page}_url": _page(f"ANYPOINT_{page.upper()}_URL", get(
            f"ANYPOINT_{page.upper()}_URL", anypoint_url + paths[not on_anypoint]))
           for page, paths in PROVIDER_PAGES.items()},
    )
