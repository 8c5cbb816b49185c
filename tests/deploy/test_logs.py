"""An application's deployments and their logs in the app: end to end against the sandbox
with its clock moved by hand (lines appear as CloudHub writes them), and with the fake
platform for refusals, odd answers and ids that must never be sent."""

from __future__ import annotations

import re

import pytest

from tests.support.fake_platform import ALL_SCOPES, platform_app, response, signed_in_client
from tests.support.labs import DeployLab

NAME = "hello-logs"


@pytest.fixture
def lab(tmp_path, clock):
    instance = DeployLab(tmp_path)
    yield instance
    instance.stop()


def messages(body: dict) -> list[str]:
    return [line["message"].strip() for line in body["lines"]]


def test_the_log_follows_a_deploy_stop_and_start_as_cloudhub_writes_it(lab, clock, sample_jar):
    browser = lab.signed_in()
    env = lab.sandbox.environment_id("Sandbox")
    answer = lab.post_deploy(browser, lab.deploy_fields(browser, env, NAME), sample_jar)
    assert answer.status_code == 303, answer.text[:500]
    base = f"{lab.url}/deploy/{env}/{NAME}"

    page = browser.get(base)
    assert f'data-logs-url="/deploy/{env}/{NAME}/logs.json"' in page.text
    assert f'href="/deploy/{env}/{NAME}/logs"' in page.text  # the page without JavaScript
    deploying = browser.get(base + "/logs.json").json()
    assert deploying["deployment"]["state"] == "starting"
    assert any(m.startswith(f"Deploying application {NAME}") for m in messages(deploying))
    assert not any("Started app" in m for m in messages(deploying))

    clock.advance(1)
    started = browser.get(base + "/logs.json").json()
    assert started["deployment"]["state"] == "running"
    assert started["deployment"]["workers"] == 1
    assert f"Started app '{NAME}'" in "\n".join(messages(started))
    assert messages(started)[-1] == "Your application is started."
    times = [line["at"] for line in started["lines"]]
    assert times == sorted(times) and all(re.fullmatch(r"\S+T\S+\.\d{3}Z", t) for t in times)
    first_id = started["deployment"]["id"]

    token = lab.csrf(browser, f"/deploy/{env}/{NAME}")
    assert browser.post(base + "/stop", data={"csrf_token": token},
                        allow_redirects=False).status_code == 303
    clock.advance(1)
    assert browser.post(base + "/start", data={"csrf_token": token},
                        allow_redirects=False).status_code == 303
    clock.advance(1)

    logs = browser.get(base + "/logs")
    assert logs.status_code == 200
    listing = logs.text.split('id="deployments"')[1].split('id="deployment-log"')[0]
    listed = re.findall(r'href="/deploy/[^"]+/logs\?deployment=([^"]+)"', listing)
    assert len(listed) == 2 and listed[1] == first_id  # newest first
    assert f"Starting application {NAME}" in logs.text
    assert f"Stopping application {NAME}" not in logs.text  # the first deployment's
    older = browser.get(base + "/logs", params={"deployment": first_id})
    assert older.status_code == 200
    assert f"Stopping application {NAME}" in older.text and "Application was stopped." in older.text
    assert 'aria-current="true"' in older.text
    chosen = browser.get(base + "/logs.json", params={"deployment": first_id}).json()
    assert chosen["deployment"]["state"] == "ended" and chosen["deployment"]["workers"] == 0


def test_unknown_deployments_and_applications_are_404s_in_plain_words(lab, clock, sample_jar):
    browser = lab.signed_in()
    env = lab.sandbox.environment_id("Sandbox")
    lab.post_deploy(browser, lab.deploy_fields(browser, env, NAME), sample_jar)
    base = f"{lab.url}/deploy/{env}/{NAME}"
    for wanted in ("5f0c0ffee", "../../x", "é" * 3, "a" * 300):
        page = browser.get(base + "/logs", params={"deployment": wanted})
        assert page.status_code == 404 and "No such deployment" in page.text
        answer = browser.get(base + "/logs.json", params={"deployment": wanted})
        assert answer.status_code == 404 and answer.json()["error"] == "not_found"
    missing = browser.get(f"{lab.url}/deploy/{env}/no-such-app/logs")
    assert missing.status_code == 404 and "No such application" in missing.text
    assert browser.get(f"{lab.url}/deploy/{env}/no-such-app/logs.json").status_code == 404


def test_an_application_with_no_deployment_says_so(tmp_path):
    app, fake = platform_app(tmp_path)
    fake.answers[("GET", "/cloudhub/api/v2/applications/quiet-app/deployments")] = response(
        200, {"data": [], "total": 0})
    client = signed_in_client(app)
    page = client.get("/deploy/env-sbx/quiet-app/logs")
    assert page.status_code == 200 and "has no deployments yet" in page.get_data(as_text=True)
    assert client.get("/deploy/env-sbx/quiet-app/logs.json").get_json() == {
        "deployment": None, "lines": [], "total": 0, "shown": 0,
        "page": "/deploy/env-sbx/quiet-app/logs"}
    assert [call["path"] for call in fake.calls if "/logs" in call["path"]] == []


def test_without_the_read_scope_the_page_asks_and_sends_nothing(tmp_path):
    app, fake = platform_app(tmp_path, scopes=[s for s in ALL_SCOPES
                                               if s != "read:applications"])
    client = signed_in_client(app)
    page = client.get("/deploy/env-sbx/hello-app/logs")
    text = page.get_data(as_text=True)
    assert page.status_code == 403
    assert 'data-kind="scope" data-scope="read:applications"' in text
    assert "read its deployments and logs" in text
    assert not [call for call in fake.calls if "/deployments" in call["path"]]


def test_odd_log_answers_are_read_or_refused_never_a_crash(tmp_path):
    app, fake = platform_app(tmp_path)
    client = signed_in_client(app)
    deployments = "/cloudhub/api/v2/applications/odd-app/deployments"
    fake.answers[("GET", deployments)] = response(200, {"data": [
        {"deploymentId": "d1", "createTime": "2015-12-14 17:49:15.731000+00:00",
         "startTime": 1450115359329, "instances": [{"instanceId": "d1-0"}, "junk"]}]})
    fake.answers[("GET", deployments + "/d1/logs")] = response(200, {"data": [
        {"message": "x" * 20_000, "priority": "warn", "timestamp": "soon"},
        {"message": "<script>alert(1)</script>", "timestamp": 1450115359329}], "total": "many"})
    body = client.get("/deploy/env-sbx/odd-app/logs.json").get_json()
    assert body["deployment"] == {"id": "d1", "state": "running",
                                  "created": "2015-12-14T17:49:15Z",
                                  "started": "2015-12-14T17:49:19Z", "ended": None,
                                  "workers": 1}
    assert body["total"] == 2 and body["lines"][0]["priority"] == "WARN"
    assert body["lines"][0]["at"] is None and body["lines"][0]["message"].endswith("longer)")
    assert len(body["lines"][0]["message"]) < 10_100
    page = client.get("/deploy/env-sbx/odd-app/logs").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    fake.answers[("GET", deployments + "/d1/logs")] = response(200, {"lines": []})
    assert client.get("/deploy/env-sbx/odd-app/logs").status_code == 502
    fake.answers[("GET", deployments)] = response(200, {"data": [{"createTime": "x"}]})
    assert client.get("/deploy/env-sbx/odd-app/logs.json").status_code == 502
