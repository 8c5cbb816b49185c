"""What ``flask deploy`` needs before it calls anyone: its own settings.

The command is for pipelines, so it reads only the client-credentials app's settings, never the
web app's: ``ANYPOINT_CI_CLIENT_ID``, ``ANYPOINT_CI_CLIENT_SECRET`` and ``ANYPOINT_URL``, from the
process environment or else ``.env`` (credentials are never command-line arguments, which end up
in shell history and process lists). Pure Python, no Flask.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dotenv import dotenv_values

from ..settings import SettingsError

DEFAULT_ANYPOINT_URL = "https://anypoint.mulesoft.com"


@dataclass(frozen=True)
class CiSettings:
    """The client-credentials connected app the pipeline deploys as, and where Anypoint is."""

    anypoint_url: str
    client_id: str
    client_secret: str = field(repr=False)


def load_ci_settings(env_file: str | None = ".env",
                     environ: Mapping[str, str] | None = None) -> CiSettings:
    """Read and check the settings; the environment beats ``env_file``.

    Raises :class:`SettingsError` naming the first missing or malformed variable.
    """
    raw: dict[str, str] = {}
    if env_file and os.path.exists(env_file):
        raw.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    raw.update(os.environ if environ is None else environ)

    def get(name: str) -> str:
        value = (raw.get(name) or "").strip()
        if not value:
            raise SettingsError(f"{name} is missing: set it in the environment or in .env "
                                "(the client-credentials connected app's credentials are "
                                "never taken from the command line)")
        return value

    url = (raw.get("ANYPOINT_URL") or "").strip() or DEFAULT_ANYPOINT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"ANYPOINT_URL must be an absolute http(s) URL, got {url!r}")
    return CiSettings(url.rstrip("/"), get("ANYPOINT_CI_CLIENT_ID"),
                      get("ANYPOINT_CI_CLIENT_SECRET"))
