"""A tour of a sandbox app's platform APIs with the Flask test client, every exchange kept for
checking against the specs: ``tour.call(method, path, status, ...)`` sends the request (with
every query parameter the spec declares a default for, at that default), asserts the status and
records it, and sends a successful read once more with every query parameter its operation
declares (``tour.parameter_problems``); ``tour.problems()`` checks every exchange;
``unvisited(app, tour)`` lists the served operations no exchange reached."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.support.spec_checks import (
    answer_problems,
    request_problems,
    sample_query,
    spec_query,
)
from tests.support.specs import Operation, spec_for

#: Served paths no spec describes, and why (README, "where Anypoint is undocumented").
EXEMPT = {
    "/": "the sandbox's home: a redirect to its discovery document",
    "/static/": "the console's style sheets",
    "/console/": "the console's HTML pages (Anypoint's web UI, which no API spec describes)",
    "/accounts/interaction/": "the sign-in and consent pages of the authorization flow (HTML)",
    "/cli/api/v1/analytics/": "MuleSoft's CLI's telemetry, which no spec describes",
}


def exempt(rule: str) -> str | None:
    """Why a served path has no spec operation, or None when it must have one."""
    return next((why for prefix, why in EXEMPT.items()
                 if rule == prefix or (prefix != "/" and rule.startswith(prefix))), None)


@dataclass
class Exchange:
    operation: Operation
    rule: str
    method: str
    query: dict
    headers: dict
    content_type: str | None
    body: bytes
    status: int
    answer_type: str | None
    answer: bytes
    path: str  # as sent, the rule's parameters filled in


class Tour:
    def __init__(self, app, specs):
        self.app, self.client, self.specs = app, app.test_client(), specs
        self.exchanges: list[Exchange] = []
        #: Reads sent again with every declared query parameter (see ``call``), and problems.
        self.replayed, self.parameter_problems = 0, []

    def call(self, method: str, path: str, status: int, *, query=None, headers=None,
             json_body=None, form=None, body: bytes = b"", content_type: str | None = None):
        """Send one request; assert its status; return the response."""
        spec = spec_for(self.specs, path)
        operation = spec.find(method, path) if spec else None
        assert operation is not None, f"no spec operation for {method} {path}"
        query = {**spec_query(operation), **(query or {})}
        if json_body is not None:
            body, content_type = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        response = self.client.open(path, method=method, query_string=query,
                                    headers=headers or {}, data=body, content_type=content_type)
        assert response.status_code == status, (method, path, query, response.data[:800])
        rule, _args = self.app.url_map.bind("localhost").match(path, method, return_rule=True)
        self.exchanges.append(Exchange(operation, rule.rule, method, query, dict(headers or {}),
                                       content_type, body, response.status_code,
                                       response.headers.get("Content-Type"), response.data,
                                       path))
        if method == "GET" and response.status_code < 300:
            self.parameter_problems += self._with_every_parameter(self.exchanges[-1])
        return response

    def _with_every_parameter(self, item: Exchange) -> list[str]:
        """Send a read once more with every query parameter its operation declares
        (``sample_query``; what the tour sent wins); its problems if refused or out of spec."""
        query = {**sample_query(item.operation), **item.query}
        self.replayed += 1
        response = self.client.get(item.path, query_string=query, headers=item.headers)
        where = f"GET {item.rule} with {query}"
        if response.status_code >= 400:
            return [f"{where}: refused with {response.status_code} {response.data[:200]!r}"]
        return [f"{where}: {problem}" for problem in answer_problems(
            item.operation, response.status_code, response.headers.get("Content-Type"),
            response.data)]

    def problems(self) -> list[str]:
        found = []
        for item in self.exchanges:
            where = f"{item.method} {item.rule} -> {item.status} ({item.operation.where})"
            problems = request_problems(item.operation, item.query, item.headers,
                                        item.content_type, item.body)
            if item.status < 400 or str(item.status) in item.operation.op["responses"]:
                problems += answer_problems(item.operation, item.status, item.answer_type,
                                            item.answer)
            else:
                problems += _error_shape(item)
            found += [f"{where}: {problem}" for problem in problems]
        return found


def _error_shape(item: Exchange) -> list[str]:
    """Undocumented error statuses (the specs list almost none) get the platform's shape:
    ``{"message"}`` on the platform APIs, RFC 6749's ``{error, error_description}`` at OAuth."""
    try:
        answer = json.loads(item.answer)
    except ValueError:
        return ["the error answer is not JSON"]
    keys = {"error", "error_description"} if "/oauth2/" in item.rule else {"message"}
    return [] if isinstance(answer, dict) and keys <= set(answer) else [
        f"the error answer is not {sorted(keys)}: {answer!r:.200}"]


def unvisited(app, tour: Tour) -> list[str]:
    """Every (method, rule) the app serves outside EXEMPT that no exchange of the tour used."""
    visited = {(item.method, item.rule) for item in tour.exchanges}
    served = {(method, rule.rule) for rule in app.url_map.iter_rules() if not exempt(rule.rule)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    return sorted(f"{method} {rule}" for method, rule in served - visited)


def spec_less(app, specs) -> list[str]:
    """Served (method, rule) pairs outside EXEMPT that no spec operation describes."""
    missing = []
    for rule in app.url_map.iter_rules():
        if exempt(rule.rule):
            continue
        path = re.sub(r"<[^>]+>", "x1", rule.rule)
        spec = spec_for(specs, path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if spec is None or spec.find(method, path) is None:
                missing.append(f"{method} {rule.rule}")
    return sorted(missing)
