"""The audit log page: the organization's entries, newest first, filtered by time range (UTC),
action, object type, user and connected app, 25 to a page. For people who may read the audit
log (the ``read:audit_logs`` permission: administrators and audit log viewers)."""

from flask import Blueprint, g, request, url_for

from ..access_management.audit_query import (
    AuditFilter,
    QueryError,
    known_values,
    parse_time,
    search,
)
from ..access_management.governance import root_of
from ..access_management.permissions import user_has_right
from ..web.security import secure
from .front import render, signed_in

bp = Blueprint("console_audit", __name__, url_prefix="/console/audit-log")
secure(bp)
PAGE_SIZE = 25
FILTERS = ("from", "to", "action", "object_type", "user_id", "client_id")


@bp.get("/")
@signed_in
def index():
    org = root_of(g.user.organization)
    if not user_has_right(g.user, "read:audit_logs", None):
        return render("console/notice.html", 403, title="Audit log",
                      heading="You cannot read the audit log",
                      message="Reading the audit log needs the Audit Log Viewer permission "
                              "(read:audit_logs). Ask an administrator of "
                              f"{org.name} for it.")
    values = {name: request.args.get(name, "").strip() for name in FILTERS}
    criteria = AuditFilter(organization_ids=[org.id, *(child.id for child in org.children)],
                           ascending=False)
    error = None
    try:
        if values["from"]:
            criteria.start = parse_time("From", values["from"])
        if values["to"]:
            criteria.end = parse_time("To", values["to"], end=True)
    except QueryError as problem:
        error = str(problem).replace("'", "")
    for name, attribute in (("action", "actions"), ("object_type", "object_types"),
                            ("user_id", "user_ids"), ("client_id", "client_ids")):
        if values[name]:
            setattr(criteria, attribute, [values[name]])
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else 1
    page = max(page, 1)
    entries, total = search(criteria, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    active = {name: value for name, value in values.items() if value}

    def page_url(number: int) -> str:
        return url_for("console_audit.index", page=number, **active)

    return render("console/audit_log.html", 400 if error else 200, entries=entries,
                  total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                  page_size=PAGE_SIZE, values=values, error=error, page_url=page_url,
                  known=known_values(criteria.organization_ids), filtered=bool(active))
