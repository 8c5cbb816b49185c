"""CloudHub's catalogue (regions, one runtime, the organization's account), deploying from
Exchange with a JSON body, and the V1 delete MuleSoft's CLI uses."""

from anypoint_sandbox.cloudhub.runtime import find_runtime
from tests.support.cloudhub_client import APPLICATIONS, DEPLOY_SECONDS, message

ASSET = {"source": "EXCHANGE", "groupId": "org.mule.examples", "artifactId": "hello-world",
         "version": "1.4.0"}


def test_regions_one_runtime_and_the_organization(developer, sample_jar):
    regions = developer.client.get("/cloudhub/api/regions", headers=developer.headers()).json
    assert {"id": "eu-west-1", "name": "EU (Ireland)", "default": False} in regions
    assert [region["id"] for region in regions if region["default"]] == ["us-east-1"]
    one = developer.client.get("/cloudhub/api/mule-versions/4.6.0", headers=developer.headers())
    runtime = find_runtime("4.6.0")
    assert one.json["latestUpdate"]["id"] == runtime.update_id
    assert one.json["endOfLifeDate"] > one.json["endOfSupportDate"]
    missing = developer.client.get("/cloudhub/api/mule-versions/3.9.0",
                                   headers=developer.headers())
    assert missing.status_code == 404 and "3.9.0" in message(missing)
    developer.deploy("count-app", sample_jar)
    account = developer.client.get("/cloudhub/api/organization",
                                   headers=developer.headers()).json
    assert account["name"] == "Training" and account["adminUsername"] == "admin"
    assert account["usage"]["sandboxApplications"] == 1
    assert account["usage"]["sandboxWorkers"] == 1 and account["usage"]["sandboxes"] == 2


def test_a_json_deploy_from_exchange(developer, clock):
    answer = developer.client.post(APPLICATIONS, headers=developer.headers(), json={
        "applicationInfo": {"domain": "from-exchange", "muleVersion": {"version": "4.6.0"},
                            "workers": {"amount": 2, "type": {"name": "Small"}}},
        "applicationSource": ASSET, "autoStart": True})
    assert answer.status_code == 200, answer.json
    app = answer.json
    assert app["fileName"] == "hello-world-1.4.0-mule-application.jar"
    assert app["hasFile"] is False and app["workers"]["amount"] == 2
    clock.advance(DEPLOY_SECONDS)
    assert developer.status("from-exchange") == "STARTED"
    assert app["muleVersion"]["updateId"] == app["muleVersion"]["latestUpdateId"]
    again = developer.client.post(APPLICATIONS, headers=developer.headers(), json={
        "applicationInfo": {"domain": "from-exchange"}, "applicationSource": ASSET})
    assert again.status_code == 409


def test_bad_exchange_deploys_are_named(developer):
    for body, words in (
            ({"applicationInfo": {"domain": "bad-exchange"},
              "applicationSource": {**ASSET, "source": "SANDBOX"}}, "keeps no files"),
            ({"applicationInfo": {"domain": "bad-exchange"},
              "applicationSource": {**ASSET, "version": ""}}, "applicationSource.version"),
            ({"applicationInfo": {}, "applicationSource": ASSET}, "has no domain"),
            ({"applicationInfo": "x", "applicationSource": ASSET}, "must be a JSON object"),
            ({"applicationInfo": {"domain": "bad-exchange"}, "applicationSource": ASSET,
              "autoStart": "yes"}, "autoStart must be true or false")):
        answer = developer.client.post(APPLICATIONS, headers=developer.headers(), json=body)
        assert answer.status_code == 400 and words in message(answer), (body, answer.json)


def test_the_v1_delete_answers_200(developer, sample_jar):
    developer.deploy("old-delete", sample_jar)
    answer = developer.client.delete("/cloudhub/api/applications/old-delete",
                                     headers=developer.headers())
    assert answer.status_code == 200 and answer.data == b""
    assert developer.status("old-delete") == "DELETED"


def test_a_redeploy_to_another_runtime_keeps_the_previous_one(developer, sample_jar, clock):
    developer.deploy("moving-app", sample_jar)
    clock.advance(DEPLOY_SECONDS)
    moved = developer.redeploy("moving-app", muleVersion={"version": "4.9.0"}).json
    assert moved["muleVersion"]["version"] == "4.9.0"
    assert moved["previousMuleVersion"]["version"] == "4.6.0"
    assert "latestUpdateId" not in moved["previousMuleVersion"]
