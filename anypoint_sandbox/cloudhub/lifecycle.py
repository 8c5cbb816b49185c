"""The CloudHub 1.0 application status machine, as pure functions of stored facts and the clock.

The store keeps a `Deployment` (what was last asked, when, whether workers were serving then, and
why this artifact cannot start, if it cannot); `observe` derives the status at any instant, so no
background thread moves applications along. Every transition takes `deploy_seconds` (the sandbox's
SANDBOX_DEPLOY_SECONDS). `observe` answers (status, deploymentUpdateStatus, reason):

    create(auto_start=False) -> UNDEPLOYED
    create(auto_start=True), start from UNDEPLOYED / UNDEPLOYING / DEPLOY_FAILED
        -> DEPLOYING (update DEPLOYING) for deploy_seconds
        -> STARTED, or DEPLOY_FAILED (update DEPLOY_FAILED, reason) when the artifact cannot start
    redeploy of a STARTED app (the old version keeps serving, as on CloudHub)
        -> STARTED (update DEPLOYING) -> STARTED, or STARTED (update DEPLOY_FAILED, reason)
    redeploy of any other live app -> as start (GUESS: a redeploy always runs the new version)
    stop from STARTED / DEPLOYING -> UNDEPLOYING for deploy_seconds -> UNDEPLOYED
    stop from DEPLOY_FAILED -> UNDEPLOYED at once
    restart of a live app -> as a redeploy of the same artifact
    delete from anything -> DELETED (the store may then drop the record and free the domain)

Start on STARTED/DEPLOYING and stop on UNDEPLOYED/UNDEPLOYING return the deployment unchanged
(the API may answer 304); any transition of a DELETED application raises TransitionRefused.
mule-maven-plugin waits while deploymentUpdateStatus is DEPLOYING and fails on any *FAIL* value.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple


class Status(StrEnum):
    UNDEPLOYED = "UNDEPLOYED"
    DEPLOYING = "DEPLOYING"
    STARTED = "STARTED"
    UNDEPLOYING = "UNDEPLOYING"
    DEPLOY_FAILED = "DEPLOY_FAILED"
    DELETED = "DELETED"


class Action(StrEnum):
    START = "START"
    STOP = "STOP"
    DELETE = "DELETE"


class TransitionRefused(Exception):
    """The application cannot make that move; `str(error)` says why in plain words."""


@dataclass(frozen=True)
class Deployment:
    """The stored facts: the last action asked for and the circumstances it met."""

    action: Action
    started_at: float  # when the action was asked for, in seconds (time.time())
    was_serving: bool = False  # workers were serving the application when it was asked for
    failure_reason: str | None = None  # why this artifact cannot start; None if it can


class Observation(NamedTuple):
    status: Status
    deployment_update_status: Status | None  # `deploymentUpdateStatus` in the API
    reason: str | None  # why the last deployment failed, else None


def observe(deployment: Deployment, now: float, deploy_seconds: float) -> Observation:
    """The status of `deployment` at time `now`."""
    done = now >= deployment.started_at + deploy_seconds
    if deployment.action is Action.DELETE:
        return Observation(Status.DELETED, None, None)
    if deployment.action is Action.STOP:
        busy = deployment.was_serving and not done
        return Observation(Status.UNDEPLOYING if busy else Status.UNDEPLOYED, None, None)
    if not done:
        serving = Status.STARTED if deployment.was_serving else Status.DEPLOYING
        return Observation(serving, Status.DEPLOYING, None)
    if deployment.failure_reason is None:
        return Observation(Status.STARTED, None, None)
    failed = Status.STARTED if deployment.was_serving else Status.DEPLOY_FAILED
    return Observation(failed, Status.DEPLOY_FAILED, deployment.failure_reason)


def create(now: float, *, auto_start: bool, failure_reason: str | None = None) -> Deployment:
    """A new application: deploying at once with `auto_start`, else UNDEPLOYED."""
    return Deployment(Action.START if auto_start else Action.STOP, now, False, failure_reason)


def start(deployment: Deployment, now: float, deploy_seconds: float) -> Deployment:
    """Ask for the application to run; unchanged if it is running or on its way."""
    status = _live_status(deployment, now, deploy_seconds)
    if status in (Status.STARTED, Status.DEPLOYING):
        return deployment
    return Deployment(Action.START, now, False, deployment.failure_reason)


def stop(deployment: Deployment, now: float, deploy_seconds: float) -> Deployment:
    """Ask for the application to stop; unchanged if it is stopped or stopping."""
    status = _live_status(deployment, now, deploy_seconds)
    if status in (Status.UNDEPLOYED, Status.UNDEPLOYING):
        return deployment
    serving = status in (Status.STARTED, Status.DEPLOYING)
    return Deployment(Action.STOP, now, serving, deployment.failure_reason)


def redeploy(
    deployment: Deployment, now: float, deploy_seconds: float, *, failure_reason: str | None
) -> Deployment:
    """Deploy a new artifact or runtime; `failure_reason` says why the new one cannot start."""
    status = _live_status(deployment, now, deploy_seconds)
    return Deployment(Action.START, now, status is Status.STARTED, failure_reason)


def restart(deployment: Deployment, now: float, deploy_seconds: float) -> Deployment:
    """Run the application afresh: a STARTED one keeps serving until the new workers are up
    (as a redeploy), a stopped or failed one starts."""
    status = _live_status(deployment, now, deploy_seconds)
    return Deployment(Action.START, now, status is Status.STARTED, deployment.failure_reason)


def delete(deployment: Deployment, now: float) -> Deployment:
    """Mark the application deleted (idempotent)."""
    if deployment.action is Action.DELETE:
        return deployment
    return replace(deployment, action=Action.DELETE, started_at=now)


def _live_status(deployment: Deployment, now: float, deploy_seconds: float) -> Status:
    status = observe(deployment, now, deploy_seconds).status
    if status is Status.DELETED:
        raise TransitionRefused("The application has been deleted.")
    return status
