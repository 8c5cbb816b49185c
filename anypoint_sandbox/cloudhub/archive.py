"""Zip safety checks for uploaded JARs: entry names, sizes, compression ratios, integrity.

Declared sizes are checked first (cheap), then every entry is decompressed with counters that stop
at the limits, because a crafted archive can declare sizes it does not have. A small entry may
compress very well without being a bomb, so the ratio rule applies only past `RATIO_GRACE_BYTES`
of one entry's output (the approach of Apache POI's ZipSecureFile).
"""

import re
import zipfile
import zlib

RATIO_GRACE_BYTES = 100 * 1024
MAX_ENTRIES = 65_535
MAX_KEPT_BYTES = 1024 * 1024
CHUNK_BYTES = 1024 * 1024
SUPPORTED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_DRIVE = re.compile(r"[A-Za-z]:")


class ArtifactRejected(ValueError):
    """The upload is not an acceptable Mule application; `str(error)` says why in plain words."""


def size_in_words(count: int) -> str:
    """'200 MB', '1 GB', '64 KB' or '1234 bytes' (binary multiples, as limits are set)."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"


def entry_name_problem(name: str) -> str | None:
    """Why an entry name is unsafe to unpack (absolute, drive letter, '..'), or None."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    normalized = name.replace("\\", "/")
    if normalized.startswith("/"):
        return f"The archive holds an entry with an absolute path ({shown})."
    if _DRIVE.match(normalized):
        return f"The archive holds an entry with a drive letter ({shown})."
    if ".." in normalized.split("/"):
        return f"The archive holds an entry that climbs out of its folder with '..' ({shown})."
    return None


def _bomb(detail: str) -> ArtifactRejected:
    return ArtifactRejected(f"The archive looks like a zip bomb: {detail}.")


def _check_ratio(name: str, expanded: int, compressed: int, max_ratio: float) -> None:
    if expanded > RATIO_GRACE_BYTES and expanded > max_ratio * max(compressed, 1):
        raise _bomb(f"{name} expands more than {max_ratio:g} times")


def check_entries(
    entries: list[zipfile.ZipInfo], max_uncompressed_bytes: int, max_ratio: float
) -> None:
    """Reject on the central directory alone: names, duplicates, encryption, methods, sizes."""
    if not entries:
        raise ArtifactRejected("The archive is empty.")
    if len(entries) > MAX_ENTRIES:
        raise ArtifactRejected(f"The archive holds more than {MAX_ENTRIES} entries.")
    declared = 0
    seen: set[str] = set()
    for entry in entries:
        if problem := entry_name_problem(entry.filename):
            raise ArtifactRejected(problem)
        if entry.filename in seen:
            raise ArtifactRejected(f"The archive holds {entry.filename} more than once.")
        seen.add(entry.filename)
        if entry.flag_bits & 0x1:
            raise ArtifactRejected(f"The archive entry {entry.filename} is encrypted.")
        if entry.compress_type not in SUPPORTED_METHODS:
            raise ArtifactRejected(
                f"The archive entry {entry.filename} uses a compression method JARs do not use."
            )
        declared += entry.file_size
        if declared > max_uncompressed_bytes:
            raise _bomb(f"it expands to more than {size_in_words(max_uncompressed_bytes)}")
        _check_ratio(entry.filename, entry.file_size, entry.compress_size, max_ratio)


def read_entries(
    archive: zipfile.ZipFile, max_uncompressed_bytes: int, max_ratio: float, *, keep: str
) -> bytes:
    """Decompress every entry under the limits (CRCs checked); return the bytes of entry `keep`.

    Raises ArtifactRejected for a bomb, a damaged entry, or a `keep` entry over MAX_KEPT_BYTES.
    """
    total = 0
    kept = bytearray()
    for entry in archive.infolist():
        expanded = 0
        try:
            with archive.open(entry) as source:
                while chunk := source.read(CHUNK_BYTES):
                    expanded += len(chunk)
                    total += len(chunk)
                    if total > max_uncompressed_bytes:
                        raise _bomb(
                            f"it expands to more than {size_in_words(max_uncompressed_bytes)}"
                        )
                    _check_ratio(entry.filename, expanded, entry.compress_size, max_ratio)
                    if entry.filename == keep:
                        kept += chunk
                        if len(kept) > MAX_KEPT_BYTES:
                            raise ArtifactRejected(
                                f"{keep} is larger than {size_in_words(MAX_KEPT_BYTES)}."
                            )
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise ArtifactRejected(
                f"The archive is damaged: {entry.filename} cannot be read ({error})."
            ) from None
    return bytes(kept)
