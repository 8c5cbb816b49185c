"""The deploy uploads passed through as they arrive (``incoming.IncomingForm``): the request's
body opened for reading once its Content-Length is within the limit (413 before a byte is
read), its fields read and checked for their order, the file part as the Jar CloudHub sends
on, and the rest of the body drained whatever happens, so that an early answer reaches the
browser instead of a reset connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from ..anypoint import deadlines
from ..anypoint.cloudhub import Jar
from ..anypoint.multipart import UploadInterrupted
from ..services import services
from ..web.problem import Problem
from .incoming import FormProblem, IncomingForm
from .support import max_upload_bytes


class FieldsOnly:
    """A form sent without a file (``application/x-www-form-urlencoded``): its fields, read as
    Werkzeug reads any small form, and no file part."""

    file = None

    def fields(self) -> dict[str, str]:
        return request.form.to_dict()

    def drain(self) -> None:
        pass


@contextlib.contextmanager
def incoming_form() -> Iterator[IncomingForm | FieldsOnly]:
    """The request's multipart body, read as it arrives in the block and drained after it (a
    form with no file: its fields). Problem 411 without a Content-Length, 400 when it is not
    a form; RequestEntityTooLarge (the 413 page) past the limit."""
    length = request.content_length
    if length is None:
        raise Problem(411, "Send the form with its length", "This app reads an upload only when "
                      "the request says how long it is (Content-Length), as every browser does.",
                      "length_required")
    if length > max_upload_bytes():
        raise RequestEntityTooLarge()
    boundary = request.mimetype_params.get("boundary", "")
    if request.mimetype == "application/x-www-form-urlencoded":
        yield FieldsOnly()
        return
    if request.mimetype != "multipart/form-data" or not boundary:
        raise Problem(400, "Send the form as the page does", "An upload must be sent as "
                      "multipart/form-data, as the deploy form sends it.", "bad_form")
    # The server's own input stream: IncomingForm never reads past the Content-Length, and
    # Werkzeug's limited stream around it would copy every chunk twice more on its way.
    form = IncomingForm(request.environ["wsgi.input"], length, boundary.encode("latin-1"))
    try:
        yield form
    finally:
        form.drain()


def read_fields(form: IncomingForm | FieldsOnly, required: Sequence[str]) -> dict[str, str]:
    """The fields before the file. Problem 400 when the body cannot be read, ended early, or
    its file came before one of the ``required`` fields (the CSRF token included, unless sent
    as the X-CSRF-Token header)."""
    try:
        fields = form.fields()
    except FormProblem as problem:
        raise Problem(problem.status, "This form could not be read", problem.message,
                      "bad_form") from None
    except UploadInterrupted as error:
        raise Problem(400, "The upload ended early", error.message, "upload_interrupted") from None
    wanted = [*required, *([] if request.headers.get("X-CSRF-Token") else ["csrf_token"])]
    missing = [name for name in wanted if name not in fields]
    if form.file is not None and missing:
        raise Problem(400, "The form's fields must come before its file",
                      "This app passes the file on to Anypoint as it arrives, so it needs every "
                      f"field first; {', '.join(missing)} came after the file or not at all. "
                      "The deploy page sends them in that order. Nothing was deployed.",
                      "field_order")
    return fields


def jar_of(form: IncomingForm | FieldsOnly) -> Jar | None:
    """The file part as a one-way Jar of its exact size; None when no file was chosen."""
    if form.file is None or not form.file.filename:
        return None
    name = secure_filename(form.file.filename) or "application.jar"
    return Jar(name, form, form.file.size)


def page_budget() -> contextlib.AbstractContextManager:
    """A fresh page budget for what a view asks after an upload: the minutes the browser spent
    sending were not the platform's."""
    return deadlines.replaced(services().settings.platform_deadline_seconds)
