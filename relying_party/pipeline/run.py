"""A pipeline deployment to CloudHub 1.0, in mule-maven-plugin's call sequence (reference §7.1).

client-credentials token → ``GET /accounts/api/me`` → the organization's environments (matched by
name) → domain availability → ``POST`` a new application, or ``PUT`` a new JAR when the name is
already this environment's application → ``START`` → poll ``GET`` until STARTED or failed.

:func:`deploy` returns an :class:`Outcome` whose ``code`` is the command's exit status
(:class:`ExitCode`); it never raises for anything the platform answers. No Flask, no click: the
caller gives an :class:`AnypointClient` and a :class:`Progress` to report to.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Protocol

from ..anypoint import deadlines
from ..anypoint.client import AnypointClient
from ..anypoint.cloudhub import CloudHub, Jar, app_info
from ..anypoint.errors import (
    DelegationEnded,
    MissingScope,
    NotFound,
    OAuthError,
    PlatformError,
    PlatformUnavailable,
)
from ..anypoint.models import Application, Environment

TOKEN_PATH = "/accounts/api/v2/oauth2/token"
DEFAULTS = {"workers": 1, "worker_size": "Micro", "region": "us-east-1"}  # the plugin's


class ExitCode(IntEnum):
    STARTED = 0
    DEPLOY_FAILED = 1
    USAGE = 2
    AUTH = 3
    UNAVAILABLE = 4


class Progress(Protocol):
    def step(self, message: str) -> None: ...
    def upload(self, filename: str, size: int) -> Callable[[int], None]: ...
    def uploaded(self) -> None: ...
    def waiting(self, status: str, elapsed: float, timeout: float) -> None: ...
    def waited(self) -> None: ...


@dataclass(frozen=True)
class Plan:
    """What to deploy where. ``None`` settings mean: the plugin's default on a new application,
    the application's current value on a redeploy; ``runtime=None`` on a new application means
    CloudHub's recommended runtime."""

    jar: Path
    environment: str
    name: str
    runtime: str | None = None
    workers: int | None = None
    worker_size: str | None = None
    region: str | None = None
    properties: dict[str, str] | None = None
    wait: bool = True
    timeout: float = 600.0


@dataclass
class Outcome:
    """The result the command prints (``as_json``) and exits with (``code``)."""

    code: ExitCode
    plan: Plan
    seconds: float = 0.0
    action: str | None = None  # created | redeployed
    application: Application | None = None
    error: str | None = None

    def as_json(self) -> dict:
        app = self.application
        body = {"application": self.plan.name, "environment": self.plan.environment,
                "status": app.status if app else None, "domain": app.domain if app else None,
                "fullDomain": app.full_domain if app else None, "action": self.action,
                "seconds": round(self.seconds, 2), "exitCode": int(self.code)}
        if self.error:
            body["error"] = self.error
        return body


class Stop(Exception):
    """Ends the deployment with ``code`` and a message for the person reading the log."""

    def __init__(self, code: ExitCode, message: str):
        super().__init__(message)
        self.code = code


class CountingStream:
    """A seekable binary file that reports each chunk read (the upload's progress)."""

    def __init__(self, stream, advanced: Callable[[int], None]):
        self.stream, self.advanced = stream, advanced

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.advanced(len(chunk))
        return chunk

    def seek(self, *args) -> int:
        return self.stream.seek(*args)

    def tell(self) -> int:
        return self.stream.tell()


