"""The CloudHub 1.0 API subset at Anypoint's paths (reference §5.1), in Anypoint's shapes.

Every body is JSON (204 and 304 have none); every error is ``{"message": …}``: 400 bad input
(header, appInfoJson, artifact), 401 no valid token, 403 missing scope or right (named), 404
unknown environment or application, 409 name taken, 413 request over MAX_CONTENT_LENGTH.
Choices where Anypoint is silent: ``autoStart`` defaults to true (as Runtime Manager deploys);
START/STOP that changes nothing answers 304 without a body (mule-maven-plugin accepts 304); a PUT
always redeploys; an application that failed to deploy says why in ``deploymentFailureReason``.
"""

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..api.auth import current_token, protected
from ..storage import session
from ..web.errors import PlatformError, platform_error_response
from . import context, lifecycle, store
from .appinfo import InvalidAppInfo, parse_app_info
from .archive import ArtifactRejected, size_in_words
from .context import current_environment, optional_environment, required_environment
from .deploying import apply_settings, new_application, replace_artifact
from .domains import validate_domain
from .runtime import MULE_RUNTIMES
from .uploads import close_spooled, discard, multipart_form

bp = Blueprint("cloudhub", __name__, url_prefix="/cloudhub/api")
bp.teardown_request(close_spooled)


@bp.errorhandler(ArtifactRejected)
@bp.errorhandler(InvalidAppInfo)
def bad_input(error: ValueError):
    return platform_error_response(400, str(error))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit = size_in_words(current_app.config["SANDBOX_MAX_UPLOAD_MB"] * 1024 * 1024)
    return platform_error_response(413, f"The upload is larger than the {limit} limit.")


def _deploy_seconds() -> float:
    return current_app.config["SANDBOX_DEPLOY_SECONDS"]


def _shown(app: store.Application) -> dict:
    return store.as_json(app, context.clock(), _deploy_seconds())


def _live(domain: str) -> store.Application:
    """The environment's application called `domain`, not deleted; PlatformError 404 otherwise."""
    found = store.find_shown(domain, current_environment().id, context.clock(), _deploy_seconds())
    if found is None or found.action == lifecycle.Action.DELETE:
        raise PlatformError(404, f"Application {domain} not found in environment "
                                 f"'{current_environment().name}'.")
    return found


def _multipart():
    """(form, files) of a multipart request; PlatformError 400 for any other body."""
    if request.mimetype != "multipart/form-data":
        raise PlatformError(400, "Send the application as multipart/form-data with the parts "
                                 "file and appInfoJson.")
    return multipart_form()


@bp.get("/v2/applications")
@protected("read:applications", environment=required_environment)
def list_applications():
    """The environment's applications, a bare JSON array."""
    now, seconds = context.clock(), _deploy_seconds()
    shown = store.list_shown(current_environment().id, now, seconds)
    return jsonify([store.as_json(app, now, seconds) for app in shown])


@bp.get("/v2/applications/<domain>")
@protected("read:applications", environment=required_environment)
def get_application(domain: str):
    """One application (a deleted one shows DELETED for a moment); 404 when absent."""
    found = store.find_shown(domain, current_environment().id, context.clock(), _deploy_seconds())
    if found is None:
        raise PlatformError(404, f"Application {domain} not found in environment "
                                 f"'{current_environment().name}'.")
    return jsonify(_shown(found))


@bp.post("/v2/applications")
@protected("create:applications", environment=required_environment)
def create_application():
    """Deploy a new application from parts ``file``, ``appInfoJson`` and optional ``autoStart``;
    200 and the application. 400 bad input, 409 name taken (in any environment)."""
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
    context.record("Create", app, {"fileName": app.file_name, "muleVersion": app.mule_version,
                                   "workers": app.workers, "workerType": app.worker_type,
                                   "region": app.region, "autoStart": auto_start})
    return jsonify(_shown(app))


@bp.put("/v2/applications/<domain>")
@protected("manage:application_settings", environment=required_environment)
def redeploy_application(domain: str):
    """Redeploy with a new ``file`` and/or changed ``appInfoJson`` fields (absent ones are kept);
    200 and the application. 404 unknown application, 400 bad input."""
    app = _live(domain)
    form, files = _multipart()
    info = parse_app_info(form.get("appInfoJson"))
    if info.domain not in (None, domain):
        raise PlatformError(400, f"appInfoJson names the application {info.domain}, but the "
                                 f"address names {domain}; an application cannot be renamed.")
    part = files.get("file")
    now = context.clock()
    if part is not None and (part.filename or part.content_length):
        replace_artifact(app, info, part, now, _deploy_seconds(), current_token())
    else:
        apply_settings(app, info, now, _deploy_seconds(), current_token())
    context.record("Redeploy", app, {"fileName": app.file_name, "muleVersion": app.mule_version,
                                     "workers": app.workers, "workerType": app.worker_type,
                                     "region": app.region})
    return jsonify(_shown(app))


@bp.delete("/v2/applications/<domain>")
@protected("delete:applications", environment=required_environment)
def delete_application(domain: str):
    """204; the application shows DELETED for a moment, its file is removed, its name is free."""
    app = _live(domain)
    path, app.file_path = app.file_path, None
    app.deployment = lifecycle.delete(app.deployment, context.clock())
    session().commit()
    discard(path)
    context.record("Delete", app)
    return "", 204


@bp.post("/applications/<domain>/status")
@protected("manage:application_settings", environment=required_environment)
def change_status(domain: str):
    """``{"status": "START" | "STOP"}``: 200 and the application, or 304 when nothing changes."""
    body = request.get_json(silent=True)
    wanted = body.get("status") if isinstance(body, dict) else None
    if not isinstance(wanted, str) or wanted.upper() not in ("START", "STOP"):
        raise PlatformError(400, 'Send {"status": "START"} or {"status": "STOP"} as JSON.')
    app, now, seconds = _live(domain), context.clock(), _deploy_seconds()
    move = lifecycle.start if wanted.upper() == "START" else lifecycle.stop
    before = app.deployment
    after = move(before, now, seconds)
    if after == before:
        return "", 304
    app.deployment = after
    session().commit()
    context.record("Start" if move is lifecycle.start else "Stop", app)
    return jsonify(_shown(app))


@bp.get("/applications/domains/<domain>")
@protected("read:applications", environment=optional_environment)
def domain_availability(domain: str):
    """``{"available": bool}`` across the whole sandbox; 400 with the reason for a bad name."""
    if problem := validate_domain(domain):
        raise PlatformError(400, problem)
    return jsonify(available=store.find_live(domain) is None)


@bp.get("/mule-versions")
@protected("read:applications", environment=optional_environment)
def mule_versions():
    """``{data, total}``, newest first, filtered by ``releaseChannel``, ``javaVersion`` and
    ``recommended`` when given."""
    channel, java = request.args.get("releaseChannel"), request.args.get("javaVersion")
    recommended = request.args.get("recommended")
    data = [runtime.as_json() for runtime in MULE_RUNTIMES
            if (channel is None or runtime.release_channel == channel.upper())
            and (java is None or runtime.java_version == java)
            and (recommended is None or str(runtime.recommended).lower() == recommended.lower())]
    return jsonify(data=data, total=len(data))


def _auto_start(value: str | None) -> bool:
    if value is None or not value.strip():
        return True
    if value.strip().lower() not in ("true", "false"):
        raise PlatformError(400, f"autoStart must be true or false, not {value!r}.")
    return value.strip().lower() == "true"
