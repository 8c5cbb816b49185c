"""Checking a sandbox answer, or a request it accepted, against the operation of the spec.

``answer_problems(operation, status, content_type, body)``: the status must be documented (with
``allowed_statuses`` for the few the sandbox documents itself), 204/304 must be empty, the media
type documented, a JSON body valid against its schema (CloudHub's many example-only schemas
accept anything; their shape is then held to the spec's own example by ``example_problems``).

``request_problems(operation, query, headers, content_type, body)``: every required parameter is
there and every declared one has its type and enum; a JSON or form body matches its schema; a
multipart body has the parts the RAML original requires (the OAS schema describes the JSON
form). Both return plain-words problems, empty when all is well.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from jsonschema import Draft4Validator

from tests.support.spec_deviations import pointer
from tests.support.specs import Operation

#: Statuses the sandbox answers that the specs leave out, with why (see the README).
UNDOCUMENTED = {"createApplicationsByDomainStatus": {"304"}}  # START/STOP that changes nothing


def _media(content_type: str | None) -> str | None:
    return content_type.split(";")[0].strip().lower() if content_type else None


def _errors(validator: Draft4Validator, instance) -> list[str]:
    found = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "$" + "".join(f"[{part!r}]" for part in error.absolute_path)
        found.append(f"{where}: {error.message[:300]}")
    return found


def _response(operation: Operation, status: int):
    answers = operation.op.get("responses") or {}
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in answers:
            return key, answers[key]
    return None, None


def _schema_only_example(node) -> bool:
    while isinstance(node, dict) and "$ref" in node:
        node = node["$ref"]
    return isinstance(node, dict) and set(node) <= {"example", "description"}


def answer_problems(operation: Operation, status: int, content_type: str | None, body: bytes
                    ) -> list[str]:
    key, answer = _response(operation, status)
    if answer is None:
        if str(status) in UNDOCUMENTED.get(operation.op.get("operationId"), ()):
            return [] if not body else [f"{status} must have no body"]
        return [f"status {status} is not documented ({', '.join(operation.op['responses'])})"]
    content = answer.get("content") or {}
    if not content:
        return [f"{status} must have no body"] if status in (204, 304) and body else []
    media = _media(content_type)
    if media not in content:
        return [f"content type {content_type!r} is not documented ({', '.join(content)})"]
    schema = content[media].get("schema")
    if schema is None or media != "application/json":
        return []  # text/csv, octet-stream: the media type is all the spec says
    try:
        instance = json.loads(body)
    except ValueError:
        return ["the body is not JSON"]
    where = f"{operation.base_pointer}/responses/{key}/content/application~1json/schema"
    if _schema_only_example(schema):
        return example_problems(schema.get("example", content[media].get("example")), instance)
    return _errors(operation.spec.validator(where), instance)


def _shape(example):
    """A schema requiring the example's keys and JSON types (nulls unconstrained)."""
    if isinstance(example, dict):
        return {"type": "object", "required": [k for k, v in example.items() if v is not None],
                "properties": {k: _shape(v) for k, v in example.items()}}
    if isinstance(example, list):
        return {"type": "array", **({"items": _shape(example[0])} if example else {})}
    for kind, name in ((bool, "boolean"), (int | float, "number"), (str, "string")):
        if isinstance(example, kind):
            return {"type": name}
    return {}


#: Keys of CloudHub's examples for what the sandbox does not have (VPNs, deployment groups),
#: and ``endTime``/``startTime`` of a deployment that has not ended or started yet.
ABSENT_BY_DESIGN = {"vpnConfig", "deploymentGroup", "previousMuleVersion", "startTime",
                    "endTime"}


def example_problems(example, instance) -> list[str]:
    """Problems of ``instance`` against the shape of the spec's own example (our strictness
    where the spec gives no schema)."""
    shape = _shape(example)
    for node in _walk_shapes(shape):
        node["required"] = [key for key in node.get("required", [])
                            if key not in ABSENT_BY_DESIGN]
    return [f"(example) {problem}" for problem in _errors(Draft4Validator(shape), instance)]


