"""The protocol trace: ``activity.show`` (page) and ``activity.download`` (JSON file)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template

from .web.trace import trace_entries

bp = Blueprint("activity", __name__)


@bp.get("/activity")
def show():
    """Every exchange of this browser session with the provider/platform, newest first."""
    return render_template("activity/index.html", entries=trace_entries())


@bp.get("/activity.json")
def download():
    """The same trace as a downloadable JSON file (already redacted)."""
    body = json.dumps({"exchanges": trace_entries()}, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="connected-app-lab-activity.json"'})
