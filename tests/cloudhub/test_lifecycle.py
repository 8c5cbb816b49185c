"""The CloudHub 1.0 status machine, driven by a fake clock."""

import pytest

from anypoint_sandbox.cloudhub import lifecycle
from anypoint_sandbox.cloudhub.artifacts import inspect_artifact
from anypoint_sandbox.cloudhub.lifecycle import Status, TransitionRefused, observe
from anypoint_sandbox.cloudhub.runtime import runtime_mismatch
from tests.support.jars import load_builder

DEPLOY_SECONDS = 5.0
REASON = "The application needs Mule runtime 4.9.0 or newer"


class Clock:
    """Time that moves only when a test says so."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock():
    return Clock()


def seen(deployment, clock):
    return tuple(observe(deployment, clock.now, DEPLOY_SECONDS))


def started_app(clock):
    deployment = lifecycle.create(clock.now, auto_start=True)
    clock.advance(DEPLOY_SECONDS)
    return deployment


def test_created_without_auto_start_is_undeployed(clock):
    deployment = lifecycle.create(clock.now, auto_start=False)
    assert seen(deployment, clock) == (Status.UNDEPLOYED, None, None)
    clock.advance(3600)
    assert seen(deployment, clock) == (Status.UNDEPLOYED, None, None)


def test_deploying_then_started(clock):
    deployment = lifecycle.create(clock.now, auto_start=True)
    assert seen(deployment, clock) == (Status.DEPLOYING, Status.DEPLOYING, None)
    clock.advance(DEPLOY_SECONDS - 0.01)
    assert seen(deployment, clock) == (Status.DEPLOYING, Status.DEPLOYING, None)
    clock.advance(0.01)
    assert seen(deployment, clock) == (Status.STARTED, None, None)


def test_an_artifact_that_cannot_start_ends_in_deploy_failed(clock):
    deployment = lifecycle.create(clock.now, auto_start=True, failure_reason=REASON)
    assert seen(deployment, clock)[0] is Status.DEPLOYING
    clock.advance(DEPLOY_SECONDS)
    assert seen(deployment, clock) == (Status.DEPLOY_FAILED, Status.DEPLOY_FAILED, REASON)


def test_statuses_serialise_as_the_api_spells_them(clock):
    status, update, _ = seen(lifecycle.create(clock.now, auto_start=True), clock)
    assert (status, update) == ("DEPLOYING", "DEPLOYING")


def test_stop_a_started_app_goes_through_undeploying(clock):
    deployment = lifecycle.stop(started_app(clock), clock.now, DEPLOY_SECONDS)
    assert seen(deployment, clock) == (Status.UNDEPLOYING, None, None)
    clock.advance(DEPLOY_SECONDS)
    assert seen(deployment, clock) == (Status.UNDEPLOYED, None, None)


def test_stop_while_deploying_goes_through_undeploying(clock):
    deploying = lifecycle.create(clock.now, auto_start=True)
    clock.advance(1)
    assert (
        seen(lifecycle.stop(deploying, clock.now, DEPLOY_SECONDS), clock)[0] is Status.UNDEPLOYING
    )


def test_stop_after_a_failed_deploy_is_immediate(clock):
    failed = lifecycle.create(clock.now, auto_start=True, failure_reason=REASON)
    clock.advance(DEPLOY_SECONDS)
    stopped = lifecycle.stop(failed, clock.now, DEPLOY_SECONDS)
    assert seen(stopped, clock) == (Status.UNDEPLOYED, None, None)


def test_stop_is_a_no_op_when_stopped_or_stopping(clock):
    idle = lifecycle.create(clock.now, auto_start=False)
    assert lifecycle.stop(idle, clock.now, DEPLOY_SECONDS) is idle
    stopping = lifecycle.stop(started_app(clock), clock.now, DEPLOY_SECONDS)
    assert lifecycle.stop(stopping, clock.now, DEPLOY_SECONDS) is stopping


def test_start_is_a_no_op_when_started_or_deploying(clock):
    deploying = lifecycle.create(clock.now, auto_start=True)
    assert lifecycle.start(deploying, clock.now, DEPLOY_SECONDS) is deploying
    clock.advance(DEPLOY_SECONDS)
    assert lifecycle.start(deploying, clock.now, DEPLOY_SECONDS) is deploying


@pytest.mark.parametrize("how", ["undeployed", "undeploying", "failed"])
def test_start_deploys_again_from_any_stopped_state(clock, how):
    if how == "undeployed":
        deployment = lifecycle.create(clock.now, auto_start=False)
    elif how == "undeploying":
        deployment = lifecycle.stop(started_app(clock), clock.now, DEPLOY_SECONDS)
    else:
        deployment = lifecycle.create(clock.now, auto_start=True, failure_reason=REASON)
        clock.advance(DEPLOY_SECONDS)
    restarted = lifecycle.start(deployment, clock.now, DEPLOY_SECONDS)
    assert seen(restarted, clock) == (Status.DEPLOYING, Status.DEPLOYING, None)
    clock.advance(DEPLOY_SECONDS)
    expected = Status.DEPLOY_FAILED if how == "failed" else Status.STARTED
    assert seen(restarted, clock)[0] is expected


def test_redeploy_of_a_started_app_keeps_serving_the_old_version(clock):
    updated = lifecycle.redeploy(started_app(clock), clock.now, DEPLOY_SECONDS, failure_reason=None)
    assert seen(updated, clock) == (Status.STARTED, Status.DEPLOYING, None)
    clock.advance(DEPLOY_SECONDS)
    assert seen(updated, clock) == (Status.STARTED, None, None)


def test_a_failed_redeploy_of_a_started_app_reports_the_failure(clock):
    updated = lifecycle.redeploy(
        started_app(clock), clock.now, DEPLOY_SECONDS, failure_reason=REASON
    )
    clock.advance(DEPLOY_SECONDS)
    assert seen(updated, clock) == (Status.STARTED, Status.DEPLOY_FAILED, REASON)


def test_redeploy_of_a_failed_app_with_a_fixed_artifact_starts_it(clock):
    failed = lifecycle.create(clock.now, auto_start=True, failure_reason=REASON)
    clock.advance(DEPLOY_SECONDS)
    fixed = lifecycle.redeploy(failed, clock.now, DEPLOY_SECONDS, failure_reason=None)
    assert seen(fixed, clock) == (Status.DEPLOYING, Status.DEPLOYING, None)
    clock.advance(DEPLOY_SECONDS)
    assert seen(fixed, clock) == (Status.STARTED, None, None)


def test_redeploy_of_a_stopped_app_deploys_it(clock):
    idle = lifecycle.create(clock.now, auto_start=False)
    assert (
        seen(lifecycle.redeploy(idle, clock.now, DEPLOY_SECONDS, failure_reason=None), clock)[0]
        is Status.DEPLOYING
    )


def test_delete_marks_deleted_and_refuses_further_moves(clock):
    deleted = lifecycle.delete(started_app(clock), clock.now)
    assert seen(deleted, clock) == (Status.DELETED, None, None)
    assert lifecycle.delete(deleted, clock.now) is deleted
    for move in (lifecycle.start, lifecycle.stop):
        with pytest.raises(TransitionRefused, match="has been deleted"):
            move(deleted, clock.now, DEPLOY_SECONDS)
    with pytest.raises(TransitionRefused):
        lifecycle.redeploy(deleted, clock.now, DEPLOY_SECONDS, failure_reason=None)


def test_deploy_stop_start_delete_over_time(clock):
    deployment = lifecycle.create(clock.now, auto_start=False)
    deployment = lifecycle.start(deployment, clock.now, DEPLOY_SECONDS)
    history = [seen(deployment, clock)[0]]
    clock.advance(DEPLOY_SECONDS)
    history.append(seen(deployment, clock)[0])
    deployment = lifecycle.stop(deployment, clock.advance(60), DEPLOY_SECONDS)
    history.append(seen(deployment, clock)[0])
    clock.advance(DEPLOY_SECONDS)
    history.append(seen(deployment, clock)[0])
    deployment = lifecycle.start(deployment, clock.now, DEPLOY_SECONDS)
    clock.advance(DEPLOY_SECONDS)
    history.append(seen(deployment, clock)[0])
    deployment = lifecycle.delete(deployment, clock.now)
    history.append(seen(deployment, clock)[0])
    assert history == ["DEPLOYING", "STARTED", "UNDEPLOYING", "UNDEPLOYED", "STARTED", "DELETED"]


def test_a_jar_needing_a_newer_runtime_fails_with_the_reason(clock, tmp_path):
    jar = load_builder().build(tmp_path / "newer.jar", min_mule_version="4.9.0")
    reason = runtime_mismatch(inspect_artifact(jar).min_mule_version, "4.4.0")
    deployment = lifecycle.create(clock.now, auto_start=True, failure_reason=reason)
    clock.advance(DEPLOY_SECONDS)
    status, update, shown = seen(deployment, clock)
    assert (status, update) == (Status.DEPLOY_FAILED, Status.DEPLOY_FAILED)
    assert "4.9.0" in shown and "4.4.0" in shown