def _walk_shapes(shape):
    if isinstance(shape, dict):
        yield shape
        for value in (shape.get("properties") or {}).values():
            yield from _walk_shapes(value)
        yield from _walk_shapes(shape.get("items"))


def _parameters(operation: Operation) -> list[dict]:
    declared = {}
    for parameter in [*operation.item.get("parameters", []), *operation.op.get("parameters",
                                                                                 [])]:
        if "$ref" in parameter:
            parameter = pointer(operation.spec.doc, parameter["$ref"])
        declared[(parameter["in"], parameter["name"])] = parameter
    return list(declared.values())


def spec_query(operation: Operation) -> dict[str, str]:
    """Every query parameter the operation declares with a default, at that default, as a
    client that sends the spec's full form would."""
    query = {}
    for parameter in _parameters(operation):
        schema = parameter.get("schema") or {}
        if parameter["in"] == "query" and "default" in schema:
            default = schema["default"]
            query[parameter["name"]] = str(default).lower() if isinstance(default, bool) else str(
                default)
    return query


def _typed(value: str, schema: dict):
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.lower(), value)
    if kind == "array":
        return value.split(",")
    return value


def request_problems(operation: Operation, query: dict, headers: dict, content_type: str | None,
                     body: bytes) -> list[str]:
    problems = []
    headers = {name.lower(): value for name, value in headers.items()}
    for parameter in _parameters(operation):
        place, name, schema = parameter["in"], parameter["name"], parameter.get("schema") or {}
        sent = {"query": query.get(name), "header": headers.get(name.lower()),
                "path": operation.path_params.get(name)}.get(place)
        if sent is None or (place == "path" and sent == "" and name == "mediaTypeExtension"):
            # Required-with-a-default (CloudHub's list flags) means optional.
            if parameter.get("required") and "default" not in schema and place != "path":
                problems.append(f"the required {place} parameter {name!r} is missing")
            continue
        problems += [f"{place} parameter {name!r}: {problem}" for problem in
                     _errors(Draft4Validator(schema), _typed(sent, schema))]
    return problems + _body_problems(operation, content_type, body)


def _body_problems(operation: Operation, content_type: str | None, body: bytes) -> list[str]:
    declared = operation.op.get("requestBody")
    if declared is None or not body:
        return []
    where = f"{operation.base_pointer}/requestBody"
    if "$ref" in declared:
        where, declared = declared["$ref"], pointer(operation.spec.doc, declared["$ref"])
    media = _media(content_type)
    raml = [item for item in operation.op.get("x-amf-requestPayloads", [])
            if item.get("mediaType") == media]
    if media not in (declared.get("content") or {}) and not raml:
        return [f"content type {content_type!r} is not documented"]
    if media == "multipart/form-data":
        text = body.decode("latin-1")
        return [f"the multipart part {part!r} is missing" for part in
                (raml[0]["schema"].get("required", []) if raml else [])
                if f'name="{part}"' not in text]
    if media == "application/x-www-form-urlencoded":
        # Its OAS schema is the JSON one; the RAML original lists the form's own fields.
        sent = parse_qs(body.decode())
        return [f"the form field {name!r} is missing" for name in
                (raml[0]["schema"].get("required", []) if raml else []) if name not in sent]
    schema_where = f"{where}/content/{media.replace('/', '~1')}/schema"
    return _errors(operation.spec.validator(schema_where), json.loads(body))


def sample_query(operation: Operation) -> dict[str, str]:
    """Every query parameter the operation declares, at its default or else a value of its
    type (the first of an enum, ``true``, the minimum or 1, ``x``)."""
    query = {}
    for parameter in _parameters(operation):
        if parameter["in"] != "query":
            continue
        schema = parameter.get("schema") or {}
        kind = schema.get("type")
        if "default" in schema:
            value = schema["default"]
        elif schema.get("enum"):
            value = schema["enum"][0]
        elif kind == "boolean":
            value = True
        elif kind in ("integer", "number"):
            value = schema.get("minimum", 1)
        else:
            value = "x"
        query[parameter["name"]] = str(value).lower() if isinstance(value, bool) else str(value)
    return query
