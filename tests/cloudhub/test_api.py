"""The CloudHub 1.0 API: every path, its shapes, and every status transition over time."""

import time

import pytest

from anypoint_sandbox.cloudhub.runtime import MULE_RUNTIMES
from tests.support.cloudhub_client import DEPLOY_SECONDS, message, stored_files


def test_deploy_answers_the_application_in_anypoints_shape(developer, sample_jar, clock, uploads):
    response = developer.deploy("hello-mule", sample_jar)
    assert response.status_code == 200
    app = response.json
    assert app["domain"] == "hello-mule"
    assert app["fullDomain"] == "hello-mule.cloudhub.io"
    assert app["status"] == "DEPLOYING" and app["deploymentUpdateStatus"] == "DEPLOYING"
    assert app["workers"] == {"amount": 1, "type": {"name": "Micro", "weight": 0.1,
                                                    "cpu": "0.1 vCores",
                                                    "memory": "500 MB memory"},
                              "remainingOrgWorkers": 9, "totalOrgWorkers": 10,
                              "recentStatistics": {"transactions": 0, "cpu": 0.0}}
    assert app["muleVersion"]["version"] == "4.6.0"
    assert app["region"] == "us-east-1"
    assert app["properties"] == {"env": "dev"}
    assert app["lastUpdateTime"] == int(clock.now * 1000)
    assert app["fileName"] == "hello-mule-1.0.0-mule-application.jar"
    assert app["userName"] == "developer"
    assert app["hasFile"] is True
    assert len(stored_files(uploads)) == 1
    assert developer.get("hello-mule").json == app


def test_fields_left_out_get_the_plugin_defaults_and_the_recommended_runtime(developer,
                                                                           sample_jar):
    response = developer.deploy("plain-app", sample_jar, info='{"domain": "plain-app"}')
    app = response.json
    assert response.status_code == 200
    assert (app["workers"]["amount"], app["workers"]["type"]["name"]) == (1, "Micro")
    assert app["region"] == "us-east-1" and app["properties"] == {}
    recommended = next(runtime.version for runtime in MULE_RUNTIMES if runtime.recommended)
    assert app["muleVersion"]["version"] == recommended


def test_worker_type_name_is_enough_and_case_insensitive(developer, sample_jar):
    response = developer.deploy("big-app", sample_jar, region="eu-west-1",
                                workers={"amount": 3, "type": {"name": "MEDIUM"}})
    assert response.json["workers"]["amount"] == 3
    assert response.json["workers"]["type"] == {"name": "Medium", "weight": 1,
                                                "cpu": "1 vCore", "memory": "1.5 GB memory"}
    assert response.json["region"] == "eu-west-1"


def test_full_lifecycle_deploy_stop_start_delete(developer, sample_jar, clock):
    developer.deploy("cycle-app", sample_jar)
    clock.advance(DEPLOY_SECONDS - 0.1)
    assert developer.status("cycle-app") == "DEPLOYING"
    clock.advance(0.1)
    started = developer.get("cycle-app").json
    assert started["status"] == "STARTED" and "deploymentUpdateStatus" not in started

    stopping = developer.set_status("cycle-app", "STOP")
    assert stopping.status_code == 200 and stopping.json["status"] == "UNDEPLOYING"
    assert stopping.json["lastUpdateTime"] == int(clock.now * 1000)
    clock.advance(DEPLOY_SECONDS)
    assert developer.status("cycle-app") == "UNDEPLOYED"

    starting = developer.set_status("cycle-app", "start")
    assert starting.status_code == 200 and starting.json["status"] == "DEPLOYING"
    clock.advance(DEPLOY_SECONDS)
    assert developer.status("cycle-app") == "STARTED"

    assert developer.delete("cycle-app").status_code == 204
    assert developer.status("cycle-app") == "DELETED"
    clock.advance(DEPLOY_SECONDS)
    assert developer.get("cycle-app").status_code == 404


def test_stopping_while_deploying_and_starting_while_undeploying(developer, sample_jar, clock):
    developer.deploy("busy-app", sample_jar)
    assert developer.set_status("busy-app", "STOP").json["status"] == "UNDEPLOYING"
    clock.advance(DEPLOY_SECONDS / 2)
    assert developer.set_status("busy-app", "START").json["status"] == "DEPLOYING"
    clock.advance(DEPLOY_SECONDS)
    assert developer.status("busy-app") == "STARTED"


