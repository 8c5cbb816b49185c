"""Deployments and logs: each deploy, start and restart opens a deployment, a stop or delete
ends it, and a few lines are written per move, each when the sandbox's clock reaches it."""

from tests.support.cloudhub_client import APPLICATIONS, DEPLOY_SECONDS, message


def deployments(api, name, **query):
    answer = api.client.get(f"{APPLICATIONS}/{name}/deployments", query_string=query,
                            headers=api.headers())
    assert answer.status_code == 200, answer.json
    return answer.json


def logs(api, name, deployment_id, **query):
    answer = api.client.get(f"{APPLICATIONS}/{name}/deployments/{deployment_id}/logs",
                            query_string=query, headers=api.headers())
    assert answer.status_code == 200, answer.json
    return answer.json


def messages(api, name, deployment_id) -> list[str]:
    return [line["message"] for line in logs(api, name, deployment_id)["data"]]


def test_a_deploy_logs_as_it_goes_and_starts_its_workers(developer, sample_jar, clock):
    developer.deploy("log-app", sample_jar)
    found = deployments(developer, "log-app")
    assert found["total"] == 1
    first = found["data"][0]
    assert set(first) == {"deploymentId", "createTime", "instances"}
    assert first["instances"] == [{"instanceId": f"{first['deploymentId']}-0",
                                   "publicIPAddress": "203.0.113.10", "status": "DEPLOYING",
                                   "region": "us-east-1"}]
    opening = ("Deploying application log-app (log-app-1.0.0-mule-application.jar) to 1 Micro "
               "worker(s) in us-east-1")
    assert messages(developer, "log-app", first["deploymentId"]) == [opening]
    clock.advance(DEPLOY_SECONDS * 0.3)
    assert messages(developer, "log-app", first["deploymentId"]) == [
        opening, "Provisioning CloudHub worker..."]
    clock.advance(DEPLOY_SECONDS)
    started = deployments(developer, "log-app")["data"][0]
    assert started["instances"][0]["status"] == "STARTED" and "startTime" in started
    lines = logs(developer, "log-app", first["deploymentId"])["data"]
    assert [line["message"] for line in lines][-1] == "Your application is started."
    assert any("* Started app 'log-app'" in line["message"] for line in lines)
    stamps = [line["timestamp"] for line in lines]
    assert stamps == sorted(set(stamps))  # one millisecond each: tail-logs misses none
    assert {line["priority"] for line in lines} == {"SYSTEM", "INFO"}
    assert developer.get("log-app").json["workerStatuses"] == [
        {"id": f"{first['deploymentId']}-0", "host": "203.0.113.10", "port": 8081,
         "status": "STARTED", "deployedRegion": "us-east-1"}]


def test_stop_start_and_restart_end_and_open_deployments(developer, sample_jar, clock):
    developer.deploy("cycle-app", sample_jar)
    clock.advance(DEPLOY_SECONDS)
    developer.set_status("cycle-app", "STOP")
    clock.advance(DEPLOY_SECONDS)
    stopped = deployments(developer, "cycle-app")["data"][0]
    assert stopped["instances"] == [] and "endTime" in stopped
    assert messages(developer, "cycle-app", stopped["deploymentId"])[-2:] == [
        "Stopped app 'cycle-app'", "Application was stopped."]
    developer.set_status("cycle-app", "start")
    clock.advance(DEPLOY_SECONDS)
    restarted = developer.set_status("cycle-app", "restart")
    assert restarted.status_code == 200 and restarted.json["status"] == "STARTED"
    newest = deployments(developer, "cycle-app", orderByDate="DESC")
    assert newest["total"] == 3
    assert messages(developer, "cycle-app", newest["data"][0]["deploymentId"])[0] == \
        "Restarting application cycle-app"
    assert messages(developer, "cycle-app", newest["data"][1]["deploymentId"])[0] == \
        "Starting application cycle-app"
    clock.advance(DEPLOY_SECONDS)
    assert "endTime" in deployments(developer, "cycle-app", orderByDate="DESC")["data"][1]
    paged = deployments(developer, "cycle-app", limit=1, offset=1)
    assert paged["total"] == 3 and paged["data"][0]["deploymentId"] == \
        newest["data"][1]["deploymentId"]


def test_a_failed_deploy_says_why_and_an_overtaken_one_never_starts(developer, jar_builder,
                                                                     sample_jar, clock,
                                                                     tmp_path):
    needs_newer = jar_builder.build(tmp_path / "new.jar", min_mule_version="4.9.0")
    developer.deploy("fail-app", needs_newer)
    clock.advance(DEPLOY_SECONDS)
    failed = deployments(developer, "fail-app")["data"][0]
    lines = logs(developer, "fail-app", failed["deploymentId"])["data"]
    assert lines[-2]["priority"] == "ERROR"
    assert lines[-2]["message"].startswith("Deployment failed: The application needs Mule "
                                           "runtime 4.9.0")
    assert failed["instances"] == [] and "startTime" not in failed

    developer.deploy("quick-app", sample_jar)
    clock.advance(DEPLOY_SECONDS / 4)
    developer.set_status("quick-app", "STOP")
    clock.advance(DEPLOY_SECONDS * 2)
    only = deployments(developer, "quick-app")["data"][0]["deploymentId"]
    written = messages(developer, "quick-app", only)
    assert not any("Started app" in line for line in written)
    assert written[-1] == "Application was stopped."


def test_instance_logs_and_the_log_file(developer, sample_jar, clock):
    developer.deploy("file-app", sample_jar)
    clock.advance(DEPLOY_SECONDS)
    deployment = deployments(developer, "file-app")["data"][0]
    instance = deployment["instances"][0]["instanceId"]
    base = f"{APPLICATIONS}/file-app/instances/{instance}"
    every = developer.client.get(f"{base}/logs", headers=developer.headers()).json
    tail = developer.client.get(f"{base}/logs", query_string={"tail": "true", "limit": 2},
                                headers=developer.headers()).json
    assert tail["data"] == every["data"][-2:] and tail["total"] == every["total"]
    text = developer.client.get(f"{base}/log-file", headers=developer.headers())
    assert text.mimetype == "application/octet-stream"
    first = text.get_data(as_text=True).splitlines()[0]
    assert first.startswith("[") and "SYSTEM  System [worker-0]: Deploying application" in first


def test_unknown_deployments_instances_and_bad_parameters_are_named(developer, sample_jar):
    developer.deploy("odd-log-app", sample_jar)
    headers = developer.headers()
    for path, words in (("/deployments/nope/logs", "Deployment nope"),
                        ("/instances/nope-0/logs", "Instance nope-0"),
                        ("/instances/nope/log-file", "Instance nope")):
        answer = developer.client.get(f"{APPLICATIONS}/odd-log-app{path}", headers=headers)
        assert answer.status_code == 404 and words in message(answer)
    for query, words in (({"orderByDate": "SIDEWAYS"}, "'orderByDate' must be one of"),
                         ({"limit": "²"}, "'limit' must be a whole number")):
        answer = developer.client.get(f"{APPLICATIONS}/odd-log-app/deployments",
                                      query_string=query, headers=headers)
        assert answer.status_code == 400 and words in message(answer)
    missing = developer.client.get(f"{APPLICATIONS}/no-app/deployments", headers=headers)
    assert missing.status_code == 404
