"""What the signed-in user may do with CloudHub applications in each environment, as the
platform says: ``POST /accounts/api/authorize`` ("Authorize for many resources", Access
Management) with every environment's applications resource, once per CloudHub operation.

A granted scope says what the token may be used for; this says what the user holds, which is
what Anypoint checks next (a viewer granted ``create:applications`` still may not deploy). The
answer is the list of resources authorized; anything else is a PlatformError naming the path.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from .client import AnypointClient, parsed
from .models import MalformedAnswer

AUTHORIZE = "/accounts/api/authorize"
#: The action each CloudHub operation (see cloudhub.SCOPES) takes on an applications resource.
ACTIONS = {"read": "GET", "deploy": "POST", "manage": "PUT", "delete": "DELETE"}


def applications_resource(org_id: str, env_id: str) -> str:
    """The cloudhub namespace's resource of an environment's applications."""
    return (f"/organizations/{quote(org_id, safe='')}/environments/{quote(env_id, safe='')}"
            "/applications")


def _resources(body) -> set[str]:
    if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
        raise MalformedAnswer("the answer is not a list of resources")
    return set(body)


def authorized(client: AnypointClient, access_token: str, org_id: str,
               env_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``{operation: the environment ids where the user may do it}`` for every operation of
    ACTIONS. Raises what ``AnypointClient.api`` raises (MissingScope when the platform will not
    say, PlatformUnavailable, PlatformError for an answer that is not a list)."""
    wanted = {applications_resource(org_id, env_id): env_id for env_id in env_ids}
    found: dict[str, tuple[str, ...]] = {}
    for operation, action in ACTIONS.items():
        body = client.api("POST", AUTHORIZE, access_token, label=f"authorize {operation}",
                          json={"namespace": "cloudhub", "action": action,
                                "resources": list(wanted)})
        allowed = parsed(AUTHORIZE, _resources, body)
        found[operation] = tuple(env for resource, env in wanted.items() if resource in allowed)
    return found
