"""Taking a JAR from a multipart request into the upload folder, checked, or leaving nothing.

`multipart_form` parses the request as Werkzeug does (the whole request capped by
MAX_CONTENT_LENGTH, 413 past it), spooling the `file` part to an anonymous temporary file, but
keeps hold of every spooled file so `close_spooled` closes them even when the client went away
mid-upload. `received_artifact` then copies the part a chunk at a time into SANDBOX_UPLOAD_DIR
under the exact SANDBOX_MAX_UPLOAD_MB limit (`receive_upload`) and checks it
(`inspect_artifact`). Whatever goes wrong after the first byte is written there, the file is
deleted before the error propagates, so the folder holds only the JARs of live applications.
"""

import pathlib
import uuid
from contextlib import contextmanager
from tempfile import SpooledTemporaryFile

from flask import current_app, g, request
from werkzeug.datastructures import FileStorage, MultiDict

from .artifacts import ArtifactInfo, inspect_artifact, receive_upload

MEGABYTE = 1024 * 1024
SPOOL_IN_MEMORY_BYTES = 500 * 1024  # as Werkzeug's default stream factory


def multipart_form() -> tuple[MultiDict, MultiDict]:
    """The request's (form, files). Raises Werkzeug's 413 (too large) or 400 (broken or cut-off
    body); spooled parts are closed by `close_spooled` at the end of the request either way."""
    spooled = g.setdefault("cloudhub_spooled", [])

    def spool(*_args, **_kwargs):
        part = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES, mode="rb+")
        spooled.append(part)
        return part

    parser = request.make_form_data_parser()
    parser.stream_factory = spool
    _stream, form, files = parser.parse_from_environ(request.environ)
    return form, files


def close_spooled(_error=None) -> None:
    """Close what `multipart_form` spooled for this request (a request teardown hook)."""
    for part in g.pop("cloudhub_spooled", []):
        part.close()


def upload_dir() -> pathlib.Path:
    """The app's upload folder, created when missing."""
    folder = pathlib.Path(current_app.config["SANDBOX_UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def received_artifact(part: FileStorage, domain: str):
    """Yield (path, ArtifactInfo) of the uploaded JAR, stored as `<domain>-<random>.jar`.

    Raises ArtifactRejected (too large, empty, not a Mule 4 JAR…). If the block raises, or the
    checks fail, the stored file is removed; on success it stays for the application to own.
    """
    config = current_app.config
    path = receive_upload(part.stream, upload_dir(), config["SANDBOX_MAX_UPLOAD_MB"] * MEGABYTE)
    try:
        info: ArtifactInfo = inspect_artifact(
            path, max_uncompressed_bytes=config["SANDBOX_MAX_UNCOMPRESSED_MB"] * MEGABYTE,
            file_name=display_name(part.filename, domain))
        stored = path.with_name(f"{domain}-{uuid.uuid4().hex[:12]}.jar")
        path = path.rename(stored)
        yield path, info
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def display_name(uploaded: str | None, domain: str) -> str:
    """The file name to show (`fileName`): the uploaded name without folders, or `<domain>.jar`."""
    name = (uploaded or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] if name else f"{domain}.jar"


def discard(path: str | None) -> None:
    """Remove a stored JAR (no error when it is already gone)."""
    if path:
        pathlib.Path(path).unlink(missing_ok=True)
