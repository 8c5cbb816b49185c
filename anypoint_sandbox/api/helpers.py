"""Small pieces the management APIs share: the organization a request acts on (checked against
an Organization Administrator's token), paging parameters and JSON bodies, each failing with
Anypoint's ``{"message": …}`` and the right status."""

import json

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


def is_digits(text: str) -> bool:
    """True for ASCII digits only (``str.isdigit`` also accepts "²" and other Unicode digits,
    which ``int`` then refuses)."""
    return text.isascii() and text.isdigit()


def whole_number(name: str, default: int, low: int = 0, high: int | None = None) -> int:
    """A whole-number query parameter from ``low`` to ``high``; 400 naming it otherwise."""
    raw = request.args.get(name, str(default))
    if not is_digits(raw) or len(raw) > 12 or int(raw) < low or (
            high is not None and int(raw) > high):
        bound = f"between {low} and {high}" if high is not None else f"{low} or more"
        raise PlatformError(400, f"'{name}' must be a whole number {bound}, not {raw[:40]!r}.")
    return int(raw)


def paging(default_limit: int, most: int) -> tuple[int, int]:
    """``offset`` and ``limit`` query parameters; 400 when malformed or out of range."""
    return whole_number("offset", 0), whole_number("limit", default_limit, 0, most)


def choice(name: str, options: tuple[str, ...], default: str) -> str:
    """A query parameter that must be one of ``options`` (any case); 400 otherwise."""
    raw = request.args.get(name, default)
    if raw.upper() not in options:
        raise PlatformError(400, f"'{name}' must be one of {', '.join(options)}, not "
                                 f"{raw[:40]!r}.")
    return raw.upper()


MAX_JSON_DEPTH = 32


def depth(value, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply ``value`` nests lists and objects, counted up to ``limit + 1``."""
    level, current = 0, [value]
    while current and level <= limit:
        level += 1
        current = [child for item in current if isinstance(item, dict | list)
                   for child in (item.values() if isinstance(item, dict) else item)]
        current = [item for item in current if isinstance(item, dict | list)]
    return level


class TooDeep(ValueError):
    """JSON that nests lists or objects more than MAX_JSON_DEPTH levels deep."""


def load_json(text: str | bytes):
    """``text`` decoded as JSON. Raises TooDeep past MAX_JSON_DEPTH levels (Python's parser
    itself gives up on very deep nesting with a RecursionError), ValueError when not JSON."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep() from None
    if depth(value) > MAX_JSON_DEPTH:
        raise TooDeep()
    return value


def parse_json(text: str | bytes, what: str):
    """``text`` decoded as JSON; PlatformError 400 naming ``what`` when it is not JSON or nests
    too deep."""
    try:
        return load_json(text)
    except TooDeep:
        raise PlatformError(400, f"{what} nests lists or objects more than {MAX_JSON_DEPTH} "
                                 "levels deep.") from None
    except ValueError:
        raise PlatformError(400, f"{what} is not valid JSON.") from None


def json_body(default=None):
    """The parsed JSON body (``default`` when there is none); 400 when it is not JSON."""
    data = request.get_data()
    if not data:
        if default is not None:
            return default
        raise PlatformError(400, "The request needs a JSON body.")
    return parse_json(data, "The request body")


def flag(name: str) -> bool:
    """A boolean query parameter ("true"/"false", default false); 400 otherwise."""
    raw = request.args.get(name, "false").lower()
    if raw not in ("true", "false"):
        raise PlatformError(400, f"'{name}' must be true or false, not {raw[:40]!r}.")
    return raw == "true"
