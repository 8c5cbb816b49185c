"""Deploy to CloudHub on the user's behalf: ``deploy.index`` (environment, its applications, the
deploy form), ``deploy.create``, ``deploy.applications_json``, ``deploy.availability``; the pages
of one application are in ``deploy.application``, on the same blueprint.

Uploads are capped (``DEPLOY_MAX_UPLOAD_MB``, a 413 page) before anything reads the request,
and passed through to CloudHub as they arrive (``streaming``): the fields come first, the CSRF
token and every field are checked before anything is sent, then the file part goes on a chunk
at a time. Every failure re-renders the form with the user's input and the message next to its
field; a missing scope or right shows a panel.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..anypoint import deadlines
from ..anypoint.catalogue import name_problem
from ..anypoint.cloudhub import app_info
from ..anypoint.errors import MissingScope, PlatformError, PlatformUnavailable
from ..anypoint.multipart import UploadInterrupted
from ..web import csrf
from ..web.errors import wants_json
from .form import validate
from .page import error_field, page_context, when_iso
from .streaming import incoming_form, jar_of, page_budget, read_fields
from .support import (
    MEGABYTE,
    delegation,
    is_anypoint,
    max_upload_bytes,
    operation_refusal,
    unavailable,
    upload_budget,
)

bp = Blueprint("deploy", __name__, url_prefix="/deploy")
FIELDS = ("environment", "name", "runtime", "worker_size", "workers", "region", "properties")
UNAVAILABLE = "Anypoint could not be reached, so nothing was deployed. Try again in a minute."


@bp.url_value_preprocessor
def _cap_uploads(_endpoint, _values) -> None:
    # URL value preprocessors run before every before_request function, so the cap is in
    # place before the app's CSRF check parses (and spools) the multipart form.
    if request.method == "POST":
        request.max_content_length = max_upload_bytes()


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    limit_mb = max_upload_bytes() // MEGABYTE
    if wants_json():
        return jsonify(error="too_large", error_description=(
            f"This app accepts uploads of up to {limit_mb} MB; nothing was deployed.")), 413
    return render_template("deploy/too_large.html", limit_mb=limit_mb), 413


@bp.get("")
def index():
    """The environment picker (``?environment=<id>``), its applications and the deploy form."""
    if not is_anypoint():
        return render_template("deploy/not_anypoint.html")
    return render_template("deploy/index.html",
                           **page_context(delegation(), request.args.get("environment")))


@bp.post("")
@csrf.checked_in_view
def create():
    """Deploy from the form: 303 to the application's page, or the form again with a 4xx
    (400 invalid field, JAR or form, 403 missing scope or right, 409 name taken) or 503
    (Anypoint unreachable), the input kept except the file. The body is read as it arrives:
    nothing is sent to Anypoint before the CSRF token and every field have been checked."""
    with incoming_form() as form:
        fields = read_fields(form, ("environment", "name"))  # always sent, before the file
        csrf.check(fields.get("csrf_token"))
        if not is_anypoint():
            return render_template("deploy/not_anypoint.html"), 400
        with page_budget():  # the time the browser took to send the fields was not Anypoint's
            return _deploy(fields, form)


def _deploy(fields: dict[str, str], form):
    user = delegation()
    values = {key: fields.get(key, "") for key in FIELDS}
    page = page_context(user, values["environment"], values)
    if "deploy_refusal" in page:
        return render_template("deploy/index.html", **page), 403
    jar = jar_of(form)
    deploy, errors = validate(fields, environments=[e.id for e in page["environments"]],
                              runtimes=[v.version for v in page["runtimes"]],
                              filename=form.file.filename if form.file else None)
    if deploy is not None and (jar is None or jar.size == 0):
        errors = {"file": "The file is empty."}
    if errors:
        if page["unavailable"]:
            errors["form"] = UNAVAILABLE
        return _form_again(page, errors, 503 if page["unavailable"] else 400)
    info = app_info(deploy.name, deploy.runtime, deploy.worker_size, deploy.workers,
                    deploy.region, deploy.properties)
    try:
        with deadlines.replaced(upload_budget()):
            user.cloudhub(deploy.environment).deploy(info, jar)
    except UploadInterrupted as error:
        return _form_again(page, {"form": error.message}, error.status)
    except MissingScope as error:
        page["deploy_refusal"] = operation_refusal(
            user.tokens, "deploy", error, url_for("deploy.index", environment=deploy.environment))
        return render_template("deploy/index.html", **page), 403
    except PlatformUnavailable as error:
        message, status = unavailable(error, "deployed")
        return _form_again(page, {"form": message}, status)
    except PlatformError as error:
        if error.status is None or not 400 <= error.status < 500:
            raise
        return _form_again(page, {error_field(error): error.message}, error.status)
    session["deploy_notice"] = (f"{deploy.name} was uploaded and CloudHub is deploying it. This "
                                "page follows its status.")
    return redirect(url_for("deploy.show", env_id=deploy.environment, name=deploy.name), 303)


def _form_again(page: dict, errors: dict, status: int):
    return render_template("deploy/index.html", **{**page, "errors": errors}), status


@bp.get("/available.json")
def availability():
    """``{name, available, message}`` for ``?environment=&name=``: the form's live name check.
    ``available`` is null when it could not be checked (no scope, Anypoint unreachable)."""
    name = (request.args.get("name") or "").strip()
    answer = {"name": name, "available": False, "message": name_problem(name)}
    if answer["message"] is not None:
        return jsonify(answer)
    try:
        cloudhub = delegation().cloudhub(request.args.get("environment") or None)
        free = cloudhub.domain_available(name)
        answer.update(available=free, message=None if free else
                      f"{name} is taken: CloudHub application names are unique worldwide.")
    except MissingScope as error:
        answer.update(available=None, message=f"Not checked: {error.message}")
    except PlatformUnavailable:
        answer.update(available=None, message="Not checked: Anypoint did not answer.")
    except PlatformError as error:
        if error.status != 400:
            raise
        answer["message"] = error.message
    return jsonify(answer)


@bp.get("/<env_id>/applications.json")
def applications_json(env_id: str):
    """``{applications: [{domain, status, updated, transitional, failed, url}], transitional}``"""
    apps = delegation().cloudhub(env_id).applications()
    rows = [{"domain": app.domain, "status": app.status, "update_status": app.update_status,
             "updated": when_iso(app.last_update), "transitional": app.transitional,
             "failed": app.failed, "url": url_for("deploy.show", env_id=env_id, name=app.domain)}
            for app in apps]
    return jsonify(applications=rows, transitional=any(app.transitional for app in apps))

