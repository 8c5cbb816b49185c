"""The audit log query API: ``POST /audit/v2/organizations/{orgId}/query`` (JSON answer) and
``…/query.csv`` (CSV answer).

Body (Anypoint's ``logQuery``), JSON or form-urlencoded (``audit_formats``): ``startDate``
(required; Unix ms or ISO 8601, inclusive), ``endDate``, ``actions``, ``objectTypes``,
``objectIds``, ``userIds``, ``clientIds``, ``environmentIds``, ``failed``, ``ascending`` (default
true), ``limit`` (1–200, default 200; a CSV answer up to 300 000), ``offset``; ``organizationId``
(as MuleSoft's own example sends) must name the organization of the path. A form may carry the
token as ``accessToken`` instead of the Authorization header. Answers ``{data, total}``. Needs
``read:audit_logs`` in that organization.
"""

from flask import Blueprint, jsonify, request

from ..access_management import audit
from ..access_management.audit_query import AuditFilter, QueryError, parse_time, search
from ..access_management.permissions import authorize_scope
from ..storage import Organization, Token, session
from ..web.errors import PlatformError
from .audit_formats import csv_answer, form_query
from .auth import bearer_token
from .helpers import json_body

bp = Blueprint("audit_api", __name__, url_prefix="/audit/v2")
LISTS = {"actions": "actions", "objectTypes": "object_types", "objectIds": "object_ids",
         "userIds": "user_ids", "clientIds": "client_ids", "environmentIds": "environment_ids"}
KNOWN = {*LISTS, "startDate", "endDate", "failed", "ascending", "limit", "offset", "full",
         "platforms", "parentIds", "anypointTransactionIds", "cursor", "organizationId"}
MOST = {"json": 200, "csv": 300_000}


def _reaches(token: Token, org: Organization) -> bool:
    """The token's user belongs to the organization (or one above it); a client-credentials
    token holds ``read:audit_logs`` in it."""
    if token.user is None:
        return any(entry.scope == "read:audit_logs" and entry.organization_id == org.id
                   for entry in token.client.context_scopes)
    current = org
    while current is not None:
        if current.id == token.user.organization_id:
            return True
        current = current.parent
    return False


def _filter(org: Organization, body, most: int) -> tuple[AuditFilter, int, int]:
    if not isinstance(body, dict):
        raise QueryError("The query must be a JSON object.")
    unknown = sorted(set(body) - KNOWN)
    if unknown:
        raise QueryError(f"Unknown query field(s): {', '.join(unknown)[:200]}.")
    if body.get("organizationId", org.id) != org.id:
        raise QueryError("'organizationId' names another organization than the path.")
    if "startDate" not in body:
        raise QueryError("'startDate' is required.")
    criteria = AuditFilter(organization_ids=[org.id, *(c.id for c in org.children)],
                           start=parse_time("startDate", body["startDate"]))
    if body.get("endDate") is not None:
        criteria.end = parse_time("endDate", body["endDate"], end=True)
    for key, attribute in LISTS.items():
        values = body.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise QueryError(f"'{key}' must be a list of strings.")
        setattr(criteria, attribute, values)
    for key in ("failed", "ascending"):
        if key in body and not isinstance(body[key], bool):
            raise QueryError(f"'{key}' must be true or false.")
    criteria.failed = body.get("failed")
    criteria.ascending = body.get("ascending", True)
    limit, offset = body.get("limit", min(most, 200)), body.get("offset", 0)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= most:
        raise QueryError(f"'limit' must be a whole number from 1 to {most}, not "
                         f"{str(limit)[:40]}.")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < 10**9:
        raise QueryError(f"'offset' must be a whole number of 0 or more, not "
                         f"{str(offset)[:40]}.")
    return criteria, offset, limit


def _query_body():
    """The query as a dict: the JSON body, or a form's fields."""
    if request.mimetype == "application/x-www-form-urlencoded":
        try:
            return form_query(request.form)
        except QueryError as error:
            raise PlatformError(400, str(error)) from None
    return json_body()


@bp.post("/organizations/<org_id>/query")
@bp.post("/organizations/<org_id>/query.csv", defaults={"answer": "csv"})
def query(org_id: str, answer: str = "json"):
    """``{data, total}`` (or CSV) of the organization's entries matching the body; 400 for a
    bad query, 401 / 403 / 404 as every platform API."""
    token = bearer_token(form_field="accessToken")
    org = session().get(Organization, org_id) if len(org_id) <= 64 else None
    if org is None:
        raise PlatformError(404, f"Organization {org_id[:64]} not found.")
    if reason := authorize_scope(token, "read:audit_logs"):
        raise PlatformError(403, reason)
    if not _reaches(token, org):
        raise PlatformError(403, f"The access token cannot read the audit log of {org.name}.")
    body = _query_body()
    try:
        criteria, offset, limit = _filter(org, body, MOST[answer])
    except QueryError as error:
        raise PlatformError(400, str(error)) from None
    entries, total = search(criteria, offset, limit)
    full = body.get("full", True) is not False
    data = [audit.as_json(entry) if full else {**audit.as_json(entry), "payload": None}
            for entry in entries]
    if answer == "csv":
        return csv_answer(data)
    return jsonify(data=data, total=total)
