"""Request bodies: every route but a CloudHub upload takes at most SANDBOX_MAX_BODY_KB, checked
before a byte is read — from ``Content-Length`` when the request has one, and by reading a body
of unknown length (chunked) only up to the limit. A larger body is a 413 in words, in the shape
of the route (HTML for pages, OAuth or Anypoint JSON for APIs; see ``errors``). A multipart
deploy or redeploy keeps MAX_CONTENT_LENGTH, the JAR's limit, which CloudHub's views check."""

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

#: The CloudHub endpoints that take a JAR, when the request is multipart.
UPLOAD_ENDPOINTS = {"cloudhub.create_application", "cloudhub.redeploy_application"}
KILOBYTE = 1024


class BodyTooLarge(HTTPException):
    """413 for a body past this route's limit. Not a RequestEntityTooLarge, whose handler in
    the CloudHub blueprint speaks of the JAR's limit."""

    code = 413


def is_upload() -> bool:
    return request.endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data"


def body_limit() -> int:
    """The most bytes this request's body may have."""
    if is_upload():
        return current_app.config["MAX_CONTENT_LENGTH"]
    return current_app.config["SANDBOX_MAX_BODY_KB"] * KILOBYTE


def too_large(limit: int, length: int | None = None) -> str:
    """A 413's description: how large the body is (when known) and what is accepted here."""
    size = f"is {length:,} bytes" if length is not None else (
        f"is longer than {limit // KILOBYTE} KB")
    return (f"The request body {size}; this address accepts at most {limit // KILOBYTE} KB. "
            "Send less.")


def limit_body() -> None:
    """before_request: set this request's limit and refuse a body past it (413) before it is
    parsed. A body of unknown length is read here, at most up to the limit (then cached for
    the view)."""
    if is_upload():
        return
    limit = body_limit()
    request.max_content_length = limit
    length = request.content_length
    if length is not None:
        if length > limit:
            raise BodyTooLarge(too_large(limit, length))
        return
    if request.headers.get("Transfer-Encoding") or "wsgi.input_terminated" in request.environ:
        # Werkzeug cuts such a body at the limit without a word; one byte more tells.
        request.max_content_length = limit + 1
        try:
            data = request.get_data(cache=True)
        except RequestEntityTooLarge:
            data = None
        if data is None or len(data) > limit:
            raise BodyTooLarge(too_large(limit))
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    app.before_request(limit_body)
