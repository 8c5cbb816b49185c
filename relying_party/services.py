"""Per-app services: ``create_app`` builds one :class:`Services` and keeps it in
``app.extensions["connected_app_lab"]``; views reach it through :func:`services`. Nothing here is
created at import time."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .anypoint.client import AnypointClient
from .delegation.profile import Profiles
from .delegation.store import Store
from .delegation.tokens import TokenStore
from .oidc.provider import Provider
from .settings import Settings

EXTENSION = "connected_app_lab"


@dataclass
class Services:
    settings: Settings
    store: Store
    client: AnypointClient
    provider: Provider
    tokens: TokenStore
    profiles: Profiles


def services() -> Services:
    """The current app's services."""
    return current_app.extensions[EXTENSION]
