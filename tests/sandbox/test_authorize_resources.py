"""``POST /accounts/api/authorize``: which CloudHub applications resources the caller may act on,
from the seeded users' rights (the developer deploys to Sandbox only, the viewer only reads)."""

import pytest

from tests.support.sandbox_client import bearer

AUTHORIZE = "/accounts/api/authorize"


@pytest.fixture
def resources(seed) -> dict[str, str]:
    org = seed["organization"]["id"]
    return {env["name"]: f"/organizations/{org}/environments/{env['id']}/applications"
            for env in seed["organization"]["environments"]}


def authorized(client, token: str, action: str, resources: list[str]) -> list[str]:
    answer = client.post(AUTHORIZE, headers=bearer(token), json={
        "namespace": "cloudhub", "action": action, "resources": resources})
    assert answer.status_code == 200, answer.json
    return answer.json


@pytest.mark.parametrize(("username", "action", "environments"), [
    ("developer", "GET", ["Sandbox"]),
    ("developer", "POST", ["Sandbox"]),
    ("developer", "PUT", ["Sandbox"]),
    ("developer", "DELETE", ["Sandbox"]),
    ("viewer", "GET", ["Sandbox", "Production"]),
    ("viewer", "POST", []),
    ("viewer", "DELETE", []),
    ("admin", "DELETE", ["Sandbox", "Production"]),
])
def test_each_user_is_authorized_where_they_hold_the_right(client, sign_in, resources, username,
                                                           action, environments):
    token = sign_in.tokens(username, "openid profile")["access_token"]  # rights, not scopes
    asked = [resources["Sandbox"], resources["Production"]]
    assert authorized(client, token, action, asked) == [resources[name] for name in environments]


def test_one_application_and_its_status_need_the_manage_right(client, sign_in, resources):
    token = sign_in.tokens("developer", "openid")["access_token"]
    app = resources["Sandbox"] + "/hello"
    assert authorized(client, token, "POST", [app + "/status", resources["Production"] +
                                              "/hello/status"]) == [app + "/status"]
    assert authorized(client, token, "DELETE", [app]) == [app]


def test_what_the_sandbox_does_not_know_is_not_authorized(client, sign_in, resources, seed):
    token = sign_in.tokens("admin", "openid")["access_token"]
    other_org = resources["Sandbox"].replace(seed["organization"]["id"], "another-org")
    asked = [other_org, "/organizations/x/environments/y/applications", "/api/users",
             resources["Sandbox"] + "s"]
    assert authorized(client, token, "GET", asked) == []
    answer = client.post(AUTHORIZE, headers=bearer(token), json={
        "namespace": "exchange", "action": "GET", "resources": [resources["Sandbox"]]})
    assert answer.json == []


def test_a_client_credentials_token_is_answered_from_its_context_scopes(client, deployer,
                                                                         resources):
    token = client.post("/accounts/api/v2/oauth2/token", json={
        "grant_type": "client_credentials", "client_id": deployer["client_id"],
        "client_secret": deployer["client_secret"]}).json["access_token"]
    found = authorized(client, token, "POST", [resources["Sandbox"], resources["Production"]])
    assert resources["Sandbox"] in found


@pytest.mark.parametrize("body", [None, {"action": "GET", "resources": []},
                                  {"namespace": "cloudhub", "resources": []},
                                  {"namespace": "cloudhub", "action": "GET", "resources": "x"},
                                  {"namespace": "cloudhub", "action": "GET",
                                   "resources": ["/a"] * 101}])
def test_a_body_without_its_fields_is_a_400_and_no_token_a_401(client, sign_in, body):
    token = sign_in.tokens("viewer", "openid")["access_token"]
    answer = client.post(AUTHORIZE, headers=bearer(token), json=body)
    assert answer.status_code == 400 and answer.json["message"]
    assert client.post(AUTHORIZE, json={"namespace": "cloudhub", "action": "GET",
                                        "resources": []}).status_code == 401
