"""Pure units of the upload passed through: the form read as it arrives (fields, then the file
with its exact size), the one-way file part of the body sent on, and the watchdog that does
not count the time spent waiting for the browser."""

from __future__ import annotations

import io

import pytest
from urllib3.filepost import encode_multipart_formdata

from relying_party.anypoint import deadlines
from relying_party.anypoint.multipart import FilePart, MultipartBody, UploadInterrupted
from relying_party.deploy.incoming import FIELD_BYTES, FormProblem, IncomingForm

JAR = b"PK\x03\x04" + bytes(range(256)) * 80 + b"\r\n--boun" + b"tail"  # half a boundary
FIELDS = [("csrf_token", "token"), ("name", "hello-app"), ("properties", "a=1\r\nb=2")]


def body(parts, boundary="bound") -> bytes:
    encoded, _ = encode_multipart_formdata(parts, boundary=boundary)
    return encoded


def incoming(data: bytes, chunk_bytes: int = 4096, length: int | None = None) -> IncomingForm:
    return IncomingForm(io.BytesIO(data), len(data) if length is None else length, b"bound",
                        chunk_bytes=chunk_bytes)


def read_all(form: IncomingForm, size: int = 1000) -> bytes:
    out = b""
    while chunk := form.read(size):
        assert len(chunk) <= size
        out += chunk
    return out


@pytest.mark.parametrize("chunk_bytes", [1, 7, 4096, 1 << 20])
def test_fields_then_the_file_byte_exact_with_its_size_known_first(chunk_bytes):
    data = body([*FIELDS, ("file", ("hello.jar", JAR, "application/java-archive"))])
    form = incoming(data, chunk_bytes)
    assert form.fields() == dict(FIELDS)
    assert (form.file.name, form.file.filename, form.file.content_type, form.file.size) == (
        "file", "hello.jar", "application/java-archive", len(JAR))
    assert read_all(form) == JAR
    assert form.read(10) == b""


def test_a_form_without_a_file_gives_its_fields():
    form = incoming(body(FIELDS))
    assert form.fields() == dict(FIELDS) and form.file is None and form.read() == b""


def test_a_body_cut_short_is_interrupted_not_a_short_file():
    data = body([*FIELDS, ("file", ("hello.jar", JAR, "application/java-archive"))])
    form = incoming(data[:-3000], length=len(data))
    form.fields()
    with pytest.raises(UploadInterrupted, match="ended before the whole file arrived"):
        read_all(form)


def test_a_field_after_the_file_is_refused_in_words():
    data = body([*FIELDS, ("file", ("hello.jar", JAR, "application/java-archive")),
                 ("late", "x" * 50)])
    form = incoming(data)
    form.fields()
    sent = b""
    with pytest.raises(UploadInterrupted, match="fields after its file"):
        while chunk := form.read(1000):
            sent += chunk
    assert len(sent) < form.file.size  # the platform never got a whole file


def test_an_ending_other_than_the_usual_never_sends_more_than_announced():
    data = body([*FIELDS, ("file", ("hello.jar", JAR, "application/java-archive"))])
    assert data.endswith(b"--bound--\r\n")
    form = incoming(data[:-2])  # no line break after the closing delimiter
    form.fields()
    sent = b""
    with pytest.raises(UploadInterrupted, match="does not end as forms do"):
        while chunk := form.read(1000):
            sent += chunk
    assert len(sent) <= form.file.size


def test_fields_past_the_limit_and_broken_bodies_are_form_problems():
    with pytest.raises(FormProblem) as large:
        incoming(body([("properties", "x" * (FIELD_BYTES + 1))])).fields()
    assert large.value.status == 413
    with pytest.raises(FormProblem, match="not a form this app can read"):
        incoming(b"--bound\r\nno disposition here\r\n\r\nvalue\r\n--bound--\r\n").fields()


def test_drain_reads_the_rest_and_stops_quietly_when_the_browser_has_gone():
    data = body([*FIELDS, ("file", ("hello.jar", JAR, "application/java-archive"))])
    stream = io.BytesIO(data[:-500])
    form = IncomingForm(stream, len(data), b"bound")
    form.fields()
    form.drain()
    assert stream.tell() == len(data) - 500


class OneWay:
    """A stream that can only be read forward (no seek, no tell), as the browser's upload."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


def test_a_one_way_file_part_is_sent_byte_exact_once_with_its_length():
    fields = [("appInfoJson", '{"domain": "a"}')]
    sent = MultipartBody(fields, [FilePart("file", "a.jar", OneWay(JAR), "application/java-archive",
                                           len(JAR))], boundary="out", chunk_bytes=1000)
    assert len(sent) == len(body([*fields, ("file", ("a.jar", JAR, "application/java-archive"))],
                                 "out"))
    assert b"".join(sent) == body([*fields, ("file", ("a.jar", JAR, "application/java-archive"))],
                                  "out")
    with pytest.raises(UploadInterrupted, match="cannot be sent a second time"):
        b"".join(sent)


@pytest.mark.parametrize(("data", "words"), [(JAR[:-1], "ended 1 bytes early"),
                                             (JAR + b"!", "went on past its")])
def test_a_one_way_file_of_another_size_stops_before_the_body_is_whole(data, words):
    sent = MultipartBody([], [FilePart("file", "a.jar", OneWay(data), size=len(JAR))],
                         boundary="out")
    pieces = []
    with pytest.raises(UploadInterrupted, match=words):
        for piece in sent:
            pieces.append(piece)
    assert not b"".join(pieces).endswith(b"--out--\r\n")


class FakeAlarms:
    """The watchdogs' alarm thread and ``time.monotonic``: how long each alarm set was for."""

    def __init__(self):
        self.now, self.started, self.disarmed = 100.0, [], 0

    def monotonic(self) -> float:
        return self.now

    def add(self, when: float, dog) -> None:
        self.started.append(when - self.now)

    def disarm(self, dog) -> None:
        self.disarmed += 1

    def finish(self, dog) -> None:
        dog.done = True


def test_the_watchdog_does_not_count_time_paused_for_the_browser(monkeypatch):
    alarms = FakeAlarms()
    monkeypatch.setattr(deadlines.time, "monotonic", alarms.monotonic)
    monkeypatch.setattr(deadlines, "_ALARMS", alarms)
    with deadlines.Watchdog(10):
        alarms.now += 3  # the platform's time
        with deadlines.paused():
            alarms.now += 600  # the browser's: an upload over a slow line
        alarms.now += 2
        with deadlines.paused():
            alarms.now += 60
    assert alarms.started == [10, 7, 5] and alarms.disarmed == 2
    with deadlines.paused():  # outside any call: nothing to pause
        pass