def test_auto_start_false_leaves_the_application_undeployed(developer, sample_jar, clock):
    response = developer.deploy("idle-app", sample_jar, auto_start="false")
    assert response.json["status"] == "UNDEPLOYED"
    assert "deploymentUpdateStatus" not in response.json
    clock.advance(DEPLOY_SECONDS * 3)
    assert developer.status("idle-app") == "UNDEPLOYED"
    assert developer.set_status("idle-app", "START").json["status"] == "DEPLOYING"


def test_status_that_changes_nothing_is_304(developer, sample_jar, clock):
    developer.deploy("same-app", sample_jar)
    deploying = developer.set_status("same-app", "START")  # what mule-maven-plugin sends next
    assert deploying.status_code == 304 and deploying.data == b""
    clock.advance(DEPLOY_SECONDS)
    assert developer.set_status("same-app", "START").status_code == 304
    developer.set_status("same-app", "STOP")
    assert developer.set_status("same-app", "STOP").status_code == 304


@pytest.mark.parametrize("body", [{"status": "PAUSE"}, {"state": "START"}, ["START"], None])
def test_status_needs_start_stop_or_restart(developer, sample_jar, body):
    developer.deploy("odd-app", sample_jar)
    response = developer.client.post("/cloudhub/api/applications/odd-app/status", json=body,
                                     headers=developer.headers())
    assert response.status_code == 400
    assert "START" in message(response) and "STOP" in message(response)


def test_status_of_an_unknown_application_is_404(developer):
    response = developer.set_status("no-such-app", "START")
    assert response.status_code == 404 and "no-such-app" in message(response)


def test_list_is_a_bare_array_of_the_environments_applications(as_user, sample_jar):
    admin_sandbox, admin_production = as_user("admin"), as_user("admin", "Production")
    admin_sandbox.deploy("zeta-app", sample_jar)
    admin_sandbox.deploy("alpha-app", sample_jar)
    admin_production.deploy("prod-app", sample_jar)
    listed = admin_sandbox.list()
    assert listed.status_code == 200 and isinstance(listed.json, list)
    assert [app["domain"] for app in listed.json] == ["alpha-app", "zeta-app"]
    assert [app["domain"] for app in admin_production.list().json] == ["prod-app"]
    assert admin_production.get("alpha-app").status_code == 404


def test_get_unknown_application_is_404(developer):
    response = developer.get("ghost-app")
    assert response.status_code == 404 and "ghost-app" in message(response)


def test_redeploy_with_a_new_file_keeps_serving_until_the_new_version_runs(
        developer, sample_jar, jar_builder, tmp_path, clock, uploads):
    developer.deploy("live-app", sample_jar)
    clock.advance(DEPLOY_SECONDS)
    first_file = stored_files(uploads)
    newer = jar_builder.build(tmp_path / "newer.jar", pad_mb=1)
    clock.advance(60)
    response = developer.redeploy("live-app", newer, properties={"env": "test"})
    assert response.status_code == 200
    assert response.json["status"] == "STARTED"
    assert response.json["deploymentUpdateStatus"] == "DEPLOYING"
    assert response.json["fileName"] == "new-version.jar"
    assert response.json["properties"] == {"env": "test"}
    assert response.json["lastUpdateTime"] == int(clock.now * 1000)
    assert len(stored_files(uploads)) == 1 and stored_files(uploads) != first_file
    clock.advance(DEPLOY_SECONDS)
    settled = developer.get("live-app").json
    assert settled["status"] == "STARTED" and "deploymentUpdateStatus" not in settled


def test_redeploy_of_settings_only_keeps_the_file(developer, sample_jar, clock, uploads):
    developer.deploy("tune-app", sample_jar, auto_start="false")
    before = stored_files(uploads)
    response = developer.redeploy("tune-app", workers={"amount": 2, "type": {"name": "Small"}})
    assert response.status_code == 200
    assert response.json["workers"]["amount"] == 2
    assert response.json["workers"]["type"]["name"] == "Small"
    assert response.json["properties"] == {"env": "dev"}  # not sent, so kept
    assert response.json["status"] == "DEPLOYING"  # a redeploy of a stopped app starts it
    assert stored_files(uploads) == before


def test_redeploy_cannot_rename_and_needs_an_existing_application(developer, sample_jar):
    developer.deploy("named-app", sample_jar)
    renamed = developer.redeploy("named-app", domain="other-name")
    assert renamed.status_code == 400 and "renamed" in message(renamed)
    assert developer.redeploy("missing-app", workers={"amount": 2}).status_code == 404


