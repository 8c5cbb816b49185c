"""The audit query's other forms (Audit Log Query API spec): a form-urlencoded query, as the
RAML original describes it (``accessToken`` in the body instead of a header; lists as repeated
fields or comma-separated; ``full``, ``ascending``, ``failed``, ``limit``, ``offset`` as text),
and answers as CSV (``…/query.csv``)."""

import csv
import io
import json

from flask import Response

from ..access_management.audit_query import QueryError
from .helpers import is_digits

FORM_LISTS = ("actions", "objectTypes", "objectIds", "userIds", "clientIds", "environmentIds",
              "platforms", "parentIds", "anypointTransactionIds")
CSV_COLUMNS = ("timestamp", "action", "objectType", "objectId", "objectName", "userName",
               "userId", "connectedApp", "environmentName", "environmentId", "organizationId",
               "payload")


def _form_value(key: str, values: list[str]):
    if key in FORM_LISTS:
        return [item.strip() for value in values for item in value.split(",") if item.strip()]
    value = values[-1]
    if key in ("full", "ascending", "failed"):
        if value.lower() not in ("true", "false"):
            raise QueryError(f"'{key}' must be true or false, not {value[:40]!r}.")
        return value.lower() == "true"
    if key in ("limit", "offset"):
        if not is_digits(value) or len(value) > 9:
            raise QueryError(f"'{key}' must be a whole number, not {value[:40]!r}.")
        return int(value)
    return value


def form_query(form) -> dict:
    """A form-urlencoded query as the JSON query's fields (``accessToken`` left out)."""
    return {key: _form_value(key, form.getlist(key)) for key in form
            if key != "accessToken"}


def csv_answer(entries: list[dict]) -> Response:
    """The entries as ``text/csv``: a header row, then one row per entry (objects as JSON)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([json.dumps(entry.get(column)) if isinstance(entry.get(column), dict)
                         else entry.get(column) for column in CSV_COLUMNS])
    return Response(out.getvalue(), mimetype="text/csv")
