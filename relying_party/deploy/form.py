"""The "Deploy a Mule application" form: choices, and checks that name the field at fault.

Pure functions, no Flask: :func:`parse_properties`, :func:`name_problem` and :func:`validate`,
which turns the posted fields into a :class:`DeployRequest` or a ``{field: message}`` dict.
Worker sizes, regions and name rules come from :mod:`..anypoint.catalogue`; the runtimes come
from the platform (mule-versions). The platform has the last word on every value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..anypoint.catalogue import MAX_WORKERS, REGIONS, WORKER_SIZES, name_problem, workers_of

_KEY = re.compile(r"[^\s=]+")


@dataclass(frozen=True)
class DeployRequest:
    """A checked deploy form (the JAR travels separately)."""

    environment: str
    name: str
    runtime: str
    worker_size: str
    workers: int
    region: str
    properties: dict[str, str] = field(default_factory=dict)


class PropertiesError(ValueError):
    """A properties line that is not ``key=value``; the message names the line."""


def parse_properties(text: str) -> dict[str, str]:
    """``key=value`` lines as a dict. Blank lines and lines starting with ``#`` are skipped;
    spaces around keys and values are trimmed. Raises PropertiesError naming the bad line."""
    properties: dict[str, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        shown = line if len(line) <= 60 else line[:57] + "…"
        if not sep:
            raise PropertiesError(f"Line {number} (“{shown}”) is not key=value.")
        if not _KEY.fullmatch(key):
            raise PropertiesError(f"Line {number} (“{shown}”) has no key before the “=” "
                                  "or a key with spaces.")
        if key in properties:
            raise PropertiesError(f"Line {number} sets “{key}” a second time.")
        properties[key] = value.strip()
    return properties


def validate(form: Mapping[str, str], *, environments: Sequence[str], runtimes: Sequence[str],
             filename: str | None) -> tuple[DeployRequest | None, dict[str, str]]:
    """Check the posted fields; ``(request, {})`` when all is well, else ``(None, errors)``.

    ``environments`` and ``runtimes`` are the ids and versions the platform offered;
    ``filename`` is the uploaded file's name (None or empty when no file was sent).
    """
    values = {key: (form.get(key) or "").strip() for key in (
        "environment", "name", "runtime", "worker_size", "workers", "region")}
    errors: dict[str, str] = {}
    if values["environment"] not in environments:
        errors["environment"] = "Choose one of your environments."
    if problem := name_problem(values["name"]):
        errors["name"] = problem
    if values["runtime"] not in runtimes:
        errors["runtime"] = "Choose one of the Mule runtime versions offered."
    if values["worker_size"] not in {size for size, _ in WORKER_SIZES}:
        errors["worker_size"] = "Choose a worker size."
    workers = workers_of(values["workers"])
    if workers is None:
        errors["workers"] = f"Choose 1 to {MAX_WORKERS} workers."
    if values["region"] not in REGIONS:
        errors["region"] = "Choose a region."
    try:
        properties = parse_properties(form.get("properties") or "")
    except PropertiesError as error:
        errors["properties"], properties = str(error), {}
    if not filename:
        errors["file"] = "Choose the application's JAR file."
    elif not filename.lower().endswith(".jar"):
        errors["file"] = "Choose a Mule application JAR (a file ending in .jar)."
    if errors:
        return None, errors
    return DeployRequest(values["environment"], values["name"], values["runtime"],
                         values["worker_size"], workers, values["region"], properties), {}
