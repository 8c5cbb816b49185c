"""Pure units: the streamed multipart body, properties, the form checks, the CloudHub models."""

from __future__ import annotations

import io

import pytest
from urllib3.filepost import encode_multipart_formdata

from relying_party.anypoint.catalogue import name_problem
from relying_party.anypoint.cloudhub import app_info
from relying_party.anypoint.errors import PlatformError
from relying_party.anypoint.models import Application, MuleVersion
from relying_party.anypoint.multipart import FilePart, MultipartBody
from relying_party.deploy.form import DeployRequest, PropertiesError, parse_properties, validate
from relying_party.deploy.page import error_field, when_iso
from relying_party.deploy.support import covers

JAR = bytes(range(256)) * 1000 + b"tail"  # 256 004 bytes: not a multiple of any chunk size


class RecordingStream(io.BytesIO):
    """A file that remembers how much each read asked for."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return super().read(size)


def reference(fields, filename, data, boundary) -> bytes:
    encoded, _ = encode_multipart_formdata(
        [*fields, ("file", (filename, data, "application/java-archive"))], boundary=boundary)
    return encoded


@pytest.mark.parametrize("filename", ["hello-mule-1.0.0-mule-application.jar",
                                      'odd "name"\r\n.jar', "café.jar"])
def test_body_is_byte_exact_and_its_length_is_right(filename):
    fields = [("appInfoJson", '{"domain": "héllo", "region": "us-east-1"}'), ("autoStart", "true")]
    body = MultipartBody(fields, [FilePart("file", filename, io.BytesIO(JAR),
                                           "application/java-archive")], boundary="b0und4ry")
    sent = b"".join(body)
    assert sent == reference(fields, filename, JAR, "b0und4ry")
    assert len(body) == len(sent)
    assert body.content_type == "multipart/form-data; boundary=b0und4ry"


def test_body_reads_the_file_in_chunks_and_can_be_sent_again():
    stream = RecordingStream(JAR)
    body = MultipartBody([("appInfoJson", "{}")], [FilePart("file", "a.jar", stream)],
                         chunk_bytes=64 * 1024)
    pieces = list(body)
    assert max(len(piece) for piece in pieces) <= 64 * 1024 + 200  # a chunk, or headers
    assert stream.reads and all(0 < size <= 64 * 1024 for size in stream.reads)
    assert len(stream.reads) == 4  # 256 004 bytes in 64 KiB reads, never the whole file
    assert b"".join(body) == b"".join(pieces)  # iterating again starts the file over


def test_body_starts_where_the_stream_stood_and_notices_a_short_file():
    stream = io.BytesIO(b"ignored" + JAR)
    stream.seek(len(b"ignored"))
    body = MultipartBody([], [FilePart("file", "a.jar", stream)], boundary="x")
    assert b"".join(body) == reference([], "a.jar", JAR, "x").replace(
        b"application/java-archive", b"application/octet-stream")
    stream.truncate(100)
    with pytest.raises(OSError, match="ended .* early"):
        b"".join(body)


def test_the_trace_is_told_the_parts_without_the_bytes():
    body = MultipartBody([("appInfoJson", '{"domain": "a"}'), ("autoStart", "true")],
                         [FilePart("file", "a.jar", io.BytesIO(JAR))])
    assert body.described() == {"appInfoJson": {"domain": "a"}, "autoStart": "true",
                                 "file": {"filename": "a.jar", "bytes": 256004,
                                          "streamed": True}}


def test_properties_are_key_value_lines():
    text = "# settings\n\nhttp.port = 8081\ngreeting=hello = world\nempty=\n"
    assert parse_properties(text) == {"http.port": "8081", "greeting": "hello = world",
                                      "empty": ""}
    assert parse_properties("") == {}


@pytest.mark.parametrize(("text", "message"), [
    ("a=1\njust words", "Line 2 (“just words”) is not key=value."),
    ("a=1\n\n=value", "Line 3 (“=value”) has no key"),
    ("my key=1", "Line 1 (“my key=1”) has no key before the “=” or a key with spaces."),
    ("a=1\nb=2\na=3", "Line 3 sets “a” a second time."),
])
def test_a_bad_properties_line_is_named(text, message):
    with pytest.raises(PropertiesError) as caught:
        parse_properties(text)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(("name", "ok"), [
    ("hello-mule", True), ("abc", True), ("a" * 42, True), ("ab", False), ("a" * 43, False),
    ("Hello", False), ("hello_mule", False), ("1hello", False), ("hello-", False), ("", False),
])
def test_application_names(name, ok):
    assert (name_problem(name) is None) is ok


FORM = {"environment": "env-1", "name": "hello-mule", "runtime": "4.9.0", "worker_size": "Micro",
        "workers": "2", "region": "eu-west-1", "properties": "a=1"}


def test_valid_form_becomes_a_deploy_request():
    deploy, errors = validate(FORM, environments=["env-1"], runtimes=["4.9.0"],
                              filename="hello.jar")
    assert errors == {}
    assert deploy == DeployRequest("env-1", "hello-mule", "4.9.0", "Micro", 2, "eu-west-1",
                                   {"a": "1"})


def test_every_bad_field_is_named():
    bad = {"environment": "other", "name": "No", "runtime": "3.9", "worker_size": "Huge",
           "workers": "nine", "region": "mars-1", "properties": "oops"}
    deploy, errors = validate(bad, environments=["env-1"], runtimes=["4.9.0"],
                              filename="notes.zip")
    assert deploy is None
    assert set(errors) == {"environment", "name", "runtime", "worker_size", "workers", "region",
                           "properties", "file"}
    _, errors = validate({**FORM, "workers": "9"}, environments=["env-1"], runtimes=["4.9.0"],
                         filename=None)
    assert errors == {"workers": "Choose 1 to 8 workers.",
                      "file": "Choose the application's JAR file."}


def test_app_info_is_what_mule_maven_plugin_sends():
    assert app_info("a-app", "4.9.0", "Micro", 1, "us-east-1", {"k": "v"}) == {
        "domain": "a-app", "muleVersion": {"version": "4.9.0"}, "region": "us-east-1",
        "workers": {"amount": 1, "type": {"name": "Micro"}}, "properties": {"k": "v"},
        "monitoringAutoRestart": True, "objectStoreV1": False, "persistentQueues": False,
        "loggingCustomLog4JEnabled": False}


def test_application_from_cloudhub_json():
    app = Application.from_json({
        "domain": "a-app", "status": "STARTED", "deploymentUpdateStatus": "DEPLOYING",
        "lastUpdateTime": 1_700_000_000_500, "workers": {"amount": 2, "type": {"name": "Small"}},
        "muleVersion": {"version": "4.9.0"}, "properties": {"b": "2", "a": 1}})
    assert app.transitional and not app.failed
    assert app.last_update == 1_700_000_000.5 and when_iso(app.last_update) == (
        "2023-11-14T22:13:20Z")
    assert (app.workers, app.worker_type, app.mule_version) == (2, "Small", "4.9.0")
    assert app.properties == (("a", "1"), ("b", "2"))
    failed = Application.from_json({"domain": "b-app", "status": "DEPLOY_FAILED",
                                    "deploymentFailureReason": "needs 4.9.0"})
    assert failed.failed and not failed.transitional and failed.failure_reason == "needs 4.9.0"
    with pytest.raises(ValueError):
        Application.from_json({"status": "STARTED"})
    runtime = MuleVersion.from_json({"version": "4.9.0", "recommended": True,
                                     "endOfSupportDate": 1_772_236_800_000})
    assert runtime.recommended and runtime.end_of_support == 1_772_236_800


@pytest.mark.parametrize(("status", "message", "field"), [
    (409, "An application named a already exists", "name"),
    (400, "The JAR has no META-INF/mule-artifact/mule-artifact.json", "file"),
    (400, "Mule runtime \"9.9.9\" is not offered", "runtime"),
    (400, "Worker type \"Huge\" does not exist", "worker_size"),
    (400, "The application name must be lowercase.", "name"),
])
def test_platform_errors_find_their_field(status, message, field):
    assert error_field(PlatformError(message, status)) == field


def test_which_grants_cover_a_scope():
    assert covers(("create:applications",), "create:applications")
    assert covers(("full",), "delete:applications")
    assert covers(("read:full",), "read:applications")
    assert not covers(("read:full",), "create:applications")
    assert not covers(("read:applications",), "create:applications")
