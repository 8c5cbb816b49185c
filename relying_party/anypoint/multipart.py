"""A multipart/form-data request body streamed from a file, for uploads too big for memory.

``requests``' ``files=`` builds the whole body in memory; a 150 MB JAR must not be. A
:class:`MultipartBody` is handed to ``requests`` as ``data=``: ``len()`` gives the exact byte count
(so the request carries a normal ``Content-Length``, not chunked encoding) and iterating yields the
part headers and then the file a chunk at a time. The bytes are exactly those of urllib3's
``encode_multipart_formdata`` for the same fields and boundary (HTML5 quoting of names).
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


@dataclass(frozen=True)
class FilePart:
    """A file part: ``stream`` is a seekable binary file, read from its current position."""

    name: str
    filename: str
    stream: BinaryIO
    content_type: str = "application/octet-stream"


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
    (a retry) starts each file again from where it stood when the body was made.
    """

    def __init__(self, fields: list[tuple[str, str]], files: list[FilePart],
                 boundary: str | None = None, chunk_bytes: int = CHUNK_BYTES):
        self.boundary = boundary or secrets.token_hex(16)
        self.chunk_bytes = chunk_bytes
        self.fields = list(fields)
        self.files = list(files)
        self._starts = [part.stream.tell() for part in self.files]
        self._sizes = [_size_from_here(part.stream) for part in self.files]

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
        for name, value in self.fields:
            yield self._field_head(name) + value.encode() + b"\r\n"
        for part, start, length in zip(self.files, self._starts, self._sizes, strict=True):
            yield self._file_head(part)
            part.stream.seek(start)
            left = length
            while left > 0:
                chunk = part.stream.read(min(self.chunk_bytes, left))
                if not chunk:
                    raise OSError(f"{part.filename} ended {left} bytes early while uploading")
                left -= len(chunk)
                yield chunk
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
