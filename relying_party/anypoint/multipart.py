"""A multipart/form-data request body streamed from a file, for uploads too big for memory.

``requests``' ``files=`` builds the whole body in memory; a 150 MB JAR must not be. A
:class:`MultipartBody` is handed to ``requests`` as ``data=``: ``len()`` gives the exact byte count
(so the request carries a normal ``Content-Length``, not chunked encoding) and iterating yields the
part headers and then the file a chunk at a time. The bytes are exactly those of urllib3's
``encode_multipart_formdata`` for the same fields and boundary (HTML5 quoting of names).

A file part comes from a seekable file (a JAR on disk) or, when its ``size`` is given, from a
one-way stream read as it goes (the file part of the browser's own upload, passed straight
through): then the stream must hold exactly ``size`` bytes, and when it cannot (the browser's
upload ended early, or went on past that size) it raises :class:`UploadInterrupted`, which
cuts the request off before its last bytes, so the platform never receives a whole body.
Pure Python, no Flask.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 256 * 1024
_QUOTED = {10: "%0A", 13: "%0D", 34: "%22"}  # as HTML5 (and urllib3) quote header parameters


class UploadInterrupted(Exception):
    """A one-way file stream could not give the bytes it promised: the request that carries it
    is cut off. ``status`` and ``message`` say why, in words for the person uploading."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class FilePart:
    """A file part: ``stream`` is a seekable binary file, read from its current position, or,
    with ``size``, a one-way stream of exactly ``size`` bytes (read once, never sought)."""

    name: str
    filename: str
    stream: BinaryIO
    content_type: str = "application/octet-stream"
    size: int | None = None


def _param(name: str, value: str) -> str:
    return f'{name}="{value.translate(_QUOTED)}"'


def _size_from_here(stream: BinaryIO) -> int:
    here = stream.tell()
    end = stream.seek(0, os.SEEK_END)
    stream.seek(here)
    return end - here


class MultipartBody:
    """``fields`` (name, text) then ``files``, streamed; ``content_type`` names the boundary.

    The file streams must stay open and unmoved until the body has been sent. Iterating twice
    (a retry) starts each file again from where it stood when the body was made; a body with a
    one-way stream can be sent once only.
    """

    def __init__(self, fields: list[tuple[str, str]], files: list[FilePart],
                 boundary: str | None = None, chunk_bytes: int = CHUNK_BYTES):
        self.boundary = boundary or secrets.token_hex(16)
        self.chunk_bytes = chunk_bytes
        self.fields = list(fields)
        self.files = list(files)
        self._starts = [None if part.size is not None else part.stream.tell()
                        for part in self.files]
        self._sizes = [part.size if part.size is not None else _size_from_here(part.stream)
                       for part in self.files]
        self._sent = False

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _field_head(self, name: str) -> bytes:
        return (f"--{self.boundary}\r\nContent-Disposition: form-data; {_param('name', name)}"
                "\r\n\r\n").encode()

    def _file_head(self, part: FilePart) -> bytes:
        return (f"--{self.boundary}\r\nContent-Disposition: form-data; "
                f"{_param('name', part.name)}; {_param('filename', part.filename)}\r\n"
                f"Content-Type: {part.content_type}\r\n\r\n").encode()

    def _tail(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode()

    def __len__(self) -> int:
        size = sum(len(self._field_head(name)) + len(value.encode()) + 2
                   for name, value in self.fields)
        size += sum(len(self._file_head(part)) + length + 2
                    for part, length in zip(self.files, self._sizes, strict=True))
        return size + len(self._tail())

    def __iter__(self) -> Iterator[bytes]:
        if self._sent and None in self._starts:
            raise UploadInterrupted("The file was passed through as it arrived and cannot be "
                                    "sent a second time.", 503)
        self._sent = True
        for name, value in self.fields:
            yield self._field_head(name) + value.encode() + b"\r\n"
        for part, start, length in zip(self.files, self._starts, self._sizes, strict=True):
            yield self._file_head(part)
            if start is not None:
                part.stream.seek(start)
            left = length
            while left > 0:
                chunk = part.stream.read(min(self.chunk_bytes, left))
                if not chunk:
                    if start is None:
                        raise UploadInterrupted(f"{part.filename} ended {left} bytes early.")
                    raise OSError(f"{part.filename} ended {left} bytes early while uploading")
                left -= len(chunk)
                yield chunk
            if start is None and part.stream.read(1):  # it must end where it said it would
                raise UploadInterrupted(f"{part.filename} went on past its {length} bytes.")
            yield b"\r\n"
        yield self._tail()

    def described(self) -> dict:
        """For the protocol trace: each field (a JSON field parsed), each file's name and size.
        Values are the real ones: the trace's allow-list decides what it shows."""
        shown: dict = {}
        for name, value in self.fields:
            try:
                shown[name] = json.loads(value) if value.lstrip()[:1] in ("{", "[") else value
            except ValueError:
                shown[name] = value
        for part, size in zip(self.files, self._sizes, strict=True):
            shown[part.name] = {"filename": part.filename, "bytes": size, "streamed": True}
        return shown
