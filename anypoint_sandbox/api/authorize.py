"""``POST /accounts/api/authorize`` ("Authorize for many resources"): which of the given
resources the caller may act on with ``action``, as the spec answers it: the list of those
authorized. A page can then know, before any upload, what a user may do in each environment.

The sandbox reads the ``cloudhub`` namespace's resource
``/organizations/{org}/environments/{env}/applications[/{domain}[/…]]`` with the rights it
already keeps (``permissions.user_has_right``): GET needs ``read:applications``, POST on the
collection ``create:applications``, PUT, PATCH or a POST below one application (its status)
``manage:application_settings``, DELETE ``delete:applications``. A client-credentials token
is answered from its app's context scopes. The token's own scopes are not asked about: the
caller knows what it was granted; this says what the user holds. Anything else is simply not
authorized (left out of the answer).
"""

import re

from flask import Blueprint, jsonify, request

from ..access_management.permissions import authorize_scope, user_has_right
from ..storage import Environment, Token, session
from ..web.errors import PlatformError
from .auth import bearer_token

bp = Blueprint("authorize", __name__, url_prefix="/accounts/api")
MAX_RESOURCES = 100
ACTIONS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_APPLICATIONS = re.compile(
    r"/organizations/([A-Za-z0-9-]{1,64})/environments/([A-Za-z0-9-]{1,64})/applications"
    r"(/[^/]+(?:/.*)?)?")


def scope_for(action: str, below: str | None) -> str:
    """The right an ``action`` on the applications resource needs (``below``: the part after
    ``/applications``, None for the collection itself)."""
    if action == "GET":
        return "read:applications"
    if action == "DELETE":
        return "delete:applications"
    if action == "POST" and below is None:
        return "create:applications"
    return "manage:application_settings"


def _authorized(token: Token, namespace: str, action: str, resource: str) -> bool:
    found = _APPLICATIONS.fullmatch(resource) if namespace == "cloudhub" else None
    if found is None or action not in ACTIONS:
        return False
    env = session().get(Environment, found[2])
    if env is None or env.organization_id != found[1]:
        return False
    scope = scope_for(action, found[3])
    if token.user is None:
        return authorize_scope(token, scope, env) is None
    return user_has_right(token.user, scope, env)


def _text(body: dict, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise PlatformError(400, f"'{name}' is required and must be a string.")
    return value


@bp.post("/authorize")
def authorize_many():
    """``{namespace, action, resources: [...]}`` → the resources the caller is authorized for,
    in the order sent. 400 for a body without them; 401 without a valid token."""
    token = bearer_token()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise PlatformError(400, "Send a JSON object with namespace, action and resources.")
    namespace, action = _text(body, "namespace"), _text(body, "action").upper()
    resources = body.get("resources")
    if (not isinstance(resources, list) or not all(isinstance(r, str) for r in resources)
            or len(resources) > MAX_RESOURCES):
        raise PlatformError(400, f"'resources' must be a list of up to {MAX_RESOURCES} "
                                 "resource strings.")
    return jsonify([resource for resource in dict.fromkeys(resources)
                    if _authorized(token, namespace, action, resource)])