def deploy(client: AnypointClient, plan: Plan, progress: Progress,
           clock: Callable[[], float] = time.monotonic,
           sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Run the whole sequence; every platform answer becomes an :class:`Outcome`."""
    started = clock()
    outcome = Outcome(ExitCode.STARTED, plan)
    try:
        _run(client, plan, progress, outcome, clock, sleep)
    except Stop as stop:
        outcome.code, outcome.error = stop.code, str(stop)
    except (OAuthError, DelegationEnded) as error:
        outcome.code = ExitCode.AUTH
        outcome.error = (f"Anypoint refused the connected app's credentials ({error.message}). "
                         "Check ANYPOINT_CI_CLIENT_ID and ANYPOINT_CI_CLIENT_SECRET.")
    except MissingScope as error:
        outcome.code = ExitCode.AUTH
        outcome.error = f"Anypoint refused: {error.message}"
    except PlatformUnavailable as error:
        outcome.code, outcome.error = ExitCode.UNAVAILABLE, f"Anypoint is unavailable: {error}"
        if (deadlines.left() or 1.0) <= 0:  # the command's --timeout ran out mid-call
            last = outcome.application.status if outcome.application else "none yet"
            outcome.error = (f"Timed out after {plan.timeout:g} s deploying {plan.name} "
                             f"(last status {last}).")
    except PlatformError as error:
        rejected = error.status is not None and 400 <= error.status < 500
        outcome.code = ExitCode.USAGE if rejected else ExitCode.UNAVAILABLE
        outcome.error = f"Anypoint answered {error.status or 'unexpectedly'}: {error.message}"
    outcome.seconds = clock() - started
    return outcome


def _run(client, plan: Plan, progress: Progress, outcome: Outcome, clock, sleep) -> None:
    progress.step(f"Authenticating at {client.base_url} as connected app {client.client_id}")
    token = client.oauth_post("client credentials", client.base_url + TOKEN_PATH,
                              {"grant_type": "client_credentials"}, "client_secret_post")
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise PlatformUnavailable("the token endpoint answered without an access_token")
    org_id = client.me(access_token).organization.id
    env = _environment(client.environments(access_token, org_id), plan.environment)
    cloudhub = CloudHub(client, access_token, org_id, env.id)
    if cloudhub.domain_available(plan.name):
        info = _settings(plan, cloudhub)
        outcome.action = "created"
        progress.step(f"Creating {plan.name} in {env.name} (Mule {info['muleVersion']['version']}"
                      f", {info['workers']['amount']} × {info['workers']['type']['name']}, "
                      f"{info['region']})")
        _upload(plan, progress, lambda jar: cloudhub.deploy(info, jar, auto_start=None))
    else:
        _existing(cloudhub, plan.name, env)
        info = _changes(plan)
        outcome.action = "redeployed"
        progress.step(f"Redeploying {plan.name} in {env.name}")
        _upload(plan, progress, lambda jar: cloudhub.redeploy(plan.name, jar, info))
    progress.step(f"Starting {plan.name}")
    cloudhub.set_status(plan.name, "START")
    if plan.wait:
        _wait(cloudhub, plan, progress, outcome, clock, sleep)
    else:
        outcome.application = cloudhub.application(plan.name)


def _environment(environments: list[Environment], name: str) -> Environment:
    """The environment called ``name`` (exactly, else the only case-insensitive match)."""
    exact = [env for env in environments if env.name == name]
    loose = [env for env in environments if env.name.lower() == name.lower()]
    if exact or len(loose) == 1:
        return (exact or loose)[0]
    seen = ", ".join(env.name for env in environments) or "none"
    raise Stop(ExitCode.USAGE, f"No environment called {name!r}: the connected app sees {seen}. "
               "(A client-credentials app sees only the environments where it has the "
               "view:environment scope.)")


def _settings(plan: Plan, cloudhub: CloudHub) -> dict:
    """The full appInfoJson of a new application: the plan, else the plugin's defaults."""
    runtime = plan.runtime or _recommended_runtime(cloudhub)
    return app_info(plan.name, runtime, plan.worker_size or DEFAULTS["worker_size"],
                    plan.workers or DEFAULTS["workers"], plan.region or DEFAULTS["region"],
                    plan.properties or {})


def _recommended_runtime(cloudhub: CloudHub) -> str:
    versions = cloudhub.mule_versions()
    chosen = next((v for v in versions if v.recommended), versions[0] if versions else None)
    if chosen is None:
        raise Stop(ExitCode.USAGE, "CloudHub offers no Mule runtime; choose one with --runtime.")
    return chosen.version


def _changes(plan: Plan) -> dict:
    """The appInfoJson of a redeploy: only what the plan sets; the rest stays as it is."""
    info: dict = {"domain": plan.name}
    if plan.runtime:
        info["muleVersion"] = {"version": plan.runtime}
    if plan.workers or plan.worker_size:
        info["workers"] = {key: value for key, value in (
            ("amount", plan.workers), ("type", plan.worker_size and {"name": plan.worker_size}))
            if value}
    if plan.region:
        info["region"] = plan.region
    if plan.properties is not None:
        info["properties"] = plan.properties
    return info


def _existing(cloudhub: CloudHub, name: str, env: Environment) -> Application:
    """The environment's application called ``name``; Stop(USAGE) when another owns the name."""
    try:
        return cloudhub.application(name)
    except NotFound:
        pass
    raise Stop(ExitCode.USAGE, f"The name {name} is taken by an application outside "
               f"{env.name} (CloudHub names are unique across all of CloudHub); choose another "
               "--name.")


def _upload(plan: Plan, progress: Progress, send: Callable[[Jar], Application]) -> None:
    with plan.jar.open("rb") as stream:
        advanced = progress.upload(plan.jar.name, plan.jar.stat().st_size)
        send(Jar(plan.jar.name, CountingStream(stream, advanced)))
    progress.uploaded()


def _wait(cloudhub: CloudHub, plan: Plan, progress: Progress, outcome: Outcome, clock,
          sleep) -> None:
    """Poll into ``outcome.application`` until STARTED, or Stop when it failed or time ran out
    (mule-maven-plugin's rules, §5.1); the pause between polls doubles up to 5 s."""
    began, pause = clock(), 0.5
    while True:
        app = outcome.application = cloudhub.application(plan.name)
        elapsed = clock() - began
        updating = app.status != "DEPLOYING" and app.update_status == "DEPLOYING"
        progress.waiting(app.status + (" · updating" if updating else ""), elapsed, plan.timeout)
        if app.failed:
            progress.waited()
            reason = app.failure_reason or "CloudHub gave no reason"
            state = app.status if "FAIL" in app.status else f"update {app.update_status}"
            raise Stop(ExitCode.DEPLOY_FAILED, f"The deployment of {plan.name} failed "
                       f"({state}): {reason}")
        if app.status == "STARTED" and not app.transitional:
            progress.waited()
            return
        left = plan.timeout - elapsed
        budget = deadlines.left()  # the whole command's --timeout, when it runs under one
        if budget is not None:
            left = min(left, budget - 0.1)  # keep a moment to say so
        if left <= 0:
            progress.waited()
            raise Stop(ExitCode.UNAVAILABLE, f"Timed out after {plan.timeout:g} s waiting for "
                       f"{plan.name} to start (last status {app.status}).")
        sleep(min(pause, max(left, 0.05)))
        pause = min(pause * 2, 5.0)
