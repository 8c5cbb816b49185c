"""Access Management › Authorization policy: Unrestricted or Restricted, auto-approval of the
organization's own apps, and the allowlist of approved apps with their approved scopes."""

from flask import Blueprint, flash, g, redirect, request, url_for
from sqlalchemy import select

from ..access_management import governance
from ..access_management.connected_apps import AppRuleError
from ..access_management.scopes import describe
from ..storage import ConnectedApp, session
from ..web.security import secure
from .apps import admin_only
from .front import render, signed_in

bp = Blueprint("console_policy", __name__,
               url_prefix="/console/access-management/authorization-policy")
secure(bp)


@bp.get("/")
@signed_in
@admin_only
def show():
    org = g.user.organization
    entries = governance.allowlist(org)
    listed = {entry.client_id for entry in entries}
    apps = {app.client_id: app for app in session().scalars(
        select(ConnectedApp).where(ConnectedApp.app_type == "user").order_by(ConnectedApp.name))}
    return render("console/policy.html", policy=governance.policy_of(org), entries=entries,
                  apps=apps, candidates=[app for cid, app in apps.items() if cid not in listed],
                  describe=describe)


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("console_policy.show"))


def _failed(message: str):
    flash(message, "error")
    return redirect(url_for("console_policy.show"))


@bp.post("/settings")
@signed_in
@admin_only
def save_settings():
    """Unrestricted / Restricted, auto-approve internal apps, import existing authorizations."""
    mode = request.form.get("policy")
    if mode not in ("unrestricted", "restricted"):
        return _failed("Choose Unrestricted or Restricted.")
    body = {"allowlist_enabled": mode == "restricted",
            "allowlist_internal_applications": request.form.get("internal") == "yes",
            "import_existing_authorizations": request.form.get("import") == "yes"}
    governance.update_settings(g.user.organization, g.user, body)
    return _done("The authorization policy was saved. It applies from the next sign-in; "
                 "access users already granted keeps working.")


@bp.post("/allowlist")
@signed_in
@admin_only
def add_entry():
    """Approve an app for every scope it is registered for (narrow them afterwards)."""
    client_id = request.form.get("client_id", "")
    try:
        governance.change_allowlist(g.user.organization, g.user, [{"client_id": client_id}],
                                    mode="add")
    except AppRuleError as error:
        return _failed(str(error))
    return _done("The app was approved for every scope it is registered for.")


@bp.post("/allowlist/<client_id>")
@signed_in
@admin_only
def save_entry(client_id: str):
    """Set the approved scopes of an allowlisted app, or remove it (``action=remove``)."""
    remove = request.form.get("action") == "remove"
    scopes = request.form.getlist("scope")
    if not remove and not scopes:
        return _failed("Approve at least one scope, or remove the app from the allowlist.")
    entry = [{"client_id": client_id, "authorized_scopes": scopes}]
    try:
        governance.change_allowlist(g.user.organization, g.user, entry,
                                    mode="remove" if remove else "add")
    except AppRuleError as error:
        return _failed(str(error))
    return _done("The app was removed from the allowlist." if remove else
                 "The approved scopes were saved. Scopes added later need approval again.")
