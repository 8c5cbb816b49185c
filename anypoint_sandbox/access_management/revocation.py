"""Authorizations (a user's remembered consent to a connected app) and how they end.

* ``revoke_authorization`` — one user's authorization of one app: its tokens die, the consent
  is forgotten (the user's profile, or an administrator).
* ``revoke_app`` — the app for everyone: every access and refresh token of the app dies and
  every user's consent is removed, so the next sign-in asks again.
* ``record_use`` — stamps "last used" when a token of the authorization is used or refreshed.
"""

from sqlalchemy import or_, select, update

from ..clock import iso
from ..storage import ConnectedApp, Consent, Organization, Token, User, now, session
from . import audit


def authorization_json(consent: Consent) -> dict:
    """Anypoint's UserAuthorization object."""
    return {"authorization_id": str(consent.id), "created_at": iso(consent.created_at),
            "updated_at": iso(consent.updated_at), "last_used": iso(consent.last_used_at),
            "user_id": consent.user_id, "client_id": consent.client_id, "as_id": "anypoint",
            "scopes": consent.scope.split()}


def authorizations(org: Organization | None = None, user_id: str | None = None,
                   client_id: str | None = None) -> list[Consent]:
    """Authorizations given by users of ``org`` (and its business groups), optionally of one
    user or one app, newest first."""
    query = select(Consent).join(User, Consent.user_id == User.id)
    if org is not None:
        query = query.where(User.organization_id.in_([org.id, *(c.id for c in org.children)]))
    if user_id is not None:
        query = query.where(Consent.user_id == user_id)
    if client_id is not None:
        query = query.where(Consent.client_id == client_id)
    return list(session().scalars(query.order_by(Consent.updated_at.desc(), Consent.id.desc())))


def find_authorization(authorization_id: str) -> Consent | None:
    """The authorization with this id, or None for any id that cannot be one (not ASCII
    digits: "²".isdigit() is true; or past what the database's integer holds)."""
    if not (authorization_id.isascii() and authorization_id.isdigit()
            and len(authorization_id) <= 18):
        return None
    return session().get(Consent, int(authorization_id))


def _revoke_tokens(*conditions) -> int:
    """Revoke the matching access and refresh tokens; the number of token rows touched."""
    stamp = now()
    access = session().execute(update(Token).where(
        *conditions, Token.access_token_revoked_at.is_(None)).values(
        access_token_revoked_at=stamp)).rowcount
    refresh = session().execute(update(Token).where(
        *conditions, Token.refresh_token.isnot(None), Token.refresh_token_revoked_at.is_(None))
        .values(refresh_token_revoked_at=stamp)).rowcount
    return max(access, refresh)


def revoke_authorization(consent: Consent, actor: User) -> None:
    """End one user's authorization of one app: its tokens die and the consent is forgotten."""
    app, user = consent.client, consent.user
    count = _revoke_tokens(Token.client_id == consent.client_id, Token.user_id == consent.user_id)
    session().delete(consent)
    session().commit()
    audit.record("Revoke Tokens", "Connected Application", object_id=app.client_id,
                 object_name=app.name, user=actor, organization_id=user.organization_id,
                 payload=audit.app_payload(app, authorizationOf=user.username,
                                           tokensRevoked=count))


def revoke_app(app: ConnectedApp, actor: User) -> int:
    """Revoke the app for everyone: every token it holds dies (user and client-credentials
    alike) and every consent to it is removed. Returns how many users had authorized it."""
    count = _revoke_tokens(Token.client_id == app.client_id)
    consents = session().scalars(select(Consent).where(Consent.client_id == app.client_id)).all()
    for consent in consents:
        session().delete(consent)
    session().commit()
    audit.record("Revoke Tokens", "Connected Application", object_id=app.client_id,
                 object_name=app.name, user=actor, organization_id=app.owner_org_id,
                 payload=audit.app_payload(app, allUsers=True,
                                           authorizationsRemoved=len(consents),
                                           tokensRevoked=count))
    return len(consents)


def record_use(token: Token) -> None:
    """Stamp "last used" on the authorization a user token belongs to (no-op for client
    credentials). Commits."""
    if token.user_id is None:
        return
    session().execute(update(Consent).where(
        Consent.user_id == token.user_id, Consent.client_id == token.client_id,
        or_(Consent.last_used_at.is_(None), Consent.last_used_at < now())).values(
        last_used_at=now()))
    session().commit()
