"""The CloudHub 1.0 applications API at Anypoint's paths (reference §5.1), in Anypoint's shapes;
``catalogue_api`` (runtimes, regions, the organization) and ``logs_api`` (deployments, logs)
add their routes to the same blueprint.

Every body is JSON (204 and 304 have none); every error is ``{"message": …}``: 400 bad input
(header, appInfoJson, artifact), 401 no valid token, 403 missing scope or right (named), 404
unknown environment or application, 409 name taken, 413 request over MAX_CONTENT_LENGTH.
Choices where Anypoint is silent: ``autoStart`` defaults to true (as Runtime Manager deploys);
START/STOP that changes nothing answers 304 without a body (mule-maven-plugin accepts 304); a PUT
always redeploys; an application that failed to deploy says why in ``deploymentFailureReason``.
"""

from flask import jsonify, request

from ..api.auth import current_token, protected
from ..storage import session
from ..web.errors import PlatformError
from . import catalogue_api, context, deployments, lifecycle, logs_api, store  # noqa: F401
from .appinfo import parse_app_info
from .blueprint import bp, deploy_seconds, live_application, shown, shown_application
from .context import current_environment, optional_environment, required_environment
from .deploying import apply_settings, new_application, replace_artifact
from .domains import validate_domain
from .exchange import exchange_deploy
from .uploads import discard, multipart_form

__all__ = ["bp"]
MOVES = {"START": lifecycle.start, "STOP": lifecycle.stop, "RESTART": lifecycle.restart}


def _multipart():
    """(form, files) of a multipart request; PlatformError 400 for any other body."""
    if request.mimetype != "multipart/form-data":
        raise PlatformError(400, "Send the application as multipart/form-data with the parts "
                                 "file and appInfoJson, or as JSON with applicationInfo and "
                                 "applicationSource.")
    return multipart_form()


def _summary(app) -> dict:
    return {"fileName": app.file_name, "muleVersion": app.mule_version, "workers": app.workers,
            "workerType": app.worker_type, "region": app.region}


@bp.get("/v2/applications")
@protected("read:applications", environment=required_environment)
def list_applications():
    """The environment's applications, a bare JSON array."""
    now, seconds = context.clock(), deploy_seconds()
    listed = store.list_shown(current_environment().id, now, seconds)
    return jsonify([store.as_json(app, now, seconds) for app in listed])


@bp.get("/v2/applications/<domain>")
@protected("read:applications", environment=required_environment)
def get_application(domain: str):
    """One application (a deleted one shows DELETED for a moment); 404 when absent."""
    return jsonify(shown(shown_application(domain)))


@bp.post("/v2/applications")
@protected("create:applications", environment=required_environment)
def create_application():
    """Deploy a new application: multipart parts ``file``, ``appInfoJson`` and optional
    ``autoStart``, or JSON ``{applicationInfo, applicationSource, autoStart}`` naming an Exchange
    asset; 200 and the application. 400 bad input, 409 name taken (in any environment)."""
    if request.is_json:
        app, auto_start = exchange_deploy(current_environment(), current_token(), context.clock())
    else:
        form, files = _multipart()
        if "appInfoJson" not in form:
            raise PlatformError(400, "The appInfoJson part is missing.")
        info = parse_app_info(form["appInfoJson"])
        if info.domain is None:
            raise PlatformError(400, "appInfoJson has no domain: give the application a name.")
        auto_start = _auto_start(form.get("autoStart"))
        part = files.get("file")
        if part is None:
            raise PlatformError(400, "The file part (the application's JAR) is missing.")
        app = new_application(info, part, auto_start, current_environment(), current_token(),
                              context.clock())
    if auto_start:
        deployments.record(app, "deploy", context.clock(), app.failure_reason)
        session().commit()
    context.record("Create", app, {**_summary(app), "autoStart": auto_start})
    return jsonify(shown(app))


@bp.put("/v2/applications/<domain>")
@protected("manage:application_settings", environment=required_environment)
def redeploy_application(domain: str):
    """Redeploy with a new ``file`` and/or changed ``appInfoJson`` fields (absent ones are kept);
    200 and the application. 404 unknown application, 400 bad input."""
    app = live_application(domain)
    form, files = _multipart()
    info = parse_app_info(form.get("appInfoJson"))
    if info.domain not in (None, domain):
        raise PlatformError(400, f"appInfoJson names the application {info.domain}, but the "
                                 f"address names {domain}; an application cannot be renamed.")
    part = files.get("file")
    now = context.clock()
    if part is not None and (part.filename or part.content_length):
        replace_artifact(app, info, part, now, deploy_seconds(), current_token())
    else:
        apply_settings(app, info, now, deploy_seconds(), current_token())
    deployments.record(app, "deploy", now, app.failure_reason)
    session().commit()
    context.record("Redeploy", app, _summary(app))
    return jsonify(shown(app))


def _delete(domain: str):
    app = live_application(domain)
    path, app.file_path = app.file_path, None
    now = context.clock()
    app.deployment = lifecycle.delete(app.deployment, now)
    deployments.record(app, "delete", now)
    session().commit()
    discard(path)
    context.record("Delete", app)


@bp.delete("/v2/applications/<domain>")
@protected("delete:applications", environment=required_environment)
def delete_application(domain: str):
    """204; the application shows DELETED for a moment, its file is removed, its name is free."""
    _delete(domain)
    return "", 204


@bp.delete("/applications/<domain>")
@protected("delete:applications", environment=required_environment)
def delete_application_v1(domain: str):
    """The deprecated V1 delete (MuleSoft's CLI uses it): the same, answered 200 as the spec
    documents it."""
    _delete(domain)
    return "", 200


@bp.post("/applications/<domain>/status")
@protected("manage:application_settings", environment=required_environment)
def change_status(domain: str):
    """``{"status": "START" | "STOP" | "RESTART"}`` in any case: 200 and the application, or
    304 when nothing changes (a restart always restarts a live application)."""
    body = request.get_json(silent=True)
    wanted = body.get("status") if isinstance(body, dict) else None
    move = MOVES.get(wanted.strip().upper()) if isinstance(wanted, str) else None
    if move is None:
        raise PlatformError(400, 'Send {"status": "START"}, {"status": "STOP"} or '
                                 '{"status": "RESTART"} as JSON.')
    app, now, seconds = live_application(domain), context.clock(), deploy_seconds()
    before = app.deployment
    after = move(before, now, seconds)
    if after == before:
        return "", 304
    app.deployment = after
    action = wanted.strip().lower()
    deployments.record(app, action, now, app.failure_reason if action != "stop" else None)
    session().commit()
    context.record(action.capitalize(), app)
    return jsonify(shown(app))


@bp.get("/applications/domains/<domain>")
@protected("read:applications", environment=optional_environment)
def domain_availability(domain: str):
    """``{"available": bool}`` across the whole sandbox; 400 with the reason for a bad name."""
    if problem := validate_domain(domain):
        raise PlatformError(400, problem)
    return jsonify(available=store.find_live(domain) is None)


def _auto_start(value: str | None) -> bool:
    if value is None or not value.strip():
        return True
    if value.strip().lower() not in ("true", "false"):
        raise PlatformError(400, f"autoStart must be true or false, not {value[:40]!r}.")
    return value.strip().lower() == "true"
