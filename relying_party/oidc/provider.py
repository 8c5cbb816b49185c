"""The OpenID provider as the app sees it: pinned discovery, cached JWKS, the authorization request.

:class:`Provider` caches discovery and JWKS in-process with an age limit; a token whose ``kid`` is
unknown triggers at most one JWKS refetch per ``refetch_interval`` seconds. A discovery document
whose ``issuer`` is not exactly ``OIDC_ISSUER`` raises :class:`IssuerMismatch` and is not cached.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from .. import clock
from ..anypoint.client import AnypointClient
from ..anypoint.models import ProviderMetadata
from ..settings import ANYPOINT_DISCOVERY_PATH, Settings


class IssuerMismatch(Exception):
    """The discovery document names another issuer than the one configured: no login starts."""


class Provider:
    """Discovery, keys and client-authentication choice for one configured provider."""

    def __init__(self, settings: Settings, client: AnypointClient, max_age: float = 3600,
                 refetch_interval: float = 30):
        self.settings = settings
        self.client = client
        self.max_age = max_age
        self.refetch_interval = refetch_interval
        self._lock = threading.Lock()
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._jwks: tuple[float, dict] | None = None
        self._last_refetch = float("-inf")

    @property
    def is_anypoint(self) -> bool:
        """True when the provider is the Anypoint Platform at ANYPOINT_URL (its panels apply)."""
        s = self.settings
        return s.oidc_discovery_url == s.anypoint_url + ANYPOINT_DISCOVERY_PATH

    def metadata(self) -> ProviderMetadata:
        """The discovery document (cached ``max_age`` s). Raises IssuerMismatch, PlatformError."""
        with self._lock:
            if self._metadata and time.monotonic() - self._metadata[0] < self.max_age:
                return self._metadata[1]
        doc = self.client.get_json("discovery", self.settings.oidc_discovery_url)
        try:
            metadata = ProviderMetadata.from_json(doc)
        except ValueError as error:
            raise IssuerMismatch(str(error)) from None
        if metadata.issuer != self.settings.oidc_issuer:
            raise IssuerMismatch(
                f"the provider calls itself {metadata.issuer!r} but this app expects "
                f"{self.settings.oidc_issuer!r} (OIDC_ISSUER)")
        with self._lock:
            self._metadata = (time.monotonic(), metadata)
        return metadata

    def jwks(self) -> dict:
        """The provider's key set (cached ``max_age`` s)."""
        with self._lock:
            if self._jwks and time.monotonic() - self._jwks[0] < self.max_age:
                return self._jwks[1]
        return self._fetch_jwks()

    def refetch_jwks(self) -> dict | None:
        """Fetch the key set again for an unknown ``kid``, unless one was refetched recently."""
        with self._lock:
            if time.monotonic() - self._last_refetch < self.refetch_interval:
                return None
            self._last_refetch = time.monotonic()
        return self._fetch_jwks()

    def _fetch_jwks(self) -> dict:
        keys = self.client.get_json("jwks", self.metadata().jwks_uri)
        with self._lock:
            self._jwks = (time.monotonic(), keys)
        return keys

    def auth_method(self) -> str:
        """``client_secret_basic`` unless configured or the provider offers only ``_post``."""
        configured = self.settings.client_auth_method
        if configured != "auto":
            return configured
        offered = self.metadata().token_endpoint_auth_methods_supported
        if "client_secret_basic" in offered or "client_secret_post" not in offered:
            return "client_secret_basic"
        return "client_secret_post"


def new_flow(scopes: tuple[str, ...], next_path: str) -> dict:
    """A pending sign-in: fresh ``state``, ``nonce`` and PKCE verifier (kept server-side)."""
    return {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
        "scopes": list(scopes),
        "next": next_path,
        "created": clock.now(),
    }


def code_challenge(verifier: str) -> str:
    """PKCE S256 (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(metadata: ProviderMetadata, settings: Settings, flow: dict) -> str:
    """The authorization request for ``flow``: code flow, state, nonce, PKCE S256."""
    params = {
        "response_type": "code",
        "client_id": settings.client_id,
        "redirect_uri": settings.redirect_uri,
        "scope": " ".join(flow["scopes"]),
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": code_challenge(flow["verifier"]),
        "code_challenge_method": "S256",
    }
    if "offline_access" in flow["scopes"]:
        params["prompt"] = "consent"
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return metadata.authorization_endpoint + separator + urlencode(params)
