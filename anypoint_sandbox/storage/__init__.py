"""The sandbox's tables and its SQLAlchemy engine and session: ``from ..storage import session,
User``. Each area's tables live in a module of their own; ``engine`` registers them all."""

from .accounts import Environment, Organization, User, UserRight
from .apps import (
    ALL_GRANT_TYPES,
    AllowlistEntry,
    AuthorizationPolicy,
    ConnectedApp,
    ConnectedAppScope,
)
from .base import APPS_ID, Base, new_id, now
from .cloudhub import CloudHubApplication
from .cloudhub_deployments import CloudHubDeployment
from .engine import Storage, init_app, serialized, session
from .grants import AuthorizationCode, Consent, PendingAuthorization, Token
from .platform import AuditEntry, Setting, SigningKey
from .profiles import OrganizationOwnership, OrganizationPreference

__all__ = [
    "ALL_GRANT_TYPES", "APPS_ID", "AllowlistEntry", "AuditEntry", "AuthorizationCode",
    "AuthorizationPolicy", "Base", "CloudHubApplication", "CloudHubDeployment",
    "ConnectedApp", "ConnectedAppScope",
    "Consent", "Environment", "Organization", "OrganizationOwnership", "OrganizationPreference",
    "PendingAuthorization", "Setting", "SigningKey",
    "Storage", "Token", "User", "UserRight", "init_app", "new_id", "now", "serialized",
    "session",
]
