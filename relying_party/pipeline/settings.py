"""What ``flask deploy`` needs before it calls anyone: its own settings and a checked JAR.

The command is for pipelines, so it reads only the client-credentials app's settings, never the
web app's: ``ANYPOINT_CI_CLIENT_ID``, ``ANYPOINT_CI_CLIENT_SECRET`` and ``ANYPOINT_URL``, from the
process environment or else ``.env`` (credentials are never command-line arguments, which end up
in shell history and process lists). Pure Python, no Flask.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from ..settings import SettingsError

DEFAULT_ANYPOINT_URL = "https://anypoint.mulesoft.com"
DESCRIPTOR = "META-INF/mule-artifact/mule-artifact.json"
MAX_DESCRIPTOR_BYTES = 1024 * 1024


class NotDeployable(ValueError):
    """The file is not a Mule 4 deployable JAR; the message says why in plain words."""


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


def check_jar(path: Path) -> dict:
    """The JAR's ``mule-artifact.json`` as a dict, read without loading the archive.

    Raises :class:`NotDeployable` when the file is missing, not a zip, or has no readable
    descriptor (what CloudHub would refuse after a possibly long upload).
    """
    if not path.is_file():
        raise NotDeployable(f"{path} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise NotDeployable(f"{path} is not a Mule application: it is not a JAR (zip) file. "
                            "Deploy the target/*-mule-application.jar that `mvn package` builds.")
    try:
        with zipfile.ZipFile(path) as archive:
            if DESCRIPTOR not in archive.namelist():
                raise NotDeployable(f"{path} is not a Mule application: it has no {DESCRIPTOR}. "
                                    "Deploy the JAR that `mvn package` builds for a Mule 4 "
                                    "project.")
            if archive.getinfo(DESCRIPTOR).file_size > MAX_DESCRIPTOR_BYTES:
                raise NotDeployable(f"{path}: {DESCRIPTOR} is implausibly large.")
            descriptor = json.loads(archive.read(DESCRIPTOR))
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, OSError) as error:
        raise NotDeployable(f"{path}: {DESCRIPTOR} cannot be read ({error}).") from None
    if not isinstance(descriptor, dict):
        raise NotDeployable(f"{path}: {DESCRIPTOR} is not a JSON object.")
    return descriptor
