"""The explorer's presets (the common calls, filled into the form) and which scope a platform
path needs, for naming what is missing when Anypoint answers 401 or 403 (framework-free).

The scopes are the ones the rest of the app already relies on: CloudHub's per operation
(``cloudhub.SCOPES``), the environments' (``scopes.ENVIRONMENT_SCOPES``), ``read:audit_logs``
for the audit log, ``profile`` for the account's own objects, and ``full`` for managing
connected apps (an Organization Administrator's token granted ``full``, as Access Management
requires).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from ..anypoint.cloudhub import APPLICATIONS
from ..anypoint.cloudhub import SCOPES as CLOUDHUB
from ..anypoint.scopes import ENVIRONMENT_SCOPES

AUDIT_SCOPE = "read:audit_logs"
AUDIT_DAYS = 30


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    method: str
    path: str  # ``{org}`` is the user's organization
    needs_environment: bool = False
    body: str = ""


PRESETS = (
    Preset("me", "Who am I", "GET", "/accounts/api/me"),
    Preset("environments", "My environments", "GET",
           "/accounts/api/organizations/{org}/environments"),
    Preset("applications", "Applications", "GET", APPLICATIONS, needs_environment=True),
    Preset("connected-apps", "Connected apps", "GET", "/accounts/api/connectedApplications"),
    Preset("audit", "Audit log query", "POST", "/audit/v2/organizations/{org}/query"),
)
BY_NAME = {preset.name: preset for preset in PRESETS}


def filled(preset: Preset, org_id: str | None, env_id: str | None, now: float) -> dict:
    """The form's values for ``preset``: its path for the user's organization, the default
    environment when it needs one, and the audit query's body (the last 30 days, newest
    first)."""
    values = {"method": preset.method, "environment": env_id if preset.needs_environment else "",
              "headers": "", "body": preset.body,
              "path": preset.path.replace("{org}", quote(org_id or "ORGANIZATION_ID", safe=""))}
    if preset.name == "audit":
        start = datetime.fromtimestamp(now, tz=UTC) - timedelta(days=AUDIT_DAYS)
        values["body"] = json.dumps({"startDate": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                                     "ascending": False, "limit": 20}, indent=2)
    return values


_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"/accounts/api/(me|users/me|profile)"), "profile"),
    (re.compile(r"/accounts/api/organizations/[^/]+/environments(/.*)?"), ENVIRONMENT_SCOPES[0]),
    (re.compile(r"/accounts/api/(organizations/[^/]+/)?connectedApplications(/.*)?"), "full"),
    (re.compile(r"/audit/v2/.*"), AUDIT_SCOPE),
)


def needed_scope(method: str, path: str) -> tuple[str, bool]:
    """The scope ``method path`` needs, and whether the app knows it (False: a guess, ``full``
    or, for a GET, ``read:full``, which cover everything the user may do or read)."""
    where = path.split("?", 1)[0].rstrip("/") or "/"
    for pattern, scope in _RULES:
        if pattern.fullmatch(where):
            return scope, True
    if where.startswith("/cloudhub/api/"):
        if method == "GET":
            return CLOUDHUB["read"], True
        if method == "POST" and where == APPLICATIONS:
            return CLOUDHUB["deploy"], True
        return CLOUDHUB["delete" if method == "DELETE" else "manage"], True
    return ("read:full" if method == "GET" else "full"), False
