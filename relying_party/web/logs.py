"""The server's access log: a callback's request line carries the authorization code and the
state, so they are fingerprinted there as in the protocol trace. Tokens are never logged."""

from __future__ import annotations

import logging

from flask import Flask

from ..anypoint.trace import redact_url


class RedactRequestLines(logging.Filter):
    """Rewrites the request line werkzeug logs (``"GET /auth/callback?code=… HTTP/1.1"``, maybe
    wrapped in colour codes) with secret query values replaced by fingerprints."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str) and "?" in args[0]:
            method, _, rest = args[0].partition(" ")
            target, _, version = rest.rpartition(" ")
            record.args = (f"{method} {redact_url(target)} {version}", *args[1:])
        return True


def init_app(app: Flask) -> None:
    """Install the filter on werkzeug's logger once per process."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, RedactRequestLines) for existing in logger.filters):
        logger.addFilter(RedactRequestLines())
