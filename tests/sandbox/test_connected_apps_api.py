"""The connected applications API: CRUD, secret rotation, context scopes, limits and guards."""

from tests.support.sandbox_client import APPS_API, TOKEN, bearer, org_api

USER_APP = {"client_name": "Deploy Helper", "grant_types": ["authorization_code", "refresh_token"],
            "redirect_uris": ["http://localhost:7000/callback"],
            "scopes": ["openid", "profile", "offline_access", "read:applications"]}
CC_APP = {"client_name": "Nightly Job", "grant_types": ["client_credentials"],
          "redirect_uris": []}


def client_credentials(client, app, secret=None):
    return client.post(TOKEN, data={"grant_type": "client_credentials",
                                    "client_id": app["client_id"],
                                    "client_secret": secret or app["client_secret"]})


def test_create_get_list_edit_delete(client, admin, seed):
    created = client.post(APPS_API, json=USER_APP, headers=admin)
    assert created.status_code == 200, created.json
    body = created.json
    assert body["client_name"] == "Deploy Helper" and len(body["client_secret"]) == 32
    assert body["owner_org_id"] == seed["organization"]["id"]
    assert set(body) >= {"client_id", "public_keys", "audience", "enabled", "scopes",
                         "redirect_uris", "grant_types", "client_uri", "policy_uri", "tos_uri"}
    client_id = body["client_id"]
    assert client.get(f"{APPS_API}/{client_id}", headers=admin).json == body

    listed = client.get(APPS_API, headers=admin).json
    assert listed["total"] == 3
    assert [app["client_name"] for app in listed["data"]] == [
        "CI Deployer", "Connected App Lab", "Deploy Helper"]
    page = client.get(APPS_API, query_string={"offset": 1, "limit": 1, "ascending": "false"},
                      headers=admin).json
    assert page["total"] == 3 and [a["client_name"] for a in page["data"]] == [
        "Connected App Lab"]
    found = client.get(APPS_API, query_string={"search": "deploy"}, headers=admin).json
    assert {a["client_name"] for a in found["data"]} == {"CI Deployer", "Deploy Helper"}
    assert client.get(APPS_API, query_string={"limit": 50}, headers=admin).status_code == 400

    edited = client.patch(f"{APPS_API}/{client_id}", json={"client_name": "Deploy Helper 2",
                                                          "scopes": ["openid"]}, headers=admin)
    assert edited.status_code == 200
    assert edited.json["client_name"] == "Deploy Helper 2" and edited.json["scopes"] == ["openid"]
    assert edited.json["client_secret"] == body["client_secret"]

    assert client.delete(f"{APPS_API}/{client_id}", headers=admin).status_code == 204
    missing = client.get(f"{APPS_API}/{client_id}", headers=admin)
    assert missing.status_code == 404 and "not found" in missing.json["message"]


def test_org_scoped_paths_answer_the_same(client, admin, seed):
    created = client.post(org_api(seed), json=CC_APP, headers=admin)
    assert created.status_code == 200
    client_id = created.json["client_id"]
    assert client.get(org_api(seed, f"/{client_id}"), headers=admin).json["client_name"] == (
        "Nightly Job")
    assert client.get(org_api(seed), headers=admin).json["total"] == 3
    assert client.delete(org_api(seed, f"/{client_id}"), headers=admin).status_code == 204
    unknown = client.get("/accounts/api/organizations/nope/connectedApplications", headers=admin)
    assert unknown.status_code == 404


def test_bad_input_gets_400_in_plain_words(client, admin):
    cases = [
        ({**USER_APP, "client_name": ""}, "name"),
        ({**USER_APP, "grant_types": ["authorization_code", "client_credentials"]},
         "cannot be combined"),
        ({**USER_APP, "grant_types": ["implicit"]}, "cannot be combined"),
        ({**USER_APP, "redirect_uris": []}, "at least one redirect URI"),
        ({**USER_APP, "redirect_uris": ["javascript:alert(1)"]}, "not an http or https URL"),
        ({**USER_APP, "scopes": ["read:everything"]}, "Unknown scope 'read:everything'"),
        ({**USER_APP, "colour": "blue"}, "Unknown field(s): colour"),
    ]
    for body, words in cases:
        response = client.post(APPS_API, json=body, headers=admin)
        assert response.status_code == 400, body
        assert words in response.json["message"], response.json
    not_json = client.post(APPS_API, data="{", content_type="application/json", headers=admin)
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json["message"]


def test_reset_secret_makes_the_old_secret_fail_at_once(client, admin, deployer):
    assert client_credentials(client, deployer).status_code == 200
    reset = client.patch(f"{APPS_API}/{deployer['client_id']}?resetSecret=true", headers=admin)
    assert reset.status_code == 200
    new_secret = reset.json["client_secret"]
    assert new_secret != deployer["client_secret"]
    old = client_credentials(client, deployer)
    assert old.status_code == 401 and old.json["error"] == "invalid_client"
    assert client_credentials(client, deployer, new_secret).status_code == 200


