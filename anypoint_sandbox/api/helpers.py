"""Small pieces the management APIs share: the organization a request acts on (checked against
an Organization Administrator's token), paging parameters and JSON bodies, each failing with
Anypoint's ``{"message": …}`` and the right status."""

from flask import request

from ..access_management.permissions import org_admin_reason
from ..storage import ConnectedApp, Organization, Token, session
from ..web.errors import PlatformError
from .auth import bearer_token


def admin_organization(org_id: str | None = None) -> tuple[Token, Organization]:
    """The request's token and the organization it acts on (``org_id``, or the token user's
    organization). 401 without a valid token, 404 for an unknown organization, 403 when the
    token is not an Organization Administrator's token with ``full``."""
    token = bearer_token()
    if org_id is None:
        org = token.user.organization if token.user else session().get(
            Organization, token.client.owner_org_id)
    else:
        org = session().get(Organization, org_id)
        if org is None:
            raise PlatformError(404, f"Organization {org_id} not found.")
    reason = org_admin_reason(token, org)
    if reason:
        raise PlatformError(403, reason)
    return token, org


def owned_app(org: Organization, client_id: str) -> ConnectedApp:
    """The app ``org`` (or one of its business groups) owns; 404 otherwise."""
    app = session().get(ConnectedApp, client_id) if len(client_id) <= 64 else None
    if app is None or app.owner_org_id not in {org.id, *(child.id for child in org.children)}:
        raise PlatformError(404, f"Connected application {client_id} not found.")
    return app


def paging(default_limit: int, most: int) -> tuple[int, int]:
    """``offset`` and ``limit`` query parameters; 400 when malformed or out of range."""
    values = []
    for name, default, top in (("offset", 0, None), ("limit", default_limit, most)):
        raw = request.args.get(name, str(default))
        if not raw.isdigit() or (top is not None and int(raw) > top):
            bound = f"between 0 and {top}" if top is not None else "0 or more"
            raise PlatformError(400, f"'{name}' must be a whole number {bound}, not {raw!r}.")
        values.append(int(raw))
    return values[0], values[1]


def json_body(default=None):
    """The parsed JSON body (``default`` when there is none); 400 when it is not JSON."""
    if not request.get_data():
        if default is not None:
            return default
        raise PlatformError(400, "The request needs a JSON body.")
    body = request.get_json(silent=True, force=True)
    if body is None:
        raise PlatformError(400, "The request body is not valid JSON.")
    return body


def flag(name: str) -> bool:
    """A boolean query parameter ("true"/"false", default false); 400 otherwise."""
    raw = request.args.get(name, "false").lower()
    if raw not in ("true", "false"):
        raise PlatformError(400, f"'{name}' must be true or false, not {raw!r}.")
    return raw == "true"
