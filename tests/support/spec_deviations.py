"""Where MuleSoft's specs contradict themselves or the platform, and the sandbox follows the
platform (each listed in the README's "where Anypoint is undocumented"): patches applied to the
normalised documents before any check. Most come from schemas generated from one example."""

ME = "#/paths/~1me/get/responses/200/content/application~1json/schema"
PROFILE = "#/paths/~1profile/get/responses/200/content/application~1json/schema"
METHODS = ("get", "put", "post", "delete", "patch")
SCOPES = [f"#/paths/{path}/get/responses/200/content/application~1json/schema/properties/data/"
          "items/properties/context_params" for path in (
              "~1connectedApplications~1{clientId}~1scopes",
              "~1organizations~1{organizationId}~1connectedApplications~1{clientId}~1scopes")]


def walk(node, skip=("example", "examples", "x-amf-examples")):
    """Every object in a JSON document, examples left out."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key not in skip:
                yield from walk(value, skip)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, skip)


def _answers(doc):
    """Every schema node under an operation's answers."""
    for item in doc["paths"].values():
        for method in METHODS:
            for answer in (item.get(method) or {}).get("responses", {}).values():
                yield from walk(answer.get("content") or {})


def pointer(doc, where: str):
    """The node at a JSON pointer (``#/paths/~1me/get``)."""
    node = doc
    for part in where.lstrip("#/").split("/"):
        if part:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _any_item(doc):  # `items: {type: object}` made from an example's empty array
    for node in _answers(doc):
        items = node.get("items")
        if isinstance(items, dict) and items.get("type") == "object" and set(items) <= {
                "type", "description"}:
            items.pop("type")


def _null_or_string(doc):  # `type: "null"` made from an example's null
    for node in _answers(doc):
        if node.get("type") == "null":
            node["type"] = ["string", "null"]


def _drop_required(node):
    for schema in walk(node):
        schema.pop("required", None)


def _named(name):
    def patch(doc):
        for node in _answers(doc):
            if isinstance((node.get("properties") or {}).get(name), dict):
                _drop_required(node["properties"][name])
                if name == "salesforce":
                    node["required"] = [key for key in node.get("required", []) if key != name]
    return patch


def _unrequire(where: str, *names):
    def patch(doc):
        node = pointer(doc, where)
        node["required"] = [key for key in node.get("required", []) if key not in names]
    return patch


def _any_org(where: str):
    def patch(doc):
        pointer(doc, where).clear()
        pointer(doc, where).update(type="object", additionalProperties={
            "type": "object", "required": ["defaultEnvironment"],
            "properties": {"defaultEnvironment": {"type": "string"}}})
    return patch


def _client_id_text(doc):
    pointer(doc, "#/components/schemas/UserAuthorization/properties/client_id").pop("pattern")


def _org_only_scopes(doc):
    for where in SCOPES:
        _unrequire(where, "envId")(doc)


#: Where a spec contradicts itself or the platform, and the sandbox follows the platform.
DEVIATIONS = {
    "access-management": (_any_item, _null_or_string, _unrequire(ME, "client"),
                          _any_org(ME + "/properties/user/properties/organizationPreferences"),
                          _any_org(PROFILE + "/properties/organizationPreferences"),
                          _named("entitlements"), _named("salesforce"), _client_id_text,
                          _org_only_scopes),
}
