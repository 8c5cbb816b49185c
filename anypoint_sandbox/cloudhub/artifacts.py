"""Receiving and checking uploaded Mule 4 deployable JARs, without trusting them.

`receive_upload` streams an upload to disk under a size limit; `inspect_artifact` opens the JAR
and rejects what CloudHub would refuse or what could hurt the sandbox: not a zip, unsafe entry
names, zip bombs, a missing or broken `META-INF/mule-artifact/mule-artifact.json`. Every refusal
is an `ArtifactRejected` whose message is meant for the person who uploaded the file.
"""

import hashlib
import json
import os
import pathlib
import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from anypoint_sandbox.cloudhub.archive import (
    ArtifactRejected,
    check_entries,
    read_entries,
    size_in_words,
)
from anypoint_sandbox.cloudhub.runtime import VERSION_PATTERN

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
CHUNK_BYTES = 1024 * 1024
DESCRIPTOR = "META-INF/mule-artifact/mule-artifact.json"

__all__ = ["ArtifactInfo", "ArtifactRejected", "inspect_artifact", "receive_upload"]


@dataclass(frozen=True)
class ArtifactInfo:
    """What the sandbox keeps about an accepted JAR."""

    name: str | None  # the descriptor's `name`, None when it has none
    min_mule_version: str
    configs: tuple[str, ...]
    file_name: str
    size: int
    sha256: str


def receive_upload(
    stream: BinaryIO, directory: pathlib.Path, max_bytes: int = MAX_UPLOAD_BYTES
) -> pathlib.Path:
    """Copy `stream` a chunk at a time into a new temporary file in `directory` and return its path.

    Raises ArtifactRejected when the upload is empty or longer than `max_bytes` (reading stops
    there; the rest of the stream is left unread). On that or any other error (e.g. the client
    went away mid-upload), the partial file is deleted before the error propagates.
    """
    descriptor, name = tempfile.mkstemp(dir=directory, prefix="upload-", suffix=".jar")
    path = pathlib.Path(name)
    try:
        with os.fdopen(descriptor, "wb") as target:
            received = 0
            while chunk := stream.read(CHUNK_BYTES):
                received += len(chunk)
                if received > max_bytes:
                    raise ArtifactRejected(
                        f"The file is larger than the {size_in_words(max_bytes)} limit."
                    )
                target.write(chunk)
        if received == 0:
            raise ArtifactRejected("The file is empty.")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def inspect_artifact(
    path: pathlib.Path,
    *,
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_RATIO,
    file_name: str | None = None,
) -> ArtifactInfo:
    """Check the JAR at `path` and describe it; raises ArtifactRejected with the first problem.

    Every entry is decompressed (with bounded counters, so lying headers cannot make it expand
    past the limits) to prove the archive is intact. `file_name` is the name the user uploaded
    (defaults to the file's own name).
    """
    path = pathlib.Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError):
        raise ArtifactRejected("The file is not a JAR (zip) archive.") from None
    with archive:
        check_entries(archive.infolist(), max_uncompressed_bytes, max_ratio)
        if DESCRIPTOR not in archive.namelist():
            raise ArtifactRejected(
                f"The JAR has no {DESCRIPTOR}; is it a Mule 4 deployable (…-mule-application.jar)?"
            )
        descriptor_bytes = read_entries(archive, max_uncompressed_bytes, max_ratio, keep=DESCRIPTOR)
    descriptor = _parse_descriptor(descriptor_bytes)
    return ArtifactInfo(
        name=descriptor["name"],
        min_mule_version=descriptor["minMuleVersion"],
        configs=tuple(descriptor["configs"]),
        file_name=file_name or path.name,
        size=path.stat().st_size,
        sha256=_sha256(path),
    )


def _parse_descriptor(raw: bytes) -> dict:
    """The descriptor's name, minMuleVersion and configs, validated; ArtifactRejected otherwise."""
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ArtifactRejected(f"{DESCRIPTOR} is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ArtifactRejected(
            f"{DESCRIPTOR} is not valid JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno})."
        ) from None
    if not isinstance(descriptor, dict):
        raise ArtifactRejected(f"{DESCRIPTOR} must hold a JSON object.")
    name = descriptor.get("name")
    if name is not None and not (isinstance(name, str) and name):
        raise ArtifactRejected(f"The name in {DESCRIPTOR} must be a non-empty text.")
    version = descriptor.get("minMuleVersion")
    if version is None:
        raise ArtifactRejected(
            f"{DESCRIPTOR} does not say which Mule runtime it needs (minMuleVersion is missing)."
        )
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        raise ArtifactRejected(
            f"minMuleVersion in {DESCRIPTOR} must look like 4.4.0, not {json.dumps(version)}."
        )
    configs = descriptor.get("configs", [])
    if not isinstance(configs, list) or not all(isinstance(item, str) for item in configs):
        raise ArtifactRejected(f"configs in {DESCRIPTOR} must be a list of file names.")
    return {"name": name, "minMuleVersion": version, "configs": configs}


def _sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
