"""What Anypoint says about a user and an organization beyond the names: /users/me (what
MuleSoft's CLI reads), /organizations/{orgId}, and the preferences, owners and times in /me and
/profile."""

from tests.support.sandbox_client import TOKEN, bearer

ACCOUNTS = "/accounts/api"


def test_users_me_is_the_bare_user_with_preferences_and_memberships(sign_in, client, seed):
    token = sign_in.tokens(scope="openid profile")["access_token"]
    user = client.get(f"{ACCOUNTS}/users/me", headers=bearer(token)).json
    org = seed["organization"]
    sandbox = next(env["id"] for env in org["environments"] if env["name"] == "Sandbox")
    assert user["username"] == "admin" and "user" not in user
    assert user["organizationPreferences"] == {org["id"]: {"defaultEnvironment": sandbox}}
    assert [(item["name"], item["isRoot"]) for item in user["memberOfOrganizations"]] == [
        ("Training", True), ("Training Engineering", False)]
    group = user["memberOfOrganizations"][1]
    assert group["parentId"] == org["id"] and group["parentName"] == "Training"
    assert group["parentOrganizationIds"] == [org["id"]]
    assert user["createdAt"].endswith("Z") and user["email_verified_at"] == user["createdAt"]
    me = client.get(f"{ACCOUNTS}/me", headers=bearer(token)).json["user"]
    assert me["organizationPreferences"] == user["organizationPreferences"]
    assert me["organization"]["ownerId"] == user["id"]
    assert len(me["organization"]["clientId"]) == 32


def test_an_organization_for_its_members_only(sign_in, client, seed, deployer):
    org = seed["organization"]
    token = sign_in.tokens("developer", "openid profile")["access_token"]
    found = client.get(f"{ACCOUNTS}/organizations/{org['id']}", headers=bearer(token)).json
    assert (found["name"], found["isRoot"], found["owner"]["username"]) == (
        "Training", True, "admin")
    assert {env["name"] for env in found["environments"]} == {"Sandbox", "Design",
                                                              "Production"}
    assert found["subOrganizationIds"] == [org["businessGroups"][0]["id"]]
    ci = client.post(TOKEN, data={"grant_type": "client_credentials",
                                  "client_id": deployer["client_id"],
                                  "client_secret": deployer["client_secret"]}).json
    group = client.get(f"{ACCOUNTS}/organizations/{org['businessGroups'][0]['id']}",
                       headers=bearer(ci["access_token"])).json
    assert group["isRoot"] is False and group["environments"] == []
    for unknown in ("nope", "x" * 500):
        answer = client.get(f"{ACCOUNTS}/organizations/{unknown}", headers=bearer(token))
        assert answer.status_code == 404 and "not found" in answer.json["message"]


def test_profile_names_owner_environments_and_what_the_user_may_view(sign_in, client):
    admin = sign_in.tokens("admin", "openid profile")["access_token"]
    profile = client.get(f"{ACCOUNTS}/profile", headers=bearer(admin)).json
    assert profile["access_token"] == admin
    assert profile["permissions"]["admin"] == {"view": True}
    assert profile["organization"]["owner"]["username"] == "admin"
    assert len(profile["organization"]["environments"]) == 3
    viewer = sign_in.tokens("viewer", "openid profile", prompt="login")["access_token"]
    seen = client.get(f"{ACCOUNTS}/profile", headers=bearer(viewer)).json["permissions"]
    assert seen["admin"] == {"view": False} and seen["cloudhub"] == {"view": True}
