"""Frozen dataclasses for what the provider and the platform send, built at the boundary from JSON.

Each ``from_json`` accepts the documented Anypoint shape (see anypoint-api.md §1–§3) and tolerates
missing optional fields and extra ones; an answer that is not an object, or lacks a field the app
needs, raises :class:`MalformedAnswer` (the one exception of every parse; the client turns it
into a PlatformError, the 502 page).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime

from .. import clock


class MalformedAnswer(ValueError):
    """A platform answer that is not an object, or lacks a field the app needs."""


def _object(doc, what: str) -> dict:
    if not isinstance(doc, dict):
        raise MalformedAnswer(f"{what} is not a JSON object")
    return doc


def _text(doc: dict, name: str, what: str) -> str:
    """A required identifier or name: a non-empty string (or a number, as ids sometimes are)."""
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise MalformedAnswer(f"{what} has no {name}")
    return str(value)


def _optional_text(doc: dict, name: str) -> str | None:
    value = doc.get(name)
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class ProviderMetadata:
    """The OpenID provider's discovery document, reduced to what the app uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    revocation_endpoint: str | None = None
    introspection_endpoint: str | None = None
    end_session_endpoint: str | None = None
    scopes_supported: tuple[str, ...] = ()
    token_endpoint_auth_methods_supported: tuple[str, ...] = ("client_secret_basic",)
    code_challenge_methods_supported: tuple[str, ...] = ()
    id_token_signing_alg_values_supported: tuple[str, ...] = ()
    authorization_response_iss_parameter_supported: bool = False

    @classmethod
    def from_json(cls, doc: dict) -> ProviderMetadata:
        """Build from a discovery document; MalformedAnswer names a missing required field."""
        doc = _object(doc, "the discovery document")
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(doc.get(name), str) or not doc[name]:
                raise MalformedAnswer(f"the discovery document has no {name}")

        def strings(name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
            value = doc.get(name)
            return tuple(str(v) for v in value) if isinstance(value, list) else default

        return cls(
            issuer=doc["issuer"],
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            jwks_uri=doc["jwks_uri"],
            userinfo_endpoint=_optional_text(doc, "userinfo_endpoint"),
            revocation_endpoint=_optional_text(doc, "revocation_endpoint"),
            introspection_endpoint=_optional_text(doc, "introspection_endpoint"),
            end_session_endpoint=_optional_text(doc, "end_session_endpoint"),
            scopes_supported=strings("scopes_supported"),
            token_endpoint_auth_methods_supported=strings(
                "token_endpoint_auth_methods_supported", ("client_secret_basic",)
            ),
            code_challenge_methods_supported=strings("code_challenge_methods_supported"),
            id_token_signing_alg_values_supported=strings(
                "id_token_signing_alg_values_supported"
            ),
            authorization_response_iss_parameter_supported=doc.get(
                "authorization_response_iss_parameter_supported") is True,
        )


def _seconds(value) -> float | None:
    """A token lifetime (RFC 6749 ``expires_in``): a positive, finite number of seconds, sent as
    a number or as digits; anything else counts as "not said"."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 < value < 10**9 else None


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one delegation. Lives only in the server-side token store."""

    access_token: str = field(repr=False)
    token_type: str
    expires_at: float | None
    scopes: tuple[str, ...]
    issued_at: float
    refresh_token: str | None = field(default=None, repr=False)
    id_token: str | None = field(default=None, repr=False)
    refresh_count: int = 0
    rotation_count: int = 0

    @classmethod
    def from_response(
        cls, body: dict, requested: tuple[str, ...], previous: TokenSet | None = None
    ) -> TokenSet:
        """Build from a token endpoint response; keeps the old refresh token when none is sent."""
        body = _object(body, "the token response")
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise MalformedAnswer("the token response has no access_token")
        now = clock.now()
        lifetime = _seconds(body.get("expires_in"))
        expires_at = now + lifetime if lifetime is not None else None
        if isinstance(body.get("scope"), str) and body["scope"].strip():
            scopes = tuple(body["scope"].split())
        elif previous is not None:
            scopes = previous.scopes
        else:
            scopes = requested
        new_refresh = body.get("refresh_token") or None
        if previous is None:
            return cls(access, str(body.get("token_type", "bearer")), expires_at, scopes, now,
                       new_refresh, body.get("id_token"))
        rotated = bool(new_refresh) and new_refresh != previous.refresh_token
        return replace(
            previous,
            access_token=access,
            token_type=str(body.get("token_type", previous.token_type)),
            expires_at=expires_at,
            scopes=scopes,
            issued_at=now,
            refresh_token=new_refresh or previous.refresh_token,
            id_token=body.get("id_token") or previous.id_token,
            refresh_count=previous.refresh_count + 1,
            rotation_count=previous.rotation_count + (1 if rotated else 0),
        )

    def expires_in(self, now: float | None = None) -> float | None:
        """Seconds left (negative once expired); ``None`` when the provider gave no lifetime."""
        if self.expires_at is None:
            return None
        return self.expires_at - (now or clock.now())

    def to_dict(self) -> dict:
        """The fields as a plain dict (every value is immutable: no deep copy needed)."""
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def from_dict(cls, data: dict) -> TokenSet:
        data = dict(data)
        data["scopes"] = tuple(data.get("scopes") or ())
        return cls(**data)


@dataclass(frozen=True)
class Organization:
    """An Anypoint organization or business group."""

    id: str
    name: str
    parent_id: str | None = None
    is_root: bool = False
    #: The user id of the organization's owner (an org administrator), when Anypoint says.
    owner_id: str | None = None

    @classmethod
    def from_json(cls, doc: dict) -> Organization:
        doc = _object(doc, "an organization")
        org_id = _text(doc, "id", "an organization")
        return cls(id=org_id, name=_optional_text(doc, "name") or org_id,
                   parent_id=_optional_text(doc, "parentId"), is_root=doc.get("isRoot") is True,
                   owner_id=_optional_text(doc, "ownerId"))


@dataclass(frozen=True)
class Environment:
    """An Anypoint environment of an organization (GET /organizations/{id}/environments)."""

    id: str
    name: str
    organization_id: str
    is_production: bool
    type: str

    @classmethod
    def from_json(cls, doc: dict) -> Environment:
        doc = _object(doc, "an environment")
        env_id = _text(doc, "id", "an environment")
        production = doc.get("isProduction") is True
        return cls(id=env_id, name=_optional_text(doc, "name") or env_id,
                   organization_id=_optional_text(doc, "organizationId") or "",
                   is_production=production,
                   type=_optional_text(doc, "type") or ("production" if production
                                                        else "sandbox"))


@dataclass(frozen=True)
class Me:
    """GET /accounts/api/me: the signed-in user, their organization and business groups."""

    user_id: str
    username: str
    full_name: str
    email: str | None
    organization: Organization
    business_groups: tuple[Organization, ...]

    @classmethod
    def from_json(cls, doc: dict) -> Me:
        user = _object(doc, "/accounts/api/me").get("user")
        if not isinstance(user, dict) or not isinstance(user.get("organization"), dict):
            raise MalformedAnswer("/accounts/api/me did not return a user with an organization")
        username = _optional_text(user, "username") or ""
        name = " ".join(p for p in (_optional_text(user, "firstName"),
                                    _optional_text(user, "lastName")) if p)
        groups = {}
        for key in ("memberOfOrganizations", "contributorOfOrganizations"):
            listed = user.get(key)
            for org in listed if isinstance(listed, list) else []:
                if isinstance(org, dict) and isinstance(org.get("id"), str) and org["id"]:
                    groups.setdefault(org["id"], Organization.from_json(org))
        return cls(
            user_id=_optional_text(user, "id") or "",
            username=username,
            full_name=name or username,
            email=_optional_text(user, "email"),
            organization=Organization.from_json(user["organization"]),
            business_groups=tuple(groups.values()),
        )


def _epoch_seconds(millis) -> float | None:
    """Anypoint's epoch milliseconds as seconds; None for anything that is not a number."""
    if isinstance(millis, bool) or not isinstance(millis, int | float):
        return None
    return millis / 1000


@dataclass(frozen=True)
class MuleVersion:
    """One Mule runtime offered by CloudHub (GET /cloudhub/api/mule-versions, §5.1)."""

    version: str
    state: str = "ACTIVE"
    recommended: bool = False
    release_channel: str | None = None
    end_of_support: float | None = None

    @classmethod
    def from_json(cls, doc: dict) -> MuleVersion:
        doc = _object(doc, "a mule-versions item")
        if not isinstance(doc.get("version"), str) or not doc["version"]:
            raise MalformedAnswer("a mule-versions item has no version")
        return cls(version=doc["version"], state=_optional_text(doc, "state") or "ACTIVE",
                   recommended=doc.get("recommended") is True,
                   release_channel=_optional_text(doc, "releaseChannel"),
                   end_of_support=_epoch_seconds(doc.get("endOfSupportDate")))


@dataclass(frozen=True)
class Application:
    """A CloudHub 1.0 application (GET /cloudhub/api/v2/applications[/{domain}], §5.1)."""

    #: Statuses (or deploymentUpdateStatus values) that will change without anybody acting.
    TRANSITIONAL = frozenset({"DEPLOYING", "UNDEPLOYING"})

    domain: str
    status: str
    update_status: str | None = None
    failure_reason: str | None = None
    last_update: float | None = None
    full_domain: str | None = None
    region: str | None = None
    workers: int | None = None
    worker_type: str | None = None
    mule_version: str | None = None
    file_name: str | None = None
    properties: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_json(cls, doc: dict) -> Application:
        doc = _object(doc, "an application")
        if not isinstance(doc.get("domain"), str) or not doc["domain"]:
            raise MalformedAnswer("an application has no domain")
        workers = doc.get("workers") if isinstance(doc.get("workers"), dict) else {}
        kind = workers.get("type") if isinstance(workers.get("type"), dict) else {}
        runtime = doc.get("muleVersion") if isinstance(doc.get("muleVersion"), dict) else {}
        props = doc.get("properties") if isinstance(doc.get("properties"), dict) else {}
        amount = workers.get("amount")
        return cls(
            domain=doc["domain"], status=_optional_text(doc, "status") or "UNDEPLOYED",
            update_status=_optional_text(doc, "deploymentUpdateStatus"),
            failure_reason=_optional_text(doc, "deploymentFailureReason"),
            last_update=_epoch_seconds(doc.get("lastUpdateTime")),
            full_domain=_optional_text(doc, "fullDomain"), region=_optional_text(doc, "region"),
            workers=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
            worker_type=_optional_text(kind, "name"),
            mule_version=_optional_text(runtime, "version"),
            file_name=_optional_text(doc, "fileName"),
            properties=tuple(sorted((str(k), str(v)) for k, v in props.items())),
        )

    @property
    def transitional(self) -> bool:
        """True while CloudHub is still moving the application (deploying, stopping)."""
        return self.status in self.TRANSITIONAL or self.update_status in self.TRANSITIONAL

    @property
    def failed(self) -> bool:
        """True when the last deployment failed (DEPLOY_FAILED, or an update that failed)."""
        return "FAIL" in self.status or "FAIL" in (self.update_status or "")


def _moment(value) -> float | None:
    """A CloudHub time (ISO 8601 text, ``T`` or space, ``Z`` or an offset; or epoch
    milliseconds) as seconds since the epoch; None for anything else."""
    if not isinstance(value, str):
        return _epoch_seconds(value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


@dataclass(frozen=True)
class Instance:
    """One worker of a running deployment."""

    id: str
    status: str | None = None
    region: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Deployment:
    """One deployment of a CloudHub application (GET …/v2/applications/{domain}/deployments):
    a deploy, redeploy, start or restart, until it stopped or another took over."""

    id: str
    created: float | None = None
    started: float | None = None
    ended: float | None = None
    instances: tuple[Instance, ...] = ()

    @classmethod
    def from_json(cls, doc: dict) -> Deployment:
        doc = _object(doc, "a deployment")
        instances = doc.get("instances") if isinstance(doc.get("instances"), list) else []
        return cls(id=_text(doc, "deploymentId", "a deployment"),
                   created=_moment(doc.get("createTime")),
                   started=_moment(doc.get("startTime")), ended=_moment(doc.get("endTime")),
                   instances=tuple(
                       Instance(id=str(item["instanceId"]), status=_optional_text(item, "status"),
                                region=_optional_text(item, "region"),
                                address=_optional_text(item, "publicIPAddress"))
                       for item in instances
                       if isinstance(item, dict) and isinstance(item.get("instanceId"), str)))

    @property
    def state(self) -> str:
        """``running``, ``starting``, ``ended`` or ``failed`` (ended without having started)."""
        if self.ended is not None:
            return "ended" if self.started is not None else "failed"
        return "running" if self.started is not None else "starting"


#: The longest log message the app shows whole; the rest of a longer one is cut.
MAX_MESSAGE_CHARS = 10_000


@dataclass(frozen=True)
class LogLine:
    """One line of a deployment's log (GET …/deployments/{deploymentId}/logs)."""

    at: float | None
    priority: str
    message: str
    logger: str | None = None
    thread: str | None = None
    instance: str | None = None

    @classmethod
    def from_json(cls, doc: dict) -> LogLine:
        doc = _object(doc, "a log line")
        message = doc.get("message")
        if not isinstance(message, str):
            raise MalformedAnswer("a log line has no message")
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS] + " … (cut: the line is longer)"
        return cls(at=_epoch_seconds(doc.get("timestamp")),
                   priority=(_optional_text(doc, "priority") or "INFO").upper()[:12],
                   message=message, logger=_optional_text(doc, "loggerName"),
                   thread=_optional_text(doc, "threadName"),
                   instance=_optional_text(doc, "instanceId"))