def test_too_new_min_mule_version_ends_in_deploy_failed_with_the_reason(
        developer, jar_builder, tmp_path, clock):
    needs_49 = jar_builder.build(tmp_path / "needs-49.jar", min_mule_version="4.9.0")
    response = developer.deploy("new-app", needs_49, muleVersion={"version": "4.6.0"})
    assert response.status_code == 200 and response.json["status"] == "DEPLOYING"
    clock.advance(DEPLOY_SECONDS)
    failed = developer.get("new-app").json
    assert failed["status"] == "DEPLOY_FAILED"
    assert failed["deploymentUpdateStatus"] == "DEPLOY_FAILED"
    assert "4.9.0" in failed["deploymentFailureReason"]
    assert "4.6.0" in failed["deploymentFailureReason"]
    fixed = developer.redeploy("new-app", muleVersion={"version": "4.9.0"})
    assert fixed.json["status"] == "DEPLOYING"
    clock.advance(DEPLOY_SECONDS)
    assert developer.status("new-app") == "STARTED"


def test_domain_availability_across_environments(as_user, sample_jar):
    developer, viewer = as_user("developer"), as_user("viewer", env="Production")
    assert developer.domain("fresh-name").json == {"available": True}
    developer.deploy("fresh-name", sample_jar)
    assert developer.domain("fresh-name").json == {"available": False}
    assert viewer.domain("fresh-name").json == {"available": False}
    no_env = as_user("viewer", env=None)
    assert no_env.domain("fresh-name").json == {"available": False}


@pytest.mark.parametrize("name, words", [("ab", "at least 3"), ("Hello-App", "lowercase"),
                                         ("my_app", "only lowercase letters"),
                                         ("1app", "start with a letter"),
                                         ("app-", "end with a hyphen"), ("a" * 43, "at most 42")])
def test_an_invalid_domain_is_400_with_the_reason(developer, name, words):
    response = developer.domain(name)
    assert response.status_code == 400 and words in message(response)


def test_delete_frees_the_name_at_once_and_removes_the_file(developer, sample_jar, uploads):
    developer.deploy("short-app", sample_jar)
    assert developer.delete("short-app").status_code == 204
    assert stored_files(uploads) == []
    assert developer.domain("short-app").json == {"available": True}
    assert developer.delete("short-app").status_code == 404
    assert developer.set_status("short-app", "START").status_code == 404
    again = developer.deploy("short-app", sample_jar)
    assert again.status_code == 200 and again.json["status"] == "DEPLOYING"


def test_a_deleted_application_shows_deleted_in_the_list_for_a_moment(developer, sample_jar,
                                                                       clock):
    developer.deploy("gone-app", sample_jar)
    developer.delete("gone-app")
    assert [(app["domain"], app["status"]) for app in developer.list().json] == [
        ("gone-app", "DELETED")]
    assert developer.get("gone-app").json["hasFile"] is False
    clock.advance(DEPLOY_SECONDS)
    assert developer.list().json == []


def test_mule_versions(developer):
    response = developer.client.get("/cloudhub/api/mule-versions", headers=developer.headers())
    assert response.status_code == 200
    assert response.json["total"] == len(MULE_RUNTIMES) == len(response.json["data"])
    assert [item["version"] for item in response.json["data"]] == [
        runtime.version for runtime in MULE_RUNTIMES]
    assert response.json["data"][0]["recommended"] is True
    lts = developer.client.get("/cloudhub/api/mule-versions?releaseChannel=LTS",
                               headers=developer.headers()).json
    assert {item["releaseChannel"] for item in lts["data"]} == {"LTS"}
    assert lts["total"] == sum(runtime.release_channel == "LTS" for runtime in MULE_RUNTIMES)


def test_the_real_clock_moves_a_deployment_along(settings, request):
    """Without an injected clock a deployment starts by itself. The create's own answer says
    DEPLOYING whatever the machine's speed; the next status calls see it start."""
    settings["SANDBOX_DEPLOY_SECONDS"] = 0.2
    developer = request.getfixturevalue("developer")
    created = developer.deploy("quick-app", request.getfixturevalue("sample_jar"))
    assert created.status_code == 200 and created.json["status"] == "DEPLOYING"
    deadline = time.monotonic() + 60
    while developer.status("quick-app") != "STARTED":
        assert time.monotonic() < deadline, "the deployment never started"
        time.sleep(0.05)
