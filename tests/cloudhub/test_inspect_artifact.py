"""inspect_artifact: every kind of unacceptable JAR is refused with a clear message."""

import json
import os
import zipfile

import pytest

from anypoint_sandbox.cloudhub import archive
from anypoint_sandbox.cloudhub.artifacts import ArtifactRejected, inspect_artifact
from tests.support.jars import DESCRIPTOR, GOOD_DESCRIPTOR, patch_central_directory, write_zip

MB = 1024 * 1024


def rejected(path, **limits) -> str:
    with pytest.raises(ArtifactRejected) as caught:
        inspect_artifact(path, **limits)
    return str(caught.value)


def test_a_minimal_crafted_jar_is_accepted(tmp_path):
    jar = write_zip(tmp_path / "ok.jar", {"crafted.xml": b"<mule/>", DESCRIPTOR: GOOD_DESCRIPTOR})
    info = inspect_artifact(jar, file_name="my-app.jar")
    assert (info.name, info.min_mule_version, info.configs) == (
        "crafted",
        "4.4.0",
        ("crafted.xml",),
    )
    assert info.file_name == "my-app.jar"


def test_a_descriptor_without_name_or_configs_is_accepted(tmp_path):
    jar = write_zip(tmp_path / "ok.jar", {DESCRIPTOR: b'{"minMuleVersion": "4.6.0"}'})
    info = inspect_artifact(jar)
    assert (info.name, info.configs) == (None, ())


def test_not_a_zip(tmp_path):
    path = tmp_path / "app.jar"
    path.write_text("definitely not a zip file\n")
    assert rejected(path) == "The file is not a JAR (zip) archive."


def test_a_truncated_zip(tmp_path):
    whole = write_zip(tmp_path / "whole.jar", {DESCRIPTOR: GOOD_DESCRIPTOR, "x": os.urandom(5000)})
    cut = tmp_path / "cut.jar"
    cut.write_bytes(whole.read_bytes()[:3000])
    assert rejected(cut) == "The file is not a JAR (zip) archive."


def test_an_empty_zip(tmp_path):
    jar = write_zip(tmp_path / "empty.jar", {})
    assert rejected(jar) == "The archive is empty."


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("../evil.xml", "climbs out of its folder with '..'"),
        ("classes/../../evil.xml", "climbs out of its folder with '..'"),
        ("..\\evil.xml", "climbs out of its folder with '..'"),
        ("classes\\..\\..\\evil.xml", "climbs out of its folder with '..'"),
        ("/etc/cron.d/evil", "absolute path"),
        ("\\windows\\evil.dll", "absolute path"),
        ("C:/Windows/evil.dll", "drive letter"),
        ("c:evil.dll", "drive letter"),
    ],
)
def test_unsafe_entry_names(tmp_path, entry, words):
    jar = write_zip(tmp_path / "bad.jar", {DESCRIPTOR: GOOD_DESCRIPTOR, entry: b"boom"})
    message = rejected(jar)
    assert words in message
    assert entry in message


def test_names_that_merely_contain_dots_are_fine(tmp_path):
    jar = write_zip(tmp_path / "ok.jar", {DESCRIPTOR: GOOD_DESCRIPTOR, "a..b/..c.xml": b"x"})
    assert inspect_artifact(jar).min_mule_version == "4.4.0"


def test_missing_descriptor(tmp_path):
    jar = write_zip(tmp_path / "plain.jar", {"hello.xml": b"<mule/>"})
    assert rejected(jar).startswith(f"The JAR has no {DESCRIPTOR}")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"minMuleVersion": "4.4.0",', "is not valid JSON"),
        (b"\xff\xfe not text", "is not UTF-8 text"),
        (b'["minMuleVersion", "4.4.0"]', "must hold a JSON object"),
        (b'{"name": "x"}', "minMuleVersion is missing"),
        (b'{"minMuleVersion": "4.x"}', 'must look like 4.4.0, not "4.x"'),
        (b'{"minMuleVersion": 4.4}', "must look like 4.4.0, not 4.4"),
        (b'{"minMuleVersion": "4.4.0", "configs": "a.xml"}', "must be a list of file names"),
        (b'{"minMuleVersion": "4.4.0", "name": 7}', "must be a non-empty text"),
    ],
)
def test_bad_descriptors(tmp_path, content, words):
    jar = write_zip(tmp_path / "bad.jar", {DESCRIPTOR: content})
    assert words in rejected(jar)


