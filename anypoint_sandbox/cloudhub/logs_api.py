"""An application's deployments and logs, at CloudHub's paths (what MuleSoft's CLI
``tail-logs`` and ``download-logs`` read):

``GET /v2/applications/{domain}/deployments`` (``limit``, ``offset``, ``orderByDate`` ASC|DESC)
→ ``{data, total}``; ``…/deployments/{deploymentId}/logs`` (``limit`` ≤ 2000, the newest lines)
and ``…/instances/{instanceId}/logs`` (``limit``, ``offset``, ``tail``) → ``{data, total}``;
``…/instances/{instanceId}/log-file`` → the worker's log as text. ``loggingVersion`` is accepted
and changes nothing (the sandbox has one log format).
"""

from flask import Response, jsonify

from ..api.auth import protected
from ..api.helpers import choice, flag, paging, whole_number
from ..web.errors import PlatformError
from . import context, deployments
from .blueprint import bp, deploy_seconds, shown_application
from .context import required_environment

MAX_LINES = 2000


def _deployment(domain: str, deployment_id: str):
    app = shown_application(domain)
    found = deployments.find(app, deployment_id)
    if found is None:
        raise PlatformError(404, f"Deployment {deployment_id[:40]} of {domain} not found.")
    return app, found


def _instance(domain: str, instance_id: str):
    app = shown_application(domain)
    found = deployments.find_instance(app, instance_id)
    if found is None:
        raise PlatformError(404, f"Instance {instance_id[:40]} of {domain} not found.")
    lines = deployments.log_lines(app, found, context.clock(), deploy_seconds())
    return [line for line in lines if line["instanceId"] == instance_id]


@bp.get("/v2/applications/<domain>/deployments")
@protected("read:applications", environment=required_environment)
def list_deployments(domain: str):
    """The application's deployments, oldest first unless ``orderByDate=DESC``."""
    app = shown_application(domain)
    offset, limit = paging(25, 500)
    choice("loggingVersion", ("VERSION_1", "VERSION_2"), "VERSION_2")
    order = choice("orderByDate", ("ASC", "DESC"), "ASC")
    found = deployments.deployments_json(app, context.clock(), deploy_seconds())
    if order == "DESC":
        found.reverse()
    return jsonify(data=found[offset:offset + limit], total=len(found))


@bp.get("/v2/applications/<domain>/deployments/<deployment_id>/logs")
@protected("read:applications", environment=required_environment)
def deployment_logs(domain: str, deployment_id: str):
    """The deployment's newest ``limit`` lines (default 100), oldest first."""
    app, found = _deployment(domain, deployment_id)
    limit = whole_number("limit", 100, 1, MAX_LINES)
    lines = deployments.log_lines(app, found, context.clock(), deploy_seconds())
    return jsonify(data=lines[-limit:], total=len(lines))


@bp.get("/v2/applications/<domain>/instances/<instance_id>/logs")
@protected("read:applications", environment=required_environment)
def instance_logs(domain: str, instance_id: str):
    """One worker's lines: ``offset`` and ``limit`` from the oldest, or the newest ``limit``
    with ``tail=true``."""
    lines = _instance(domain, instance_id)
    offset, limit = paging(100, MAX_LINES)
    page = lines[-limit:] if flag("tail") else lines[offset:offset + limit]
    return jsonify(data=page, total=len(lines))


@bp.get("/v2/applications/<domain>/instances/<instance_id>/log-file")
@protected("read:applications", environment=required_environment)
def instance_log_file(domain: str, instance_id: str):
    """One worker's whole log as text (``application/octet-stream``, as CloudHub sends it)."""
    text = deployments.log_file(_instance(domain, instance_id))
    return Response(text, mimetype="application/octet-stream")
