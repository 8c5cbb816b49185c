"""Platform APIs: /accounts/api/me, /profile and environments, with Anypoint's error shape."""



from tests.support.sandbox_client import TOKEN, bearer

ME = "/accounts/api/me"


def environments_of(seed):
    return f"/accounts/api/organizations/{seed['organization']['id']}/environments"


def test_me_in_anypoint_shape(sign_in, client, seed):
    token = sign_in.tokens(scope="openid profile")["access_token"]
    body = client.get(ME, headers=bearer(token)).json
    assert "client" not in body
    user = body["user"]
    assert user["username"] == "admin" and user["firstName"] == "Alex"
    assert user["organization"]["id"] == seed["organization"]["id"]
    assert user["organization"]["isRoot"] is True
    assert user["organization"]["name"] == "Training"
    names = {org["name"] for org in user["memberOfOrganizations"]}
    assert names == {"Training", "Training Engineering"}
    profile = client.get("/accounts/api/profile", headers=bearer(token)).json
    assert profile["id"] == user["id"] and "user" not in profile


def test_missing_invalid_and_revoked_tokens_get_401_invalid_token(client):
    for headers in ({}, bearer("made-up"), {"Authorization": "Basic abc"}):
        response = client.get(ME, headers=headers)
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert response.json == {"message": "The access token is missing, expired or revoked."}


def test_token_without_profile_gets_403_naming_the_scope(sign_in, client):
    token = sign_in.tokens(scope="openid")["access_token"]
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 403
    assert "'profile'" in response.json["message"]


def test_full_covers_profile_and_environments(sign_in, client, seed):
    token = sign_in.tokens(scope="full")["access_token"]
    assert client.get(ME, headers=bearer(token)).status_code == 200
    data = client.get(environments_of(seed), headers=bearer(token)).json
    assert data["total"] == 3
    assert {(env["name"], env["type"], env["isProduction"]) for env in data["data"]} == {
        ("Sandbox", "sandbox", False), ("Design", "design", False),
        ("Production", "production", True)}
    assert all(env["organizationId"] == seed["organization"]["id"] for env in data["data"])


def test_environments_need_view_environment(sign_in, client, seed):
    token = sign_in.tokens(scope="openid profile")["access_token"]
    response = client.get(environments_of(seed), headers=bearer(token))
    assert response.status_code == 403
    assert "view:environment" in response.json["message"]
    viewer = sign_in.tokens(username="viewer", scope="view:environment")["access_token"]
    response = client.get(environments_of(seed), headers=bearer(viewer),
                          query_string={"isProduction": "true"})
    assert [env["name"] for env in response.json["data"]] == ["Production"]


def test_unknown_organization_is_404_message(sign_in, client):
    token = sign_in.tokens(scope="read:full")["access_token"]
    response = client.get("/accounts/api/organizations/nope/environments", headers=bearer(token))
    assert response.status_code == 404 and "nope" in response.json["message"]


def test_ci_deployer_me_returns_client_and_sees_every_environment(client, deployer, seed):
    token = client.post(TOKEN, data={"grant_type": "client_credentials",
                                     "client_id": deployer["client_id"],
                                     "client_secret": deployer["client_secret"]}).json
    body = client.get(ME, headers=bearer(token["access_token"])).json
    assert body["client"]["client_id"] == deployer["client_id"]
    assert body["client"]["name"] == "CI Deployer"
    assert body["user"]["username"] == "admin"  # the app's owner, as on Anypoint
    envs = client.get(environments_of(seed), headers=bearer(token["access_token"])).json
    # view:environment is organization-wide; its Runtime Manager scopes are Sandbox-only
    assert sorted(env["name"] for env in envs["data"]) == ["Design", "Production", "Sandbox"]


def test_an_access_token_works_until_its_last_second_and_then_is_401(client, sign_in, clock):
    token = sign_in.tokens(scope="openid profile")
    assert token["expires_in"] == 3600
    clock.advance(3599.9)
    assert client.get(ME, headers=bearer(token["access_token"])).status_code == 200
    clock.advance(0.1)
    response = client.get(ME, headers=bearer(token["access_token"]))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_unknown_platform_path_is_a_message_404(client):
    response = client.get("/accounts/api/nothing-here")
    assert response.status_code == 404 and "message" in response.json
