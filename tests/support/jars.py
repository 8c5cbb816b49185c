"""Helpers for the CloudHub tests: the sample JAR builder and hand-made zips."""

import importlib.util
import json
import pathlib
import struct
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "samples" / "hello-mule" / "build_jar.py"
DESCRIPTOR = "META-INF/mule-artifact/mule-artifact.json"
GOOD_DESCRIPTOR = json.dumps(
    {"minMuleVersion": "4.4.0", "name": "crafted", "configs": ["crafted.xml"]}
).encode()


def load_builder():
    """samples/hello-mule/build_jar.py as a module (its folder name is not importable)."""
    spec = importlib.util.spec_from_file_location("hello_mule_build_jar", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_zip(
    path: pathlib.Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED
) -> pathlib.Path:
    """A zip at `path` holding `entries` (name -> bytes), all compressed with `method`."""
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=method
            )
    return path


def patch_central_directory(path: pathlib.Path, offset: int, fmt: str, value: int) -> None:
    """Overwrite a field of the (single) central directory record, to forge headers."""
    data = bytearray(path.read_bytes())
    record = data.index(b"PK\x01\x02")
    struct.pack_into(fmt, data, record + offset, value)
    path.write_bytes(bytes(data))
