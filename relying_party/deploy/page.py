"""The /deploy page's content: environments, applications, runtimes, the form's values and
every panel, gathered so that no single refusal or outage turns the page into an error.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import session, url_for

from ..anypoint.catalogue import DEFAULT_REGION, MAX_WORKERS, REGIONS, WORKER_SIZES
from ..anypoint.cloudhub import SCOPES
from ..anypoint.errors import MissingScope, PlatformError, PlatformUnavailable
from ..anypoint.scopes import describe
from .rights import rights_of
from .support import (
    MEGABYTE,
    Delegation,
    covers,
    environments_refusal,
    max_file_bytes,
    max_upload_bytes,
    operation_refusal,
    right_refusal,
)

#: Words in CloudHub's 400 answers that point at a form field other than the JAR.
FIELD_HINTS = (("name", ("application name", "domain")), ("runtime", ("mule runtime",)),
               ("worker_size", ("worker type",)), ("workers", ("workers.amount",)),
               ("region", ("region",)), ("properties", ("propert",)))


def when_iso(epoch: float | None, millis: bool = False) -> str | None:
    """Seconds since the epoch as ISO 8601 UTC (``2024-01-31T12:00:00Z``, or with
    ``millis`` ``2024-01-31T12:00:00.250Z``), or None."""
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def error_field(error: PlatformError) -> str:
    """The form field a CloudHub 4xx is about: 409 the name, a 400 by its words, else the JAR."""
    if error.status == 409:
        return "name"
    words = error.message.lower()
    return next((field for field, hints in FIELD_HINTS if any(h in words for h in hints)), "file")


def _defaults(env_id: str | None, runtimes) -> dict:
    recommended = next((v.version for v in runtimes if v.recommended), None)
    return {"environment": env_id or "", "name": "", "worker_size": WORKER_SIZES[0][0],
            "runtime": recommended or (runtimes[0].version if runtimes else ""), "workers": "1",
            "region": DEFAULT_REGION, "properties": ""}


def _pick(environments, wanted: str | None):
    """The environment asked for, else the first sandbox, else the first one."""
    by_id = {env.id: env for env in environments}
    if wanted in by_id:
        return by_id[wanted]
    return next((env for env in environments if env.type == "sandbox"),
                environments[0] if environments else None)


def permissions(user: Delegation, next_path: str, rights: dict | None = None) -> dict:
    """The Runtime Manager scopes, granted or not, whether the user holds each right in the
    chosen environment (``rights``: {operation: True, False or None when not known}), and a
    link asking for all missing scopes."""
    rights = rights or {}
    rows = [{"scope": scope, "description": describe(scope), "right": rights.get(operation),
             "granted": covers(user.tokens.scopes, scope)} for operation, scope in SCOPES.items()]
    missing = [row["scope"] for row in rows if not row["granted"]]
    ask = url_for("auth.login", scope=" ".join(dict.fromkeys([*user.tokens.scopes, *missing])),
                  next=next_path) if missing else None
    return {"rows": rows, "ask_all": ask}


def page_context(user: Delegation, env_id: str | None, values: dict | None = None) -> dict:
    """Everything deploy/index.html shows. Refusals become panels, outages a notice."""
    page: dict = {"environments": [], "environment": None, "applications": None,
                  "runtimes": [], "errors": {}, "unavailable": False, "sizes": WORKER_SIZES,
                  "regions": REGIONS, "max_workers": MAX_WORKERS,
                  "max_mb": max_upload_bytes() // MEGABYTE, "max_file_bytes": max_file_bytes(),
                  "notice": session.pop("deploy_notice", None)}
    if not user.may_list_environments():
        page["env_refusal"] = environments_refusal(user.tokens)
    else:
        try:
            page["environments"] = user.environments()
        except MissingScope as error:
            page["env_refusal"] = environments_refusal(user.tokens, error)
        except PlatformUnavailable:
            page["unavailable"] = True
    env = page["environment"] = _pick(page["environments"], env_id)
    if env_id and env is not None and env.id != env_id:
        page["unknown_environment"] = (f"You have no environment with the id {env_id[:60]!r}; "
                                       f"showing {env.name} instead.")
    here = url_for("deploy.index", environment=env.id) if env else url_for("deploy.index")
    rights = rights_of(user) if env is not None else None
    page["rights"] = {op: rights.may(op, env.id) if rights else None for op in SCOPES}
    page["permissions"] = permissions(user, here, page["rights"])
    if env is not None and not user.may("read"):
        page["apps_refusal"] = operation_refusal(user.tokens, "read", next_path=here)
    elif env is not None and not page["unavailable"]:
        try:
            page["applications"] = user.cloudhub(env.id).applications()
        except MissingScope as error:
            page["apps_refusal"] = operation_refusal(user.tokens, "read", error, here)
        except PlatformUnavailable:
            page["unavailable"] = True
    if env is not None and not page["unavailable"] and user.may("read"):
        try:  # the runtimes are the organization's, whatever the environment
            page["runtimes"] = user.cloudhub().mule_versions()
        except MissingScope:
            pass  # the form then offers no runtime; the panels above say why
        except PlatformUnavailable:
            page["unavailable"] = True
    if not user.may("deploy"):
        page["deploy_refusal"] = operation_refusal(user.tokens, "deploy", next_path=here)
        page["deploy_refusal"]["no_right"] = page["rights"]["deploy"] is False
    elif page["rights"]["deploy"] is False:
        page["deploy_refusal"] = right_refusal(user, "deploy", env.name)
    page["values"] = {**_defaults(env.id if env else None, page["runtimes"]), **(values or {})}
    return page
