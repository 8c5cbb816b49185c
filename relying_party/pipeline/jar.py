"""Checking a JAR before a pipeline uploads it: is it a Mule 4 deployable? Pure Python, no Flask."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

DESCRIPTOR = "META-INF/mule-artifact/mule-artifact.json"
MAX_DESCRIPTOR_BYTES = 1024 * 1024


class NotDeployable(ValueError):
    """The file is not a Mule 4 deployable JAR; the message says why in plain words."""


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
