"""An application's deployments and their logs, on ``deploy.bp``: ``deploy.logs`` (the page:
the latest deployments, one deployment's log, ``?deployment=<id>``, the newest by default) and
``deploy.logs_json`` (one deployment's log for the application page's live panel).

Both read CloudHub with the delegated token (``read:applications``, as the application page
does); a refusal becomes the page's panel, an unknown application or deployment a 404.
"""

from __future__ import annotations

import re

from flask import jsonify, render_template, request, url_for

from ..anypoint.cloudhub import CloudHub
from ..anypoint.errors import MissingScope, NotFound
from ..anypoint.models import Deployment, LogLine
from ..web.problem import Problem
from .page import when_iso
from .support import delegation, environment_name, no_such_application, operation_refusal
from .views import bp

#: Deployments listed on the page, and log lines shown of one (CloudHub gives at most 2000).
SHOWN_DEPLOYMENTS = 10
SHOWN_LINES = 500
#: What a deployment id can look like; anything else is no deployment (never sent).
DEPLOYMENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def shown(line: LogLine) -> dict:
    """A log line as the page and logs.json show it: ``at`` (ISO 8601), ``time`` (readable,
    to the millisecond, UTC), ``priority``, ``message``, ``instance``."""
    at = when_iso(line.at, millis=True)
    return {"at": at, "time": at.replace("T", " ").rstrip("Z") if at else "—",
            "priority": line.priority, "message": line.message, "instance": line.instance}


def _no_such_deployment(env_id: str, name: str, deployment_id: str) -> Problem:
    return Problem(404, "No such deployment", f"{name} has no deployment "
                   f"{deployment_id[:64]!r} among its latest {SHOWN_DEPLOYMENTS}.", "not_found",
                   (url_for("deploy.logs", env_id=env_id, name=name), "Its latest deployment"))


def _deployments(cloudhub: CloudHub, env_id: str, name: str) -> list[Deployment]:
    try:
        return cloudhub.deployments(name, SHOWN_DEPLOYMENTS)
    except NotFound:
        raise no_such_application(env_id, name) from None


def _chosen(found: list[Deployment], env_id: str, name: str) -> Deployment | None:
    """The deployment ``?deployment=`` names (404 when it is not one of ``found``), else the
    newest; None when the application has none."""
    wanted = request.args.get("deployment")
    if not wanted:
        return found[0] if found else None
    match = next((item for item in found if item.id == wanted), None)
    if match is None or not DEPLOYMENT_ID.fullmatch(wanted):
        raise _no_such_deployment(env_id, name, wanted)
    return match


def _lines(cloudhub: CloudHub, name: str, deployment: Deployment) -> tuple[list[LogLine], int]:
    try:
        return cloudhub.deployment_logs(name, deployment.id, SHOWN_LINES)
    except NotFound:  # it went between the two calls: the application was deleted
        return [], 0


@bp.get("/<env_id>/<name>/logs")
def logs(env_id: str, name: str):
    """The latest deployments (newest first) and the chosen one's log, newest lines last."""
    user = delegation()
    here = url_for("deploy.logs", env_id=env_id, name=name)
    context = {"env_id": env_id, "name": name, "env_name": environment_name(user, env_id),
               "deployments": [], "deployment": None, "lines": [], "total": 0,
               "shown_lines": SHOWN_LINES}
    if not user.may("read"):
        return render_template("deploy/logs.html", read_refusal=operation_refusal(
            user.tokens, "read", next_path=here), **context), 403
    cloudhub = user.cloudhub(env_id)
    try:
        found = _deployments(cloudhub, env_id, name)
        chosen = _chosen(found, env_id, name)
        lines, total = _lines(cloudhub, name, chosen) if chosen else ([], 0)
    except MissingScope as error:
        return render_template("deploy/logs.html", read_refusal=operation_refusal(
            user.tokens, "read", error, here), **context), 403
    context.update(deployments=found, deployment=chosen, lines=[shown(line) for line in lines],
                   total=total)
    return render_template("deploy/logs.html", **context)




@bp.get("/<env_id>/<name>/logs.json")
def logs_json(env_id: str, name: str):
    """``{deployment: {id, state, created, started, ended, workers} | null, lines: [{at,
    priority, message, instance}], total, shown, page}``: the chosen deployment's newest lines
    (the application page asks again while the application is moving)."""
    cloudhub = delegation().cloudhub(env_id)
    found = _deployments(cloudhub, env_id, name)
    chosen = _chosen(found, env_id, name)
    lines, total = _lines(cloudhub, name, chosen) if chosen else ([], 0)
    summary = None if chosen is None else {
        "id": chosen.id, "state": chosen.state, "created": when_iso(chosen.created),
        "started": when_iso(chosen.started), "ended": when_iso(chosen.ended),
        "workers": len(chosen.instances)}
    return jsonify(deployment=summary, lines=[shown(line) for line in lines], total=total,
                   shown=len(lines), page=url_for("deploy.logs", env_id=env_id, name=name))
