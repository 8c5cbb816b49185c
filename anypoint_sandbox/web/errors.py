"""One error policy for the sandbox, chosen by path:

* OAuth endpoints (``/accounts/api/v2/oauth2/…``): RFC 6749 JSON ``{error, error_description}``;
* platform APIs (other ``/accounts/api/…`` paths, and future product APIs): Anypoint's
  ``{"message": …}``;
* everything else (sign-in and consent pages): an HTML page for people.

Never a stack trace; unexpected failures are logged and answered with a plain 500.
"""

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

OAUTH_PREFIX = "/accounts/api/v2/oauth2"
PLATFORM_PREFIXES = ("/accounts/api", "/cloudhub/api", "/audit/")


class PlatformError(Exception):
    """An error a platform API answers with ``{"message": …}`` and the given status."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def platform_error_response(status: int, message: str, headers: dict | None = None):
    response = jsonify(message=message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def error_page(title: str, message: str, status: int):
    """An HTML error page for people (with ``Cache-Control: no-store``)."""
    body = render_template("sandbox/error.html", title=title, message=message, status=status)
    return body, status, {"Cache-Control": "no-store"}


def _oauth_code(status: int) -> str:
    return {401: "invalid_client", 404: "invalid_request", 405: "invalid_request"}.get(
        status, "server_error" if status >= 500 else "invalid_request")


def handle_http_error(error: HTTPException):
    status = error.code or 500
    description = error.description if status < 500 else "The sandbox could not handle this."
    if request.path.startswith(OAUTH_PREFIX):
        response = jsonify(error=_oauth_code(status), error_description=description)
        response.status_code = status
        return response
    if request.path.startswith(PLATFORM_PREFIXES):
        return platform_error_response(status, description)
    return error_page(error.name, description, status)


def handle_platform_error(error: PlatformError):
    return platform_error_response(error.status, error.message, error.headers)


def handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(PlatformError, handle_platform_error)
    app.register_error_handler(Exception, handle_unexpected)