def test_context_scopes_of_a_client_credentials_app(client, admin, deployer, seed):
    path = f"{APPS_API}/{deployer['client_id']}/scopes"
    org_id = seed["organization"]["id"]
    design = next(env["id"] for env in seed["organization"]["environments"]
                  if env["name"] == "Design")
    listed = client.get(path, headers=admin).json
    assert listed["total"] == 5 and listed["data"][0]["context_params"]["org"] == org_id
    assert client.get(path, query_string={"limit": 2}, headers=admin).json["total"] == 5
    assert len(client.get(path, query_string={"limit": 2}, headers=admin).json["data"]) == 2

    org_wide = {"scope": "view:environment", "context_params": {"org": org_id}}
    in_design = {"scope": "read:applications", "context_params": {"org": org_id,
                                                                   "envId": design}}
    assert client.put(path, json={"scopes": [org_wide]}, headers=admin).status_code == 204
    assert client.get(path, headers=admin).json == {"data": [org_wide], "total": 1}
    patched = client.patch(path, json={"scopes": [in_design, org_wide]}, headers=admin)
    assert patched.status_code == 204
    assert client.get(path, headers=admin).json["total"] == 2
    assert client.delete(path, json={"scopes": [org_wide]}, headers=admin).status_code == 204
    assert client.get(path, headers=admin).json == {"data": [in_design], "total": 1}
    token = client_credentials(client, deployer).json
    assert token["scope"] == "read:applications"

    bad_env = {"scope": "read:applications", "context_params": {"org": org_id, "envId": "x"}}
    response = client.put(path, json={"scopes": [bad_env]}, headers=admin)
    assert response.status_code == 400 and "Environment 'x'" in response.json["message"]
    response = client.put(path, json={"scopes": [{"scope": "openid",
                                                  "context_params": {"org": org_id}}]},
                          headers=admin)
    assert response.status_code == 400


def test_scopes_routes_are_for_client_credentials_apps_only(client, admin, lab):
    response = client.get(f"{APPS_API}/{lab['client_id']}/scopes", headers=admin)
    assert response.status_code == 400
    assert "only for apps that act on their own behalf" in response.json["message"]


def test_limit_of_apps_per_organization(client, admin, app):
    app.config["SANDBOX_MAX_CONNECTED_APPS"] = 3
    assert client.post(APPS_API, json=USER_APP, headers=admin).status_code == 200
    refused = client.post(APPS_API, json=CC_APP, headers=admin)
    assert refused.status_code == 400
    assert refused.json["message"] == (
        "Training already has 3 connected apps, the most an organization can have (3). "
        "Delete an app you no longer need, then create this one.")


def test_limit_of_scopes_per_app(client, admin, app, deployer, seed):
    app.config["SANDBOX_MAX_SCOPES_PER_APP"] = 3
    too_many = client.post(APPS_API, json={**USER_APP, "scopes": [
        "openid", "profile", "email", "offline_access"]}, headers=admin)
    assert too_many.status_code == 400
    assert "at most 3 scopes; this would give it 4" in too_many.json["message"]
    org_id = seed["organization"]["id"]
    rows = [{"scope": scope, "context_params": {"org": org_id}}
            for scope in ("read:applications", "create:applications", "view:environment",
                          "delete:applications")]
    path = f"{APPS_API}/{deployer['client_id']}/scopes"
    response = client.put(path, json={"scopes": rows}, headers=admin)
    assert response.status_code == 400 and "at most 3 scopes" in response.json["message"]
    assert client.put(path, json={"scopes": rows[:3]}, headers=admin).status_code == 204


def test_guards_401_and_403(client, sign_in, deployer):
    assert client.get(APPS_API).status_code == 401
    assert client.get(APPS_API, headers=bearer("not-a-token")).status_code == 401
    no_full = sign_in.tokens("admin", "openid profile read:full")["access_token"]
    response = client.get(APPS_API, headers=bearer(no_full))
    assert response.status_code == 403 and "'full' scope" in response.json["message"]
    developer = sign_in.tokens("developer", "openid profile full", prompt="login")["access_token"]
    response = client.get(APPS_API, headers=bearer(developer))
    assert response.status_code == 403
    assert response.json["message"] == (
        "User 'developer' is not an Organization Administrator of Training.")
    machine = client_credentials(client, deployer).json["access_token"]
    response = client.get(APPS_API, headers=bearer(machine))
    assert response.status_code == 403 and "acts on its own behalf" in response.json["message"]


def test_apps_of_other_organizations_are_not_found(client, admin, business_group_admin):
    from anypoint_sandbox.storage import ConnectedApp, session

    with client.application.app_context():
        session().add(ConnectedApp(client_id="f" * 32, client_secret="s", name="Elsewhere",
                                   app_type="user", grant_types=["authorization_code"],
                                   redirect_uris=["http://x.example/cb"], scopes=[],
                                   owner_org_id=business_group_admin["organization_id"]))
        session().commit()
    group_path = f"/accounts/api/organizations/{business_group_admin['organization_id']}"
    # The root's administrator manages the business group's apps; the group's are its own.
    assert client.get(f"{group_path}/connectedApplications/{'f' * 32}",
                      headers=admin).status_code == 200
    assert client.get(f"{group_path}/connectedApplications", headers=admin).json["total"] == 1
