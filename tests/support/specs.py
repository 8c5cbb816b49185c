"""MuleSoft's official OpenAPI specs of the platform, read at test time from
``<repo>/../shared/specs/anypoint/`` (never copied into the repository).

``load_specs(cache_dir)`` parses the three files once (YAML timestamps kept as text, as JSON has
none), turns the OAS 3.0 dialect into JSON Schema draft 4 (``nullable``; RAML's
``x-amf-union`` as ``anyOf``) and applies ``DEVIATIONS``: the places where a spec contradicts
itself or the platform, each followed the platform's way and listed in the README's "where
Anypoint is undocumented". ``Spec.find(method, path)`` gives the operation of a sandbox path;
``spec_checks`` validates answers and requests against it. access-management.yaml is not valid
OAS 3.0 (``type: "null"``, ``patternProperties``), so jsonschema validates over the whole
document instead of an OpenAPI library.
"""

from __future__ import annotations

import copy
import hashlib
import json
import pathlib
import re
from dataclasses import dataclass

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.support.spec_deviations import DEVIATIONS, METHODS, walk
from tests.support.tools import missing

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC_DIR = ROOT.parent / "shared" / "specs" / "anypoint"
#: name -> (file, base path of the servers' URLs, which the sandbox serves the spec's paths under)
FILES = {"access-management": ("access-management.yaml", "/accounts/api"),
         "cloudhub": ("cloudhub.yaml", "/cloudhub/api"),
         "audit-log-query": ("audit-log-query.yaml", "/audit/v2")}

def require_specs() -> pathlib.Path:
    """The spec folder; skips (fails under CI=true) when it is absent, as in a clone elsewhere."""
    if not all((SPEC_DIR / name).is_file() for name, _base in FILES.values()):
        missing("MuleSoft's Anypoint specs", f"{SPEC_DIR} is absent (shared/ beside the clone)")
    return SPEC_DIR


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """A safe loader that keeps timestamps as text (the examples hold unquoted ones)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _normalise(doc) -> None:
    """OAS 3.0's ``nullable`` and RAML's ``x-amf-union`` in JSON Schema draft 4 terms."""
    for node in walk(doc):
        if node.get("nullable") is True and "type" in node:
            node["type"] = [node["type"], "null"]
        if "x-amf-union" in node and not {"type", "anyOf", "oneOf"} & set(node):
            node["anyOf"] = node["x-amf-union"]


@dataclass(frozen=True)
class Operation:
    spec: Spec
    template: str  # the spec's path, e.g. /organizations/{organizationId}
    method: str
    op: dict
    item: dict
    path_params: dict

    @property
    def where(self) -> str:
        return (f"{self.spec.name}: {self.method.upper()} {self.template} "
                f"[{self.op.get('operationId')}]")

    @property
    def base_pointer(self) -> str:
        escaped = self.template.replace("~", "~0").replace("/", "~1")
        return f"#/paths/{escaped}/{self.method}"


class Spec:
    """One spec file, normalised, with its operations and a validator per schema pointer."""

    def __init__(self, name: str, doc: dict):
        self.name, self.doc = name, doc
        self.base = FILES[name][1]
        self.uri = f"urn:anypoint-spec:{name}"
        self.registry = Registry().with_resource(self.uri, Resource(doc, DRAFT4))
        self._validators: dict[str, Draft4Validator] = {}
        self.operations = sorted(
            ((template.count("{"), -len(re.sub(r"\{[^}]+\}", "", template)), template, method)
             for template, item in doc["paths"].items() for method in METHODS if method in item))

    def find(self, method: str, path: str) -> Operation | None:
        """The operation serving ``path`` (a sandbox path under the spec's base), literal
        segments winning over parameters; None when the spec has none."""
        relative = path[len(self.base):] or "/"
        for _n, _literal, template, verb in self.operations:
            if verb != method.lower():
                continue
            found = _template(template).match(relative)
            if found:
                item = self.doc["paths"][template]
                return Operation(self, template, verb, item[verb], item, found.groupdict())
        return None

    def validator(self, where: str) -> Draft4Validator:
        if where not in self._validators:
            self._validators[where] = Draft4Validator({"$ref": self.uri + where},
                                                      registry=self.registry)
        return self._validators[where]


def _template(template: str) -> re.Pattern:
    pattern, at = "", 0
    for found in re.finditer(r"\{([^}]+)\}", template):
        pattern += re.escape(template[at:found.start()])
        embedded = found.start() > 0 and template[found.start() - 1] != "/"
        name = re.sub(r"\W", "_", found[1])
        pattern += f"(?P<{name}>[^/]{'*' if embedded else '+'})"
        at = found.end()
    return re.compile(f"^{pattern}{re.escape(template[at:])}$")


def _parsed(path: pathlib.Path, cache_dir: pathlib.Path | None) -> dict:
    data = path.read_bytes()
    cached = cache_dir / f"{path.stem}-{hashlib.sha256(data).hexdigest()[:16]}.json" if (
        cache_dir) else None
    if cached is not None and cached.exists():
        return json.loads(cached.read_text())
    doc = yaml.load(data, Loader=_Loader)
    for item in doc["paths"].values():  # YAML gives integer status keys
        for method in METHODS:
            if method in item:
                item[method]["responses"] = {str(k): v for k, v in
                                             item[method].get("responses", {}).items()}
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{id(doc)}.tmp")
        partial.write_text(json.dumps(doc))
        partial.replace(cached)
    return doc


def load_specs(cache_dir: pathlib.Path | None = None) -> dict[str, Spec]:
    """The three specs by name, normalised and with the deviations applied."""
    folder = require_specs()
    specs = {}
    for name, (file_name, _base) in FILES.items():
        doc = copy.deepcopy(_parsed(folder / file_name, cache_dir))
        _normalise(doc)
        for patch in DEVIATIONS.get(name, ()):
            patch(doc)
        specs[name] = Spec(name, doc)
    return specs


def spec_for(specs: dict[str, Spec], path: str) -> Spec | None:
    """The spec whose base path ``path`` is under, or None."""
    return next((spec for spec in specs.values()
                 if path == spec.base or path.startswith(spec.base + "/")), None)


def example(spec: Spec, template: str, method: str = "get", status: str = "200"):
    """The spec's own example answer of an operation (media-level, else schema-level)."""
    content = spec.doc["paths"][template][method]["responses"][status]["content"]
    media = content["application/json"]
    return copy.deepcopy(media["example"] if "example" in media else media["schema"]["example"])
