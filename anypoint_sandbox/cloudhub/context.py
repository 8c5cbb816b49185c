"""The request context of a CloudHub call: which environment it acts in, what time it is, and
the audit record it leaves.

`X-ANYPNT-ENV-ID` names the environment (required on application endpoints: 400 when missing,
404 when unknown or outside the token's organization). `X-ANYPNT-ORG-ID` is optional, as the
sandbox can tell the organization from the environment; when sent it must name that organization
(400 otherwise), so a caller that mixed up its ids hears about it.
"""

from datetime import UTC, datetime

from flask import g, request

from .. import clock as sandbox_clock
from ..access_management import audit
from ..api.auth import current_token
from ..storage import Environment, Token, session
from ..web.errors import PlatformError

ENV_HEADER = "X-ANYPNT-ENV-ID"
ORG_HEADER = "X-ANYPNT-ORG-ID"


def clock() -> float:
    """Now, in seconds (the sandbox's clock, which tests move)."""
    return sandbox_clock.seconds()


def iso_ms(seconds: float) -> str:
    """A moment as ISO 8601 UTC with milliseconds (``2025-05-03T14:03:00.250Z``)."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def token_organization_id(token: Token) -> str:
    """The user's organization, or for a client-credentials token the app's owner organization."""
    return token.user.organization_id if token.user else token.client.owner_org_id


def required_environment(**_view_args) -> Environment:
    """The environment of X-ANYPNT-ENV-ID; PlatformError 400 when missing, 404 when unknown."""
    env_id = request.headers.get(ENV_HEADER, "").strip()
    if not env_id:
        raise PlatformError(400, f"The {ENV_HEADER} header is missing: send the id of the "
                                 "environment the application is in.")
    return _environment(env_id)


def optional_environment(**_view_args) -> Environment | None:
    """As `required_environment` when the header is sent; None (organization-wide) otherwise."""
    env_id = request.headers.get(ENV_HEADER, "").strip()
    if not env_id:
        _check_organization_header(token_organization_id(current_token()))
        return None
    return _environment(env_id)


def current_environment() -> Environment:
    """The environment the `protected` check resolved for this request."""
    return g.cloudhub_environment


def _environment(env_id: str) -> Environment:
    env = session().get(Environment, env_id)
    if env is None or env.organization_id != token_organization_id(current_token()):
        raise PlatformError(404, f"Environment {env_id} not found.")
    _check_organization_header(env.organization_id)
    g.cloudhub_environment = env
    return env


def _check_organization_header(organization_id: str) -> None:
    sent = request.headers.get(ORG_HEADER, "").strip()
    if sent and sent != organization_id:
        raise PlatformError(400, f"The {ORG_HEADER} header ({sent}) does not match the "
                                 f"organization of the environment ({organization_id}).")


def record(action: str, application, payload: dict | None = None) -> None:
    """Audit `action` on `application` by the token's user (if any) and connected app, in the
    current environment. The payload holds names and settings only, never property values."""
    token, env = current_token(), current_environment()
    audit.record(action, "Application", object_id=application.id,
                 object_name=application.domain, user=token.user, connected_app=token.client,
                 environment_name=env.name, environment_id=env.id,
                 organization_id=env.organization_id,
                 payload={"domain": application.domain, **(payload or {})})
