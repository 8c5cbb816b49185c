"""The authorization request between /authorize and the redirect back to the app.

``begin`` keeps the validated request server-side under an opaque id and sends the user on to
sign-in, consent, or straight back to the app when consent is already on record. ``finish``
rebuilds the request from storage, re-validates it with Authlib and answers the app (code, or
``access_denied``), always with ``iss`` (RFC 9207).
"""

import secrets

from authlib.oauth2 import OAuth2Error
from flask import redirect, request, session, url_for

from ..access_management import audit, governance
from ..storage import ConnectedApp, Consent, PendingAuthorization, User, now
from ..storage import session as db_session
from ..web.errors import error_page
from ..web.session import signed_in_user
from .server import ParamsOAuth2Request, authorization_server

PENDING_LIFETIME = 600
#: How many answered requests a browser remembers (for its Back button), newest last.
ANSWERED_KEPT = 5



def error_response(error):
    """An authorization error: back to the app (with ``iss``) when its redirect URI is known and
    valid, otherwise an error page (400) — never a redirect to an unchecked URI."""
    server = authorization_server()
    if error.redirect_uri:
        response = server.handle_error_response(None, error)
        server.execute_hook("after_create_authorization_response", response)
        return response
    return error_page("This sign-in link is not valid", error.get_error_description()
                      or error.error, 400)


def prompts(pending: PendingAuthorization) -> set[str]:
    return set(pending.params.get("prompt", "").split())


def requested_scopes(pending: PendingAuthorization) -> list[str]:
    return list(dict.fromkeys(pending.params.get("scope", "").split()))


def begin(grant):
    """Store the validated request and continue with the next step of the interaction."""
    params = dict(grant.request.payload.data)
    params["scope"] = grant.request.scope or params.get("scope", "")
    pending = PendingAuthorization(
        id=secrets.token_urlsafe(32), params=params,
        login_required="login" in set(params.get("prompt", "").split()),
        expires_at=now() + PENDING_LIFETIME)
    db_session().add(pending)
    db_session().commit()
    return advance(pending)


def advance(pending: PendingAuthorization):
    """Send the user to sign-in; to the explanation page when the organization's policy does
    not allow the app (or these scopes); to consent; or finish when consent is remembered."""
    user = signed_in_user()
    if user is None or pending.login_required:
        if "none" in prompts(pending):
            return finish_with_error(pending, "login_required")
        return redirect(url_for("interaction.login", pending_id=pending.id))
    app = db_session().get(ConnectedApp, pending.params.get("client_id"))
    if governance.denial_reason(user, app, requested_scopes(pending)):
        if "none" in prompts(pending):
            return finish_with_error(pending, "access_denied")
        return redirect(url_for("interaction.restricted", pending_id=pending.id))
    if "consent" not in prompts(pending) and has_consent(user, pending):
        return finish(pending, user, approved=True)
    if "none" in prompts(pending):
        return finish_with_error(pending, "consent_required")
    return redirect(url_for("interaction.consent", pending_id=pending.id))


def has_consent(user: User, pending: PendingAuthorization) -> bool:
    consent = _consent(user.id, pending.params.get("client_id"))
    return consent is not None and set(requested_scopes(pending)) <= set(consent.scope.split())


def earlier_consent(user: User, pending: PendingAuthorization) -> Consent | None:
    """What ``user`` already granted the requesting app (None: nothing yet)."""
    return _consent(user.id, pending.params.get("client_id"))


def remember_answered(pending: PendingAuthorization) -> None:
    """Note in this browser's session that it answered ``pending`` (its id is spent), so the
    Back button finds a page that leads back to the app, not an error."""
    answered = dict(session.get("answered") or {})
    answered.pop(pending.id, None)
    answered[pending.id] = [pending.params.get("client_id"), pending.params.get("redirect_uri")]
    session["answered"] = dict(list(answered.items())[-ANSWERED_KEPT:])


def answered_in_this_browser(pending_id: str) -> tuple[str, str | None] | None:
    """``(client id, redirect URI)`` of a request this browser already answered, else None."""
    answered = (session.get("answered") or {}).get(pending_id)
    return (answered[0], answered[1]) if answered else None


def remember_consent(user: User, pending: PendingAuthorization) -> None:
    consent = _consent(user.id, pending.params["client_id"])
    if consent is None:
        consent = Consent(user_id=user.id, client_id=pending.params["client_id"], scope="")
        db_session().add(consent)
    scopes = dict.fromkeys(consent.scope.split() + requested_scopes(pending))
    consent.scope = " ".join(scopes)
    consent.updated_at = now()
    db_session().commit()


def _consent(user_id: str, client_id: str | None) -> Consent | None:
    return db_session().query(Consent).filter_by(user_id=user_id, client_id=client_id).first()


def find_pending(pending_id: str) -> PendingAuthorization | None:
    """The pending request, or None when unknown or expired."""
    pending = db_session().get(PendingAuthorization, pending_id)
    return pending if pending is not None and pending.expires_at > now() else None


def _rebuild(pending: PendingAuthorization) -> ParamsOAuth2Request:
    oauth_request = ParamsOAuth2Request("GET", request.url, request.headers, dict(pending.params))
    oauth_request.auth_time = session.get("auth_time")
    return oauth_request


def finish(pending: PendingAuthorization, user: User, approved: bool, reason: str | None = None):
    """Answer the app: a code when ``approved``, ``access_denied`` otherwise (``reason`` goes
    to the audit entry). The pending request is consumed either way."""
    server = authorization_server()
    oauth_request = _rebuild(pending)
    remember_answered(pending)
    db_session().delete(pending)
    db_session().commit()
    try:
        grant = server.get_consent_grant(request=oauth_request, end_user=user)
    except OAuth2Error as error:
        return error_response(error)
    app = db_session().get(ConnectedApp, oauth_request.payload.client_id)
    audit.record("Approved" if approved else "Denied", "External Authorization",
                 object_id=app.client_id, object_name=app.name, user=user, connected_app=app,
                 payload={"scopes": requested_scopes(pending),
                          **({"reason": reason} if reason else {})})
    return server.create_authorization_response(
        request=oauth_request, grant_user=user if approved else None, grant=grant)


def finish_with_error(pending: PendingAuthorization, code: str):
    """Answer the app with an OpenID error such as ``login_required`` (for ``prompt=none``)."""
    error = OAuth2Error(error=code, state=pending.params.get("state"),
                        redirect_uri=pending.params.get("redirect_uri")
                        or _default_redirect(pending))
    db_session().delete(pending)
    db_session().commit()
    return error_response(error)


def _default_redirect(pending: PendingAuthorization) -> str | None:
    app = db_session().get(ConnectedApp, pending.params.get("client_id"))
    return app.get_default_redirect_uri() if app else None
