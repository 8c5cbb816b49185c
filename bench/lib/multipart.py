"""A multipart/form-data body streamed from a file, for the benchmark's own uploads (through the
app's deploy form and straight to the sandbox alike): ``len()`` gives the exact size, so the
request has a Content-Length, and iterating yields the file 256 KB at a time, never whole."""

from __future__ import annotations

import os
import pathlib
import secrets
from collections.abc import Iterator

CHUNK = 256 * 1024


class StreamedForm:
    def __init__(self, fields: list[tuple[str, str]], file_field: str, path: pathlib.Path,
                 file_type: str = "application/java-archive"):
        self.path = path
        boundary = secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       f"{value}\r\n" for name, value in fields)
        head += (f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                 f'filename="{path.name}"\r\nContent-Type: {file_type}\r\n\r\n')
        self.head, self.tail = head.encode(), f"\r\n--{boundary}--\r\n".encode()

    def __len__(self) -> int:
        return len(self.head) + os.path.getsize(self.path) + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        with self.path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
        yield self.tail
