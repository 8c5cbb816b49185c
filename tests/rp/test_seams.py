"""Where the relying party meets the platform and the store: malformed answers, a token set that
is gone. Each case here was a 500 once; each must be a page that says what happened."""

from __future__ import annotations

import pytest

from tests.support.fake_platform import ORG, application, platform_app, response, signed_in_client

MALFORMED = {
    "an environment without an id": (
        "GET", f"/accounts/api/organizations/{ORG}/environments",
        {"data": [{"name": "Sandbox", "type": "sandbox"}], "total": 1}),
    "environments that are not a list": (
        "GET", f"/accounts/api/organizations/{ORG}/environments", {"data": {"id": "env-sbx"}}),
    "an organization without an id": (
        "GET", "/accounts/api/me", {"user": {"id": "u1", "organization": {"name": "Training"}}}),
    "a user that is a string": ("GET", "/accounts/api/me", {"user": "developer"}),
    "a runtime without a version": (
        "GET", "/cloudhub/api/mule-versions", {"data": [{"state": "ACTIVE"}], "total": 1}),
    "runtimes that are not objects": ("GET", "/cloudhub/api/mule-versions", {"data": ["4.9.0"]}),
    "an application that is not an object": ("GET", "/cloudhub/api/v2/applications", ["app"]),
    "an application without a domain": (
        "GET", "/cloudhub/api/v2/applications", [{"status": "STARTED"}]),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_answers_the_models_cannot_read_are_the_502_page(tmp_path, case):
    method, path, body = MALFORMED[case]
    app, fake = platform_app(tmp_path)
    fake.apps["hello-app"] = application("hello-app", "STARTED")
    fake.answers[(method, path)] = response(200, body)
    page = signed_in_client(app).get("/deploy?environment=env-sbx")
    assert page.status_code == 502, page.get_data(as_text=True)[:300]
    assert "Anypoint gave an unexpected answer" in page.get_data(as_text=True)


def test_a_malformed_answer_to_an_api_caller_is_json_502(tmp_path):
    app, fake = platform_app(tmp_path)
    fake.answers[("GET", "/cloudhub/api/v2/applications")] = response(200, [{"status": "X"}])
    answer = signed_in_client(app).get("/deploy/env-sbx/applications.json")
    assert answer.status_code == 502
    assert answer.json == {"error": "bad_gateway", "error_description":
                           "The platform answered in a way this app did not expect. "
                           "Nothing was changed."}


ACTIONS = [("POST", "/access/check"), ("POST", "/access/revoke"), ("POST", "/access/refresh"),
           ("POST", "/access/reveal"), ("POST", "/access/lab/probe"),
           ("POST", "/access/lab/revoke"), ("GET", "/access"), ("GET", "/access/lab"),
           ("GET", "/deploy"), ("GET", "/deploy/env-sbx/applications.json")]


@pytest.mark.parametrize(("method", "path"), ACTIONS)
def test_every_action_says_the_delegation_ended_when_its_token_set_is_gone(tmp_path, method,
                                                                           path):
    app, fake = platform_app(tmp_path)
    client = signed_in_client(app)
    app.extensions["connected_app_lab"].tokens.delete("grant-1")  # expired from the store
    answer = client.open(path, method=method, data={"csrf_token": "csrf-token", "token": "both"})
    assert answer.status_code == 401, answer.get_data(as_text=True)[:300]
    if path.endswith(".json"):
        assert answer.json["error"] == "delegation_ended"
    else:
        assert "Your access has ended" in answer.get_data(as_text=True)
    assert "app holds no tokens" in client.get("/session.json").json["ended"]
    assert fake.calls == []  # nothing was sent to the platform with a token it does not hold
