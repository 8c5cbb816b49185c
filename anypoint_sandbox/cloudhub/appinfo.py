"""The `appInfoJson` part of a deploy or redeploy, checked field by field (reference §5.1).

Only the fields the sandbox acts on are read: `domain`, `muleVersion.version`, `workers.amount`,
`workers.type.name` (the name is enough, as CloudHub's spec says), `region` and `properties`.
Anything else mule-maven-plugin or Runtime Manager sends (monitoring, object store, logging
flags…) is accepted and ignored. A field that is absent is None here; the caller chooses the
default (on create) or keeps the current value (on redeploy).

Limits that CloudHub does not publish as API rules, chosen for the sandbox:
* 1 to 8 workers (CloudHub 1.0 lets an application scale out to 8 workers);
* properties: at most 200, names up to 255 characters, values text up to 10 000 characters;
* appInfoJson: at most 100 000 characters, nesting at most 32 levels deep.
"""

import json
from dataclasses import dataclass

from ..api.helpers import MAX_JSON_DEPTH, TooDeep, load_json
from .domains import validate_domain
from .runtime import MULE_RUNTIMES, REGIONS, WORKER_TYPES, find_runtime, find_worker_type

MIN_WORKERS, MAX_WORKERS = 1, 8
MAX_PROPERTIES, MAX_PROPERTY_NAME, MAX_PROPERTY_VALUE = 200, 255, 10_000
MAX_APP_INFO_CHARS = 100_000


class InvalidAppInfo(ValueError):
    """`appInfoJson` cannot be used; `str(error)` says why in plain words."""


@dataclass(frozen=True)
class AppInfo:
    domain: str | None
    mule_version: str | None
    workers: int | None
    worker_type: str | None  # the catalogue's spelling, e.g. "Micro" for "MICRO"
    region: str | None
    properties: dict[str, str] | None


def parse_app_info(raw: str | None) -> AppInfo:
    """The checked fields of `raw` (a JSON object as text; None or blank means no fields).
    Raises InvalidAppInfo naming the first bad field."""
    if raw is None or not raw.strip():
        return AppInfo(None, None, None, None, None, None)
    if len(raw) > MAX_APP_INFO_CHARS:
        raise InvalidAppInfo(f"appInfoJson is longer than {MAX_APP_INFO_CHARS} characters.")
    try:
        info = load_json(raw)
    except TooDeep:
        raise InvalidAppInfo(f"appInfoJson nests lists or objects more than {MAX_JSON_DEPTH} "
                             "levels deep.") from None
    except json.JSONDecodeError as error:
        raise InvalidAppInfo(f"appInfoJson is not valid JSON ({error.msg} at line "
                             f"{error.lineno}, column {error.colno}).") from None
    return app_info_from(info)


def app_info_from(info, label: str = "appInfoJson") -> AppInfo:
    """The checked fields of an already decoded appInfoJson (or ``applicationInfo``)."""
    if not isinstance(info, dict):
        raise InvalidAppInfo(f"{label} must be a JSON object.")
    workers = _object(info, "workers")
    return AppInfo(
        domain=_domain(info.get("domain")),
        mule_version=_mule_version(_object(info, "muleVersion").get("version")),
        workers=_workers(workers.get("amount")),
        worker_type=_worker_type(_object(workers, "type", "workers.type").get("name")),
        region=_region(info.get("region")),
        properties=_properties(info.get("properties")),
    )


def _shown(value) -> str:
    """A value as JSON, cut short for an error message."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _object(parent: dict, key: str, label: str | None = None) -> dict:
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidAppInfo(f"{label or key} in appInfoJson must be a JSON object.")
    return value


def _domain(value) -> str | None:
    if value is None:
        return None
    if problem := validate_domain(value):
        raise InvalidAppInfo(problem)
    return value


def _mule_version(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or find_runtime(value) is None:
        offered = ", ".join(runtime.version for runtime in MULE_RUNTIMES)
        raise InvalidAppInfo(f"Mule runtime {_shown(value)} is not offered; choose one of "
                             f"{offered}.")
    return value


def _workers(value) -> int | None:
    if value is None:
        return None
    # MuleSoft's CLI sends --workers as a string ("2"), which the platform reads as a number.
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 2:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not (
            MIN_WORKERS <= value <= MAX_WORKERS):
        raise InvalidAppInfo(f"workers.amount must be a whole number from {MIN_WORKERS} to "
                             f"{MAX_WORKERS}, not {_shown(value)}.")
    return value


def _worker_type(value) -> str | None:
    if value is None:
        return None
    kind = find_worker_type(value)
    if kind is None:
        names = ", ".join(kind.name for kind in WORKER_TYPES)
        raise InvalidAppInfo(f"Worker type {_shown(value)} does not exist; choose one of "
                             f"{names}.")
    return kind.name


def _region(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in REGIONS:
        raise InvalidAppInfo(f"Region {_shown(value)} does not exist; choose one of "
                             f"{', '.join(REGIONS)}.")
    return value


def _properties(value) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidAppInfo("properties in appInfoJson must be a JSON object of names to text.")
    if len(value) > MAX_PROPERTIES:
        raise InvalidAppInfo(f"An application may have at most {MAX_PROPERTIES} properties.")
    for name, text in value.items():
        if not name.strip() or len(name) > MAX_PROPERTY_NAME:
            raise InvalidAppInfo(f"Property names must have 1 to {MAX_PROPERTY_NAME} characters.")
        if not isinstance(text, str):
            raise InvalidAppInfo(f"The value of property {_shown(name)} must be text, not "
                                 f"{_shown(text)}.")
        if len(text) > MAX_PROPERTY_VALUE:
            raise InvalidAppInfo(f"The value of property {_shown(name)} is longer than "
                                 f"{MAX_PROPERTY_VALUE} characters.")
    return dict(value)
