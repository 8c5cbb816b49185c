"""Where MuleSoft's CLI reports usage: after each command it posts to
``/cli/api/v1/analytics/event`` (or ``/error``) on the host it talks to. The sandbox answers 204
and keeps nothing (the CLI ignores the answer; Anypoint documents no API for it)."""

from flask import Blueprint

bp = Blueprint("cli_telemetry", __name__, url_prefix="/cli/api/v1/analytics")


@bp.post("/event")
@bp.post("/error")
def analytics():
    """204, whatever was sent."""
    return "", 204
