"""The hello-mule sample: sources and the deployable JAR that build_jar.py makes."""

import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile

import pytest

from anypoint_sandbox.cloudhub.artifacts import inspect_artifact
from tests.support.jars import BUILD_SCRIPT, DESCRIPTOR, ROOT, load_builder

MAVEN = "{http://maven.apache.org/POM/4.0.0}"
CORE = "{http://www.mulesoft.org/schema/mule/core}"
HTTP = "{http://www.mulesoft.org/schema/mule/http}"
JAR_NAME = "hello-mule-1.0.0-mule-application.jar"


@pytest.fixture(scope="module")
def builder():
    return load_builder()


@pytest.fixture
def jar(builder, tmp_path):
    return builder.build(tmp_path / JAR_NAME)


def test_default_output_is_the_documented_target_path(builder):
    assert builder.DEFAULT_OUTPUT == ROOT / "samples" / "hello-mule" / "target" / JAR_NAME


def test_jar_has_the_mule_4_deployable_layout(jar):
    with zipfile.ZipFile(jar) as archive:
        names = archive.namelist()
    assert names[:2] == ["META-INF/", "META-INF/MANIFEST.MF"]
    for expected in (
        "hello-mule.xml",
        "log4j2.xml",
        DESCRIPTOR,
        "META-INF/mule-artifact/classloader-model.json",
        "META-INF/maven/com.example/hello-mule/pom.xml",
        "META-INF/maven/com.example/hello-mule/pom.properties",
    ):
        assert expected in names
    assert not any(name.startswith("src/") for name in names)


def test_descriptor_names_the_app_its_config_and_runtime(jar):
    with zipfile.ZipFile(jar) as archive:
        descriptor = json.loads(archive.read(DESCRIPTOR))
    assert descriptor["minMuleVersion"] == "4.4.0"
    assert descriptor["name"] == "hello-mule"
    assert descriptor["configs"] == ["hello-mule.xml"]
    assert descriptor["requiredProduct"] == "MULE_EE"
    assert descriptor["classLoaderModelLoaderDescriptor"]["id"] == "mule"
    assert descriptor["classLoaderModelLoaderDescriptor"]["attributes"]["exportedResources"] == [
        "log4j2.xml"
    ]
    assert descriptor["bundleDescriptorLoader"] == {"id": "mule", "attributes": {}}


def test_maven_metadata_matches_the_coordinates(jar):
    with zipfile.ZipFile(jar) as archive:
        pom = ElementTree.fromstring(archive.read("META-INF/maven/com.example/hello-mule/pom.xml"))
        properties = archive.read("META-INF/maven/com.example/hello-mule/pom.properties").decode()
        model = json.loads(archive.read("META-INF/mule-artifact/classloader-model.json"))
        manifest = archive.read("META-INF/MANIFEST.MF").decode()
    assert pom.findtext(f"{MAVEN}groupId") == "com.example"
    assert pom.findtext(f"{MAVEN}artifactId") == "hello-mule"
    assert pom.findtext(f"{MAVEN}version") == "1.0.0"
    assert pom.findtext(f"{MAVEN}packaging") == "mule-application"
    plugins = [p.findtext(f"{MAVEN}artifactId") for p in pom.iter(f"{MAVEN}plugin")]
    assert "mule-maven-plugin" in plugins
    assert set(properties.splitlines()) == {
        "groupId=com.example",
        "artifactId=hello-mule",
        "version=1.0.0",
    }
    assert model["artifactCoordinates"]["classifier"] == "mule-application"
    assert manifest.startswith("Manifest-Version: 1.0\r\n")


def test_flow_answers_hello_on_slash_hello(jar):
    with zipfile.ZipFile(jar) as archive:
        mule = ElementTree.fromstring(archive.read("hello-mule.xml"))
        ElementTree.fromstring(archive.read("log4j2.xml"))  # well-formed
    flow = mule.find(f"{CORE}flow")
    listener = flow.find(f"{HTTP}listener")
    assert listener.get("path") == "/hello"
    assert listener.get("config-ref") == mule.find(f"{HTTP}listener-config").get("name")
    assert flow.find(f"{CORE}set-payload").get("value") == "Hello from CloudHub"


def test_build_is_byte_for_byte_reproducible(builder, tmp_path):
    first = builder.build(tmp_path / "one.jar").read_bytes()
    second = builder.build(tmp_path / "two.jar").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "one.jar") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}


def test_min_mule_version_option_changes_only_the_descriptor(builder, tmp_path):
    jar = builder.build(tmp_path / "newer.jar", min_mule_version="4.9.0")
    assert inspect_artifact(jar).min_mule_version == "4.9.0"


def test_padding_adds_an_incompressible_resource_the_checks_accept(builder, tmp_path):
    jar = builder.build(tmp_path / "padded.jar", pad_mb=3)
    with zipfile.ZipFile(jar) as archive:
        padding = archive.getinfo(builder.PADDING_NAME)
    assert padding.file_size == 3 * 1024 * 1024
    assert jar.stat().st_size > 3 * 1024 * 1024
    assert inspect_artifact(jar).size == jar.stat().st_size


@pytest.mark.parametrize("options", [{"min_mule_version": "4.x"}, {"pad_mb": -1}])
def test_bad_options_are_refused(builder, tmp_path, options):
    with pytest.raises(ValueError):
        builder.build(tmp_path / "bad.jar", **options)
    assert not (tmp_path / "bad.jar").exists()


def test_inspecting_the_sample_describes_it(jar):
    info = inspect_artifact(jar)
    assert info.name == "hello-mule"
    assert info.min_mule_version == "4.4.0"
    assert info.configs == ("hello-mule.xml",)
    assert info.file_name == JAR_NAME
    assert info.size == jar.stat().st_size
    assert info.sha256 == hashlib.sha256(jar.read_bytes()).hexdigest()


def test_command_line_builds_and_prints_the_path(tmp_path):
    output = tmp_path / "cli" / JAR_NAME
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--output", str(output), "--min-mule-version", "4.6.0"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == str(output.resolve())
    assert inspect_artifact(output).min_mule_version == "4.6.0"


def test_command_line_rejects_a_malformed_version(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(BUILD_SCRIPT),
            "--output",
            str(tmp_path / "x.jar"),
            "--min-mule-version",
            "four",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "must look like 4.4.0" in result.stderr
    assert not (tmp_path / "x.jar").exists()
