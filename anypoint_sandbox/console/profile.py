"""Profile: the connected apps this person authorized (scopes, last used, Revoke) and Change
password — which leaves delegated access alone, since granting it never shared the password."""

from flask import Blueprint, flash, g, redirect, request, url_for
from werkzeug.security import check_password_hash

from ..access_management import audit, revocation
from ..access_management.scopes import describe
from ..storage import session
from ..web.security import secure
from ..web.session import hash_password
from .front import render, signed_in

bp = Blueprint("console_profile", __name__, url_prefix="/console/profile")
secure(bp)
MIN_PASSWORD = 8


@bp.get("/connected-apps")
@signed_in
def connected_apps():
    """Every app this user authorized, with its scopes in plain words and when last used."""
    return render("console/profile_apps.html",
                  authorizations=revocation.authorizations(user_id=g.user.id), describe=describe)


@bp.post("/connected-apps/<authorization_id>/revoke")
@signed_in
def revoke(authorization_id: str):
    """Revoke one app's access to this account; posted without ``confirm=yes``, the page that
    says what will happen first."""
    item = revocation.find_authorization(authorization_id)
    if item is None or item.user_id != g.user.id:
        flash("That app no longer has access.", "info")
    elif request.form.get("confirm") != "yes":
        name = item.client.name
        return render("console/confirm_revoke.html", title=f"Revoke {name}'s access?",
                      button=f"Revoke {name}", cancel=url_for("console_profile.connected_apps"),
                      action=url_for("console_profile.revoke", authorization_id=item.id),
                      steps=[f"Every access and refresh token {name} holds for your account "
                             "stops working at once: it can no longer act for you.",
                             f"If you sign in to {name} again, it asks for your consent again.",
                             "Your own Anypoint session and your password stay as they are."])
    else:
        name = item.client.name
        revocation.revoke_authorization(item, g.user)
        flash(f"{name} no longer has access to your account. Its tokens stopped working; it "
              "will ask for your consent again if you sign in to it.", "success")
    return redirect(url_for("console_profile.connected_apps"))


def _password_problem(current: str, new: str, again: str) -> str | None:
    if not check_password_hash(g.user.password_hash, current):
        return "Your current password is not correct."
    if len(new) < MIN_PASSWORD:
        return f"Choose a new password of at least {MIN_PASSWORD} characters."
    if new != again:
        return "The new password and its confirmation differ. Type them again."
    if new == current:
        return "The new password is the same as the current one."
    return None


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def password():
    """Change password (current, new, confirmation); apps keep the access they were given."""
    if request.method == "POST":
        form = request.form
        problem = _password_problem(form.get("current", ""), form.get("new", ""),
                                    form.get("confirm", ""))
        if problem:
            return render("console/password.html", 400, error=problem)
        g.user.password_hash = hash_password(form["new"])
        session().commit()
        audit.record("Change Password", "User", object_id=g.user.id,
                     object_name=g.user.username, user=g.user,
                     payload={"clientIP": request.remote_addr})
        flash("Your password was changed. Apps you authorized keep their access: granting "
              "access never shared your password. Revoke an app below to end its access.",
              "success")
        return redirect(url_for("console_profile.connected_apps"))
    return render("console/password.html")
