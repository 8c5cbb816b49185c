"""The pages of one CloudHub application, on ``deploy.bp``: ``deploy.show``,
``deploy.status_json``, and the POST actions ``deploy.start``, ``deploy.stop``,
``deploy.redeploy``, ``deploy.delete`` (after the ``deploy.confirm_delete`` step).

An action answers 303 back to the application's page; when it cannot be done the page is shown
again with the reason (403 missing scope or right, 400 bad JAR, 503 Anypoint unreachable).
Redeploy passes the new JAR through as it arrives (``streaming``), after the CSRF check.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import jsonify, redirect, render_template, request, session, url_for

from ..anypoint import deadlines
from ..anypoint.cloudhub import CloudHub
from ..anypoint.errors import MissingScope, NotFound, PlatformError, PlatformUnavailable
from ..anypoint.multipart import UploadInterrupted
from ..web import csrf
from .page import when_iso
from .rights import rights_of
from .streaming import incoming_form, jar_of, page_budget, read_fields
from .support import (
    Delegation,
    delegation,
    environment_name,
    max_file_bytes,
    no_such_application,
    operation_refusal,
    right_refusal,
    unavailable,
    upload_budget,
)
from .views import bp


def _application(cloudhub: CloudHub, env_id: str, name: str):
    """The application, or Problem(404) when the environment has none of that name."""
    try:
        return cloudhub.application(name)
    except NotFound:
        raise no_such_application(env_id, name) from None


def _page(user: Delegation, env_id: str, name: str, status: int = 200, **extra):
    """deploy/show.html for the application; a read refusal becomes the panel, not an error."""
    here = url_for("deploy.show", env_id=env_id, name=name)
    app = refused = None
    try:
        app = _application(user.cloudhub(env_id), env_id, name)
    except MissingScope as error:
        refused = operation_refusal(user.tokens, "read", error, here)
        status = 403
    env_name = environment_name(user, env_id)
    body = render_template("deploy/show.html", app=app, env_id=env_id, name=name,
                           env_name=env_name, read_refusal=refused, **_mays(user, env_id),
                           notice=session.pop("deploy_notice", None),
                           max_file_bytes=max_file_bytes(), **extra)
    return body, status


def _mays(user: Delegation, env_id: str) -> dict:
    """``may``: {operation: scope granted}; ``off``: {operation: the right panel when the
    platform says the user does not hold the right in this environment} (then switched off)."""
    rights = rights_of(user)
    env_name = environment_name(user, env_id)
    return {"may": {op: user.may(op) for op in ("manage", "delete")},
            "off": {op: right_refusal(user, op, env_name) for op in ("manage", "delete")
                    if rights.may(op, env_id) is False}}


@bp.get("/<env_id>/<name>")
def show(env_id: str, name: str):
    """The application's status (followed live while it changes), details and actions."""
    return _page(delegation(), env_id, name)


@bp.get("/<env_id>/<name>/status.json")
def status_json(env_id: str, name: str):
    """``{status, updated, update_status, reason, transitional, failed, details: {runtime,
    workers, region, jar}}`` (the details as the page shows them); 404 when gone."""
    app = _application(delegation().cloudhub(env_id), env_id, name)
    details = {"runtime": app.mule_version or "—", "region": app.region or "—",
               "workers": f"{app.workers or '—'} × {app.worker_type or '—'}",
               "jar": app.file_name or "—"}
    return jsonify(status=app.status, updated=when_iso(app.last_update),
                   update_status=app.update_status, reason=app.failure_reason,
                   transitional=app.transitional, failed=app.failed, details=details)


def _act(env_id: str, name: str, operation: str, action: Callable[[CloudHub], None],
         notice: str, done: str | None = None, upload: bool = False):
    """Run ``action`` if the grant allows ``operation``; 303 to ``done`` (the app's page).
    An ``upload``'s errors are shown next to the redeploy form, with a fresh page budget."""
    user = delegation()
    here = url_for("deploy.show", env_id=env_id, name=name)
    field = "redeploy_error" if upload else "action_error"
    if not user.may(operation):
        return _page(user, env_id, name, 403,
                     refusal=operation_refusal(user.tokens, operation, next_path=here))
    if rights_of(user).may(operation, env_id) is False:  # the platform said so: never tried
        return _page(user, env_id, name, 403, refusal=right_refusal(
            user, operation, environment_name(user, env_id)))
    try:
        action(user.cloudhub(env_id))
    except UploadInterrupted as error:
        with page_budget():
            return _page(user, env_id, name, error.status, redeploy_error=error.message)
    except MissingScope as error:
        with page_budget():
            return _page(user, env_id, name, 403,
                         refusal=operation_refusal(user.tokens, operation, error, here))
    except PlatformUnavailable as error:
        message, status = unavailable(error, "changed")
        with page_budget():
            return _page(user, env_id, name, status, **{field: message})
    except NotFound:
        raise no_such_application(env_id, name) from None
    except PlatformError as error:
        if error.status is None or not 400 <= error.status < 500:
            raise
        with page_budget():
            return _page(user, env_id, name, error.status, **{field: error.message})
    session["deploy_notice"] = notice
    return redirect(done or here, 303)


@bp.post("/<env_id>/<name>/start")
def start(env_id: str, name: str):
    return _act(env_id, name, "manage", lambda ch: ch.set_status(name, "START"),
                f"Starting {name}: CloudHub is deploying it.")


@bp.post("/<env_id>/<name>/stop")
def stop(env_id: str, name: str):
    return _act(env_id, name, "manage", lambda ch: ch.set_status(name, "STOP"),
                f"Stopping {name}.")


@bp.post("/<env_id>/<name>/redeploy")
@csrf.checked_in_view
def redeploy(env_id: str, name: str):
    """Replace the JAR (its settings stay); 400 with the message when no file was chosen or it
    is not a JAR. The JAR is passed through as it arrives, after the CSRF check."""
    with incoming_form() as form:
        csrf.check(read_fields(form, ()).get("csrf_token"))
        jar = jar_of(form)
        with page_budget():  # the time the browser took to send the fields was not Anypoint's
            if problem := _redeploy_problem(jar):
                return _page(delegation(), env_id, name, 400, redeploy_error=problem)

            def upload(cloudhub: CloudHub) -> None:
                with deadlines.replaced(upload_budget()):
                    cloudhub.redeploy(name, jar)

            return _act(env_id, name, "manage", upload,
                        f"Redeploying {name} with {jar.filename}.", upload=True)


def _redeploy_problem(jar) -> str | None:
    if jar is None:
        return "Choose the new JAR file to deploy."
    if not jar.filename.lower().endswith(".jar"):
        return "Choose a Mule application JAR (a file ending in .jar)."
    if jar.size == 0:
        return "The file is empty."
    return None


@bp.get("/<env_id>/<name>/delete")
def confirm_delete(env_id: str, name: str):
    """The confirmation step before deleting (a page with a POST form, not a script prompt)."""
    user = delegation()
    app = _application(user.cloudhub(env_id), env_id, name)
    return render_template("deploy/confirm_delete.html", app=app, env_id=env_id,
                           env_name=environment_name(user, env_id), **_mays(user, env_id))


@bp.post("/<env_id>/<name>/delete")
def delete(env_id: str, name: str):
    """Delete after confirmation (``confirm`` = the name), else 303 to the confirmation step."""
    if request.form.get("confirm") != name:
        return redirect(url_for("deploy.confirm_delete", env_id=env_id, name=name), 303)
    return _act(env_id, name, "delete", lambda ch: ch.delete(name),
                f"{name} was deleted.", url_for("deploy.index", environment=env_id))

