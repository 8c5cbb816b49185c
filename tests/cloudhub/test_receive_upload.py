"""receive_upload: streamed to disk in chunks, nothing left behind when refused or interrupted."""

import io
import os

import pytest

from anypoint_sandbox.cloudhub import artifacts
from anypoint_sandbox.cloudhub.archive import size_in_words
from anypoint_sandbox.cloudhub.artifacts import ArtifactRejected, receive_upload


class RecordingStream(io.BytesIO):
    """An upload that remembers how much each read asked for."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.requests: list[int] = []

    def read(self, size=-1):
        self.requests.append(size)
        return super().read(size)


class BrokenStream:
    """An upload whose connection drops after `good` bytes."""

    def __init__(self, good: int):
        self.left = good

    def read(self, size=-1):
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        chunk = b"x" * min(size, self.left)
        self.left -= len(chunk)
        return chunk


def test_copies_the_upload_in_chunks(tmp_path):
    data = os.urandom(artifacts.CHUNK_BYTES * 2 + 123)
    stream = RecordingStream(data)
    path = receive_upload(stream, tmp_path)
    assert path.parent == tmp_path
    assert path.read_bytes() == data
    assert set(stream.requests) == {artifacts.CHUNK_BYTES}  # never read() of everything


def test_an_upload_exactly_at_the_limit_is_accepted(tmp_path):
    path = receive_upload(io.BytesIO(b"a" * 1000), tmp_path, max_bytes=1000)
    assert path.stat().st_size == 1000


def test_an_oversized_upload_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(artifacts, "CHUNK_BYTES", 256)
    stream = io.BytesIO(b"a" * 5000)
    with pytest.raises(ArtifactRejected, match=r"^The file is larger than the 1000 bytes limit\.$"):
        receive_upload(stream, tmp_path, max_bytes=1000)
    assert list(tmp_path.iterdir()) == []
    assert stream.tell() < 5000  # stopped reading once over the limit


def test_the_limit_is_stated_in_megabytes(tmp_path):
    assert artifacts.MAX_UPLOAD_BYTES == 200 * 1024 * 1024
    assert size_in_words(artifacts.MAX_UPLOAD_BYTES) == "200 MB"
    with pytest.raises(ArtifactRejected, match=r"larger than the 2 MB limit\."):
        receive_upload(BrokenStream(3 * 1024 * 1024), tmp_path, max_bytes=2 * 1024 * 1024)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_upload_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(artifacts, "CHUNK_BYTES", 100)
    with pytest.raises(ConnectionResetError):
        receive_upload(BrokenStream(good=450), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_upload_is_refused_and_leaves_no_file(tmp_path):
    with pytest.raises(ArtifactRejected, match="The file is empty"):
        receive_upload(io.BytesIO(b""), tmp_path)
    assert list(tmp_path.iterdir()) == []
