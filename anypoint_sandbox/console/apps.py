"""Access Management › Connected Apps: the root organization's administrators list, create,
edit, rotate the secret of and delete the apps it owns, and see and revoke their users'
authorizations. A business group's people are told apps are managed at the root organization.
"""

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from ..access_management import connected_apps, revocation
from ..access_management.connected_apps import AppRuleError
from ..access_management.governance import root_of
from ..access_management.permissions import administers
from ..storage import ConnectedApp, session
from ..web.security import secure
from . import forms as console_forms
from .front import render, signed_in

bp = Blueprint("console_apps", __name__,
               url_prefix="/console/access-management/connected-apps")
secure(bp)


def admin_only(view):
    """Decorator after ``signed_in``: only administrators of a root organization get through;
    others see why (403)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        org = g.user.organization
        if org.parent_id is not None:
            return render("console/notice.html", 403, title="Connected Apps",
                          heading="Connected apps are managed at the root organization",
                          message=f"{org.name} is a business group of {root_of(org).name}. "
                                  f"Connected apps, their authorizations and the authorization "
                                  f"policy are managed by the administrators of "
                                  f"{root_of(org).name}.")
        if not administers(g.user, org):
            return render("console/notice.html", 403, title="Connected Apps",
                          heading="Only organization administrators manage connected apps",
                          message=f"Ask an administrator of {org.name} to make this change. "
                                  "You can see and revoke the apps you authorized under "
                                  "Profile › Connected apps.")
        return view(*args, **kwargs)

    return wrapper


def _app(client_id: str) -> ConnectedApp:
    app = session().get(ConnectedApp, client_id)
    if app is None or app.owner_org_id != g.user.organization_id:
        abort(404, "There is no connected app with that client ID in your organization.")
    return app


@bp.get("/")
@signed_in
@admin_only
def index():
    """The apps the organization owns, with how many users authorized each."""
    apps = connected_apps.owned_apps(g.user.organization)
    counts = {app.client_id: len(revocation.authorizations(client_id=app.client_id))
              for app in apps}
    return render("console/apps.html", apps=apps, counts=counts,
                  limit=console_forms.app_limit())


@bp.route("/new", methods=["GET", "POST"])
@signed_in
@admin_only
def create():
    """Create an app that acts on behalf of a user (``kind=user``) or on its own behalf
    (``kind=client``); a bad field re-shows the form with the reason (400)."""
    kind = request.values.get("kind", "user")
    if kind not in ("user", "client"):
        kind = "user"
    form = console_forms.AppForm.from_request(kind) if request.method == "POST" else (
        console_forms.AppForm.blank(kind))
    if request.method == "POST":
        try:
            app = console_forms.save_new(form, g.user)
        except AppRuleError as error:
            return _form_page(form, None, str(error), 400)
        flash(f"{app.name} was created. Copy its client secret from this page.", "success")
        return redirect(url_for("console_apps.show", client_id=app.client_id))
    return _form_page(form, None)


def _form_page(form, app, error=None, status=200):
    return render("console/app_form.html", status, form=form, app=app, error=error,
                  choices=console_forms.choices(g.user.organization))


@bp.get("/<client_id>")
@signed_in
@admin_only
def show(client_id: str):
    app = _app(client_id)
    return render("console/app.html", app=app,
                  scopes=console_forms.described_scopes(app),
                  authorizations=revocation.authorizations(client_id=app.client_id))


@bp.route("/<client_id>/edit", methods=["GET", "POST"])
@signed_in
@admin_only
def edit(client_id: str):
    app = _app(client_id)
    if request.method == "POST":
        form = console_forms.AppForm.from_request(app.app_type)
        try:
            console_forms.save_edit(form, app, g.user)
        except AppRuleError as error:
            return _form_page(form, app, str(error), 400)
        flash(f"{app.name} was saved.", "success")
        return redirect(url_for("console_apps.show", client_id=app.client_id))
    return _form_page(console_forms.AppForm.of(app), app)


@bp.post("/<client_id>/rotate-secret")
@signed_in
@admin_only
def rotate_secret(client_id: str):
    app = connected_apps.rotate_secret(_app(client_id), g.user)
    flash(f"{app.name} has a new client secret. The old secret stopped working; tokens "
          "already issued keep working.", "success")
    return redirect(url_for("console_apps.show", client_id=app.client_id))


@bp.post("/<client_id>/delete")
@signed_in
@admin_only
def delete(client_id: str):
    app = _app(client_id)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm you want to delete this app.", "error")
        return redirect(url_for("console_apps.show", client_id=app.client_id))
    name = app.name
    connected_apps.delete(app, g.user)
    flash(f"{name} was deleted. Every token it held stopped working.", "success")
    return redirect(url_for("console_apps.index"))


@bp.get("/<client_id>/authorizations")
@signed_in
@admin_only
def authorizations(client_id: str):
    """Who authorized the app, with which scopes, and when it last used their access."""
    app = _app(client_id)
    return render("console/authorizations.html", app=app,
                  authorizations=revocation.authorizations(client_id=app.client_id))


@bp.post("/<client_id>/authorizations/<authorization_id>/revoke")
@signed_in
@admin_only
def revoke_authorization(client_id: str, authorization_id: str):
    app = _app(client_id)
    item = revocation.find_authorization(authorization_id)
    back = url_for("console_apps.authorizations", client_id=app.client_id)
    if item is None or item.client_id != app.client_id:
        flash("That authorization was already revoked.", "info")
    elif request.form.get("confirm") != "yes":
        who = item.user.username
        return render("console/confirm_revoke.html", title=f"Revoke {who}'s authorization?",
                      button=f"Revoke {who}'s authorization", cancel=back,
                      action=url_for("console_apps.revoke_authorization",
                                     client_id=app.client_id, authorization_id=item.id),
                      steps=[f"Every access and refresh token {app.name} holds for {who} stops "
                             "working at once.",
                             f"{who}'s next sign-in to {app.name} asks for consent again.",
                             "Other users' access and the app itself stay as they are."])
    else:
        name = item.user.username
        revocation.revoke_authorization(item, g.user)
        flash(f"{name}'s authorization of {app.name} was revoked; its tokens stopped "
              "working.", "success")
    return redirect(url_for("console_apps.authorizations", client_id=app.client_id))


@bp.post("/<client_id>/revoke-all")
@signed_in
@admin_only
def revoke_all(client_id: str):
    """Revoke the app for everyone: every token dies and every user is asked again. Posted
    without ``confirm=yes``: the page that says what will happen (and to how many) first."""
    app = _app(client_id)
    if request.form.get("confirm") != "yes":
        count = len(revocation.authorizations(client_id=app.client_id))
        return render("console/confirm_revoke.html", title=f"Revoke {app.name} for everyone?",
                      button=f"Revoke {app.name} for everyone",
                      cancel=url_for("console_apps.authorizations", client_id=app.client_id),
                      action=url_for("console_apps.revoke_all", client_id=app.client_id),
                      steps=[f"Every access and refresh token of {app.name} stops working, for "
                             f"every user: {count} authorization(s) now.",
                             "Every consent is removed: each user's next sign-in asks again.",
                             f"{app.name} itself, its settings and its secret stay."])
    users = revocation.revoke_app(app, g.user)
    flash(f"{app.name} was revoked for everyone: {users} authorization(s) removed and every "
          "access and refresh token stopped working. Users are asked for consent again on "
          "their next sign-in.", "success")
    return redirect(url_for("console_apps.authorizations", client_id=app.client_id))