def test_bomb_by_ratio(tmp_path):
    jar = write_zip(
        tmp_path / "bomb.jar", {DESCRIPTOR: GOOD_DESCRIPTOR, "zeros.bin": bytes(10 * MB)}
    )
    assert (
        rejected(jar) == "The archive looks like a zip bomb: zeros.bin expands more than 100 times."
    )


def test_small_very_compressible_entries_are_not_bombs(tmp_path):
    jar = write_zip(tmp_path / "ok.jar", {DESCRIPTOR: GOOD_DESCRIPTOR, "blank.txt": bytes(50_000)})
    assert inspect_artifact(jar, max_ratio=10).min_mule_version == "4.4.0"


def test_bomb_by_total_size(tmp_path):
    entries = {DESCRIPTOR: GOOD_DESCRIPTOR, "a.bin": os.urandom(3000), "b.bin": os.urandom(3000)}
    jar = write_zip(tmp_path / "big.jar", entries, method=zipfile.ZIP_STORED)
    message = rejected(jar, max_uncompressed_bytes=5000)
    assert message == "The archive looks like a zip bomb: it expands to more than 5000 bytes."
    assert inspect_artifact(jar, max_uncompressed_bytes=7000).size == jar.stat().st_size


def test_declared_sizes_that_lie_do_not_get_past_reading(tmp_path):
    jar = write_zip(
        tmp_path / "liar.jar", {"zeros.bin": bytes(4 * MB), DESCRIPTOR: GOOD_DESCRIPTOR}
    )
    with zipfile.ZipFile(jar) as honest:
        compressed = honest.getinfo("zeros.bin").compress_size
    patch_central_directory(jar, 24, "<I", compressed)  # claims: no compression at all
    with zipfile.ZipFile(jar) as forged:
        assert forged.getinfo("zeros.bin").file_size == compressed
    assert "zeros.bin" in rejected(jar)


def test_reading_counts_real_bytes_not_declared_ones(tmp_path):
    jar = write_zip(tmp_path / "a.jar", {DESCRIPTOR: GOOD_DESCRIPTOR, "zeros.bin": bytes(MB)})
    with zipfile.ZipFile(jar) as opened, pytest.raises(ArtifactRejected, match="more than 5000"):
        archive.read_entries(opened, 5000, 1_000_000, keep=DESCRIPTOR)
    with (
        zipfile.ZipFile(jar) as opened,
        pytest.raises(ArtifactRejected, match="more than 50 times"),
    ):
        archive.read_entries(opened, 10 * MB, 50, keep=DESCRIPTOR)


def test_damaged_entry_data(tmp_path):
    jar = write_zip(tmp_path / "crc.jar", {DESCRIPTOR: GOOD_DESCRIPTOR})
    patch_central_directory(jar, 16, "<I", 0xDEADBEEF)  # a CRC that does not match
    assert rejected(jar).startswith(f"The archive is damaged: {DESCRIPTOR} cannot be read")


def test_encrypted_entries(tmp_path):
    jar = write_zip(tmp_path / "secret.jar", {DESCRIPTOR: GOOD_DESCRIPTOR})
    patch_central_directory(jar, 8, "<H", 0x1)
    assert rejected(jar) == f"The archive entry {DESCRIPTOR} is encrypted."


def test_unusual_compression_methods(tmp_path):
    jar = write_zip(tmp_path / "bz.jar", {DESCRIPTOR: GOOD_DESCRIPTOR}, method=zipfile.ZIP_BZIP2)
    assert "compression method JARs do not use" in rejected(jar)


def test_an_oversized_descriptor(tmp_path):
    padded = json.dumps({"minMuleVersion": "4.4.0", "pad": "x" * (2 * MB)}).encode()
    jar = write_zip(tmp_path / "fat.jar", {DESCRIPTOR: padded}, method=zipfile.ZIP_STORED)
    assert rejected(jar) == f"{DESCRIPTOR} is larger than 1 MB."


def test_default_limits():
    from anypoint_sandbox.cloudhub import artifacts

    assert artifacts.MAX_UNCOMPRESSED_BYTES == 1024**3
    assert artifacts.MAX_RATIO == 100
    assert archive.size_in_words(artifacts.MAX_UNCOMPRESSED_BYTES) == "1 GB"


def test_duplicate_entries(tmp_path):
    jar = tmp_path / "twice.jar"
    with zipfile.ZipFile(jar, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr(DESCRIPTOR, GOOD_DESCRIPTOR)
        archive.writestr(DESCRIPTOR, b'{"minMuleVersion": "4.9.0"}')
    assert rejected(jar) == f"The archive holds {DESCRIPTOR} more than once."
