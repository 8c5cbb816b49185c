"""Frozen dataclasses for what the provider and the platform send, built at the boundary from JSON.

Each ``from_json`` accepts the documented Anypoint shape (see anypoint-api.md §1–§3) and tolerates
missing optional fields; a required field that is absent raises ``ValueError``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace


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
        """Build from a discovery document; ``ValueError`` names a missing required field."""
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(doc.get(name), str) or not doc[name]:
                raise ValueError(f"the discovery document has no {name}")

        def strings(name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
            value = doc.get(name)
            return tuple(str(v) for v in value) if isinstance(value, list) else default

        return cls(
            issuer=doc["issuer"],
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            jwks_uri=doc["jwks_uri"],
            userinfo_endpoint=doc.get("userinfo_endpoint"),
            revocation_endpoint=doc.get("revocation_endpoint"),
            introspection_endpoint=doc.get("introspection_endpoint"),
            end_session_endpoint=doc.get("end_session_endpoint"),
            scopes_supported=strings("scopes_supported"),
            token_endpoint_auth_methods_supported=strings(
                "token_endpoint_auth_methods_supported", ("client_secret_basic",)
            ),
            code_challenge_methods_supported=strings("code_challenge_methods_supported"),
            id_token_signing_alg_values_supported=strings(
                "id_token_signing_alg_values_supported"
            ),
            authorization_response_iss_parameter_supported=bool(
                doc.get("authorization_response_iss_parameter_supported", False)
            ),
        )


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
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise ValueError("the token response has no access_token")
        now = time.time()
        expires_in = body.get("expires_in")
        try:
            expires_at = now + float(expires_in) if expires_in is not None else None
        except (TypeError, ValueError):
            expires_at = None
        if isinstance(body.get("scope"), str):
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
        return self.expires_at - (now or time.time())

    def to_dict(self) -> dict:
        return asdict(self)

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

    @classmethod
    def from_json(cls, doc: dict) -> Organization:
        return cls(id=str(doc["id"]), name=str(doc.get("name") or doc["id"]),
                   parent_id=doc.get("parentId"), is_root=bool(doc.get("isRoot", False)))


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
        return cls(id=str(doc["id"]), name=str(doc.get("name", "")),
                   organization_id=str(doc.get("organizationId", "")),
                   is_production=bool(doc.get("isProduction", False)),
                   type=str(doc.get("type") or ("production" if doc.get("isProduction")
                                                 else "sandbox")))


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
        user = doc.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("organization"), dict):
            raise ValueError("/accounts/api/me did not return a user with an organization")
        name = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p)
        groups = {}
        for org in (user.get("memberOfOrganizations") or []) + (
            user.get("contributorOfOrganizations") or []
        ):
            if isinstance(org, dict) and "id" in org:
                groups.setdefault(str(org["id"]), Organization.from_json(org))
        return cls(
            user_id=str(user.get("id", "")),
            username=str(user.get("username", "")),
            full_name=name or str(user.get("username", "")),
            email=user.get("email"),
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
        if not isinstance(doc.get("version"), str) or not doc["version"]:
            raise ValueError("a mule-versions item has no version")
        return cls(version=doc["version"], state=str(doc.get("state") or "ACTIVE"),
                   recommended=bool(doc.get("recommended", False)),
                   release_channel=doc.get("releaseChannel"),
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
        if not isinstance(doc.get("domain"), str) or not doc["domain"]:
            raise ValueError("an application has no domain")
        workers = doc.get("workers") if isinstance(doc.get("workers"), dict) else {}
        kind = workers.get("type") if isinstance(workers.get("type"), dict) else {}
        runtime = doc.get("muleVersion") if isinstance(doc.get("muleVersion"), dict) else {}
        props = doc.get("properties") if isinstance(doc.get("properties"), dict) else {}
        amount = workers.get("amount")
        return cls(
            domain=doc["domain"], status=str(doc.get("status") or "UNDEPLOYED"),
            update_status=doc.get("deploymentUpdateStatus") or None,
            failure_reason=doc.get("deploymentFailureReason") or None,
            last_update=_epoch_seconds(doc.get("lastUpdateTime")),
            full_domain=doc.get("fullDomain"), region=doc.get("region"),
            workers=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
            worker_type=kind.get("name"), mule_version=runtime.get("version"),
            file_name=doc.get("fileName"),
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
