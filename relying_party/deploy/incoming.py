"""The deploy form's request body read as it arrives, never spooled: first the small fields
(CSRF token, names, environment, properties…), then the one file part, handed on to the
platform a chunk at a time as the browser sends it (:meth:`IncomingForm.read`).

Werkzeug's sans-io ``MultipartDecoder`` parses the fields. Every field must come before the
file, as the deploy page, deploy.js, requests and browsers (in document order) send them. The
file's size is known when its headers arrive: the request's Content-Length less the bytes
before the file's first byte and the closing delimiter (``\\r\\n--boundary--\\r\\n``), so the
request to the platform gets an exact Content-Length. The file's bytes are then counted, not
searched for a boundary (the decoder, splitting the closing delimiter at some chunk edges, can
hand on one byte of it as data), but checked for it: a boundary inside them means another part
follows the file. That, a body that ends early, or one that does not end with exactly the
closing delimiter raises ``UploadInterrupted`` while it is read, and the request to the
platform is cut off before it is whole.
The time spent waiting for the browser's bytes is not the platform's (``deadlines.paused``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.sansio.multipart import (
    NEED_DATA,
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
)

from ..anypoint import deadlines
from ..anypoint.multipart import UploadInterrupted

CHUNK_BYTES = 256 * 1024
#: All text fields together (the properties are the largest), and the most parts of a form.
FIELD_BYTES = 256 * 1024
MAX_PARTS = 32
ENDED_EARLY = ("The upload ended before the whole file arrived (the connection closed or the "
               "browser stopped sending), so nothing was deployed.")


class FormProblem(Exception):
    """The body is not a form this app can read; ``message`` says why, ``status`` is a 4xx."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class FilePart:
    """The file part's name, file name, type, and exact size (known before its bytes)."""

    name: str
    filename: str
    content_type: str
    size: int


class IncomingForm:
    """One multipart/form-data request body of ``content_length`` bytes, read from ``stream``.

    :meth:`fields` reads up to the file part (or the end) and returns the fields; ``file`` then
    describes the file part, and :meth:`read` gives its bytes. :meth:`drain` reads and drops
    whatever is left, so that an answer given early still reaches the browser.
    """

    def __init__(self, stream: BinaryIO, content_length: int, boundary: bytes,
                 chunk_bytes: int = CHUNK_BYTES):
        self._stream = stream
        self._length = content_length
        self._left = content_length
        self._chunk_bytes = chunk_bytes
        self._decoder = MultipartDecoder(boundary, max_parts=MAX_PARTS)
        self._marker = b"--" + boundary
        self._closing = b"\r\n--" + boundary + b"--\r\n"
        self._pending = b""  # of the file part: bytes read from the stream, not yet handed on
        self._file_left = 0
        self._seen = b""  # the end of what was handed on, where a boundary could begin
        self._closed_well = False
        self.file: FilePart | None = None

    # -- the browser's bytes --------------------------------------------------------------
    def _chunk(self) -> bytes:
        """The next bytes of the body; UploadInterrupted when it stops before its
        Content-Length. The wait is the browser's time, not the platform's."""
        with deadlines.paused():
            try:
                chunk = self._stream.read(min(self._chunk_bytes, self._left))
            except (ClientDisconnected, OSError):
                chunk = b""
        if not chunk:
            self._left = -1  # nothing more will come: never read again
            raise UploadInterrupted(ENDED_EARLY)
        self._left -= len(chunk)
        return chunk

    def _next(self):
        while True:
            try:
                event = self._decoder.next_event()
            except (ValueError, RequestEntityTooLarge):
                raise FormProblem("The request is not a form this app can read "
                                  "(broken multipart/form-data, or too many parts).") from None
            if event is not NEED_DATA:
                return event
            self._decoder.receive_data(self._chunk() if self._left > 0 else None)

    # -- the fields, then the file ----------------------------------------------------------
    def fields(self) -> dict[str, str]:
        """The text fields before the file part (all of them when there is no file part).
        FormProblem for a broken body or fields past FIELD_BYTES; UploadInterrupted when the
        body ends early."""
        found: dict[str, str] = {}
        name, value, total = None, bytearray(), 0
        while True:
            event = self._next()
            if isinstance(event, Field):
                name, value = event.name, bytearray()
            elif isinstance(event, Data) and name is not None:
                total += len(event.data)
                if total > FIELD_BYTES:
                    raise FormProblem(f"The form's fields are longer than {FIELD_BYTES // 1024}"
                                      " KB together.", 413)
                value += event.data
                if not event.more_data:
                    found.setdefault(name, value.decode("utf-8", "replace"))
                    name = None
            elif isinstance(event, File):
                self.file = self._file_part(event)
                return found
            elif isinstance(event, Epilogue):
                return found

    def _file_part(self, event: File) -> FilePart:
        """The file part, sized from the Content-Length; from here on the decoder is done with
        (it holds the line break that ends the part's headers, then the file's first bytes)."""
        buffered = bytes(self._decoder.buffer)
        line_break = 2 if buffered.startswith(b"\r\n") else 1
        self._pending = buffered[line_break:]
        size = self._left + len(self._pending) - len(self._closing)
        if size < 0:
            raise FormProblem("The request ends before its file part does.")
        self._file_left = size
        return FilePart(event.name, event.filename or "",
                        event.headers.get("Content-Type", "application/octet-stream"), size)

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes more of the file (b"" at its end, once the body has been seen
        to end as a form does). UploadInterrupted when the body ends early, has another part
        after the file, or does not end with the closing delimiter."""
        if self.file is None:
            return b""
        if self._file_left == 0:
            if not self._closed_well:
                self._closed()
            return b""
        if not self._pending:
            self._pending = self._chunk()
        wanted = self._file_left if size is None or size < 0 else min(size, self._file_left)
        chunk, self._pending = self._pending[:wanted], self._pending[wanted:]
        marker = self._marker
        if marker in chunk or marker in self._seen + chunk[:len(marker)]:
            raise UploadInterrupted("The form has fields after its file: every field must come "
                                    "before the file (the deploy page sends them so). Nothing "
                                    "was deployed.")
        self._seen = (self._seen + chunk)[-len(marker):] if len(chunk) < len(marker) else (
            chunk[-len(marker):])
        self._file_left -= len(chunk)
        return chunk

    def _closed(self) -> None:
        """What follows the file must be the closing delimiter, and nothing else."""
        ending = self._pending
        while self._left > 0 and len(ending) <= len(self._closing):
            ending += self._chunk()
        if ending != self._closing or self._left > 0:
            raise UploadInterrupted("The form does not end as forms do after its file, so the "
                                    "file's size could not be known; nothing was deployed.")
        self._pending, self._closed_well = b"", True

    def drain(self) -> None:
        """Read and drop the rest of the body (an early answer then reaches the browser);
        quietly stops when the browser has gone."""
        with deadlines.paused():
            while self._left > 0:
                try:
                    chunk = self._stream.read(min(self._chunk_bytes, self._left))
                except (ClientDisconnected, OSError):
                    chunk = b""
                if not chunk:
                    break
                self._left -= len(chunk)
        self._left = min(self._left, 0)
