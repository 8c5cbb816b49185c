"""The OpenID provider as the app sees it: pinned discovery, cached JWKS, the authorization request.

:class:`Provider` caches discovery and JWKS in-process for as long as their ``Cache-Control:
max-age`` says (between ``MIN_AGE`` and ``MAX_AGE``; ``max_age`` when they do not say), and
:meth:`Provider.prefetch` fetches both when the app starts, in the background, so the first
sign-in costs what any other does; a provider that does not answer then is asked again at the
first sign-in. A token whose ``kid`` is unknown triggers at most one JWKS refetch per
``refetch_interval`` seconds. A discovery document whose ``issuer`` is not exactly
``OIDC_ISSUER`` raises :class:`IssuerMismatch` and is not cached.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from urllib.parse import urlencode

from .. import clock
from ..anypoint.client import AnypointClient
from ..anypoint.models import ProviderMetadata
from ..settings import ANYPOINT_DISCOVERY_PATH, Settings

log = logging.getLogger(__name__)
#: However a provider's Cache-Control reads, a document is kept this long at least, and at most.
MIN_AGE = 60.0
MAX_AGE = 24 * 3600.0


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
        #: (fetched at, kept for, document)
        self._metadata: tuple[float, float, ProviderMetadata] | None = None
        self._jwks: tuple[float, float, dict] | None = None
        self._last_refetch = float("-inf")
        self.prefetching: threading.Thread | None = None

    @property
    def is_anypoint(self) -> bool:
        """True when the provider is the Anypoint Platform at ANYPOINT_URL (its panels apply)."""
        s = self.settings
        return s.oidc_discovery_url == s.anypoint_url + ANYPOINT_DISCOVERY_PATH

    def _kept_for(self, said: float | None) -> float:
        return self.max_age if said is None else min(max(said, MIN_AGE), MAX_AGE)

    @staticmethod
    def _fresh(cached: tuple | None):
        if cached and time.monotonic() - cached[0] < cached[1]:
            return cached[2]
        return None

    def prefetch(self) -> threading.Thread:
        """Fetch discovery and the key set now, in a background thread (started, returned).
        A failure is logged, never raised: the first sign-in asks again."""
        def run() -> None:
            try:
                self.metadata()
                self.jwks()
            except Exception as error:  # noqa: BLE001 - nothing at start may stop the app
                log.warning("the provider's discovery and keys were not fetched at start "
                            "(the first sign-in asks again): %s", error)

        thread = threading.Thread(target=run, name="provider-prefetch", daemon=True)
        thread.start()
        self.prefetching = thread
        return thread

    def _after_prefetch(self) -> None:
        """While the start's fetch runs, wait for it (bounded by the client's deadline) rather
        than fetch the same documents twice."""
        running = self.prefetching
        if running is not None and running.is_alive() and running is not threading.current_thread():
            running.join(self.client.deadline)

    def metadata(self) -> ProviderMetadata:
        """The discovery document (cached as its Cache-Control says). Raises IssuerMismatch,
        PlatformError."""
        self._after_prefetch()
        with self._lock:
            if (kept := self._fresh(self._metadata)) is not None:
                return kept
        doc, said = self.client.get_json("discovery", self.settings.oidc_discovery_url)
        try:
            metadata = ProviderMetadata.from_json(doc)
        except ValueError as error:
            raise IssuerMismatch(str(error)) from None
        if metadata.issuer != self.settings.oidc_issuer:
            raise IssuerMismatch(
                f"the provider calls itself {metadata.issuer!r} but this app expects "
                f"{self.settings.oidc_issuer!r} (OIDC_ISSUER)")
        with self._lock:
            self._metadata = (time.monotonic(), self._kept_for(said), metadata)
        return metadata

    def jwks(self) -> dict:
        """The provider's key set (cached as its Cache-Control says)."""
        self._after_prefetch()
        with self._lock:
            if (kept := self._fresh(self._jwks)) is not None:
                return kept
        return self._fetch_jwks()

    def refetch_jwks(self) -> dict | None:
        """Fetch the key set again for an unknown ``kid``, unless one was refetched recently."""
        with self._lock:
            if time.monotonic() - self._last_refetch < self.refetch_interval:
                return None
            self._last_refetch = time.monotonic()
        return self._fetch_jwks()

    def _fetch_jwks(self) -> dict:
        keys, said = self.client.get_json("jwks", self.metadata().jwks_uri)
        with self._lock:
            self._jwks = (time.monotonic(), self._kept_for(said), keys)
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
