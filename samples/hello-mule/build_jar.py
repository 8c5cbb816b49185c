"""Build hello-mule's deployable JAR with Python's standard library only (no Maven, no network).

The JAR has the layout `mvn package` gives a Mule 4 application: the config XML and resources at the
root, `META-INF/mule-artifact/{mule-artifact.json,classloader-model.json}`, the Maven metadata under
`META-INF/maven/com.example/hello-mule/` and a manifest. Unlike Maven's output it bundles no
connectors under `repository/`, so it suits the sandbox (which never runs Mule), not a real runtime.

The output is byte-for-byte reproducible: entries are sorted, timestamps and permissions fixed.

    python samples/hello-mule/build_jar.py [--output PATH] [--min-mule-version V] [--pad-mb N]
"""

import argparse
import json
import pathlib
import random
import re
import sys
import zipfile

PROJECT = pathlib.Path(__file__).resolve().parent
MULE_SOURCES = PROJECT / "src" / "main" / "mule"
RESOURCES = PROJECT / "src" / "main" / "resources"
GROUP_ID, ARTIFACT_ID, VERSION = "com.example", "hello-mule", "1.0.0"
DEFAULT_OUTPUT = PROJECT / "target" / f"{ARTIFACT_ID}-{VERSION}-mule-application.jar"
FIXED_TIMESTAMP = (2024, 1, 1, 0, 0, 0)
PADDING_NAME = "hello-mule-padding.bin"
MEGABYTE = 1024 * 1024
VERSION_PATTERN = re.compile(r"\d+\.\d+\.\d+")


def _entry(name: str) -> zipfile.ZipInfo:
    """A ZipInfo with the fixed timestamp and Unix permissions (directories end with '/')."""
    info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
    info.create_system = 3  # Unix, so the permission bits below mean what they say
    if name.endswith("/"):
        info.external_attr = (0o40755 << 16) | 0x10
    else:
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _descriptor(min_mule_version: str | None, resources: list[str]) -> bytes:
    """mule-artifact.json from the sources, with the resources exported as the plugin does."""
    descriptor = json.loads((PROJECT / "mule-artifact.json").read_text(encoding="utf-8"))
    if min_mule_version is not None:
        descriptor["minMuleVersion"] = min_mule_version
    descriptor["classLoaderModelLoaderDescriptor"]["attributes"]["exportedResources"] = resources
    return (json.dumps(descriptor, indent=2) + "\n").encode()


def _classloader_model(resources: list[str]) -> bytes:
    model = {
        "version": "1.2.0",
        "artifactCoordinates": {
            "groupId": GROUP_ID,
            "artifactId": ARTIFACT_ID,
            "version": VERSION,
            "type": "jar",
            "classifier": "mule-application",
        },
        "dependencies": [],
        "packages": [],
        "resources": resources,
    }
    return (json.dumps(model, indent=2) + "\n").encode()


def _contents(min_mule_version: str | None) -> dict[str, bytes]:
    """Every file entry of the JAR, by name."""
    contents = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for folder in (MULE_SOURCES, RESOURCES)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    resources = sorted(
        path.relative_to(RESOURCES).as_posix() for path in RESOURCES.rglob("*") if path.is_file()
    )
    maven = f"META-INF/maven/{GROUP_ID}/{ARTIFACT_ID}/"
    contents.update(
        {
            "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\r\n"
            b"Created-By: hello-mule build_jar.py (Python zipfile)\r\n\r\n",
            "META-INF/mule-artifact/mule-artifact.json": _descriptor(min_mule_version, resources),
            "META-INF/mule-artifact/classloader-model.json": _classloader_model(resources),
            maven + "pom.xml": (PROJECT / "pom.xml").read_bytes(),
            maven + "pom.properties": (
                f"artifactId={ARTIFACT_ID}\ngroupId={GROUP_ID}\nversion={VERSION}\n"
            ).encode(),
        }
    )
    return contents


def _write_padding(jar: zipfile.ZipFile, megabytes: int) -> None:
    """Add `megabytes` MB of seeded random bytes, stored, written a megabyte at a time."""
    info = _entry(PADDING_NAME)
    info.compress_type = zipfile.ZIP_STORED  # random bytes do not compress; don't spend time trying
    info.file_size = megabytes * MEGABYTE
    filler = random.Random(ARTIFACT_ID)
    with jar.open(info, "w") as entry:
        for _ in range(megabytes):
            entry.write(filler.randbytes(MEGABYTE))


def build(
    output: pathlib.Path = DEFAULT_OUTPUT,
    *,
    min_mule_version: str | None = None,
    pad_mb: int = 0,
) -> pathlib.Path:
    """Write the JAR to `output` (parents created) and return its path.

    `min_mule_version` replaces the descriptor's minMuleVersion (must look like 4.4.0); `pad_mb`
    adds an incompressible filler resource of that many MB. Raises ValueError for bad options.
    """
    if min_mule_version is not None and not VERSION_PATTERN.fullmatch(min_mule_version):
        raise ValueError(f"--min-mule-version must look like 4.4.0, not {min_mule_version!r}")
    if pad_mb < 0:
        raise ValueError("--pad-mb cannot be negative")
    contents = _contents(min_mule_version)
    folders = {name[: index + 1] for name in contents for index in _slashes(name)}
    output = pathlib.Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w") as jar:
        # The manifest goes first, as the jar tool writes it; everything else in name order.
        jar.writestr(_entry("META-INF/"), b"")
        jar.writestr(_entry("META-INF/MANIFEST.MF"), contents.pop("META-INF/MANIFEST.MF"))
        for name in sorted((folders - {"META-INF/"}) | contents.keys()):
            jar.writestr(_entry(name), contents.get(name, b""))
        if pad_mb:
            _write_padding(jar, pad_mb)
    return output


def _slashes(name: str) -> list[int]:
    return [index for index, char in enumerate(name) if char == "/"]


def main(argv: list[str] | None = None) -> int:
    """Command line: build the JAR and print its path; exit status 2 for bad options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--min-mule-version", help="minMuleVersion to declare, e.g. 4.9.0")
    parser.add_argument("--pad-mb", type=int, default=0, help="add N MB of incompressible filler")
    options = parser.parse_args(argv)
    try:
        path = build(
            options.output, min_mule_version=options.min_mule_version, pad_mb=options.pad_mb
        )
    except ValueError as error:
        parser.error(str(error))
    print(path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
