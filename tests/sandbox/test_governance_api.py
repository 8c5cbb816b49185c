"""Settings, allowlist and the restricted policy at the authorize step; authorizations, their
revocation (one user, or the app for everyone) and "last used"."""

from tests.support.pages import csrf_of
from tests.support.sandbox_client import (
    ADMIN_SCOPE,
    APPS_API,
    CALLBACK,
    TOKEN,
    bearer,
    org_api,
    query_of,
)

INTROSPECT = "/accounts/api/v2/oauth2/introspect"


def refresh(client, lab, refresh_token):
    return client.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                                    "client_id": lab["client_id"],
                                    "client_secret": lab["client_secret"]})


def test_settings_read_and_change(client, admin, seed):
    settings = client.get(org_api(seed, "/settings"), headers=admin)
    assert settings.status_code == 200
    assert settings.json == {
        "allowlist_enabled": False, "whitelist_enabled": False,
        "allowlist_internal_applications": True, "whitelist_internal_applications": True,
        "applications_enabled": "all",
        "grant_types_allowed": ["authorization_code", "refresh_token", "client_credentials"]}
    changed = client.patch(org_api(seed, "/settings"), json={
        "whitelist_enabled": True, "allowlist_internal_applications": False}, headers=admin)
    assert changed.status_code == 200
    assert changed.json["allowlist_enabled"] is True
    assert changed.json["allowlist_internal_applications"] is False
    bad = client.patch(org_api(seed, "/settings"), json={"applications_enabled": "most"},
                       headers=admin)
    assert bad.status_code == 400 and "'all', 'none' or 'partial'" in bad.json["message"]


def test_business_groups_answer_405_for_writes(client, admin, seed):
    group = seed["organization"]["businessGroups"][0]["id"]
    base = f"/accounts/api/organizations/{group}/connectedApplications"
    assert client.get(f"{base}/settings", headers=admin).json["allowlist_enabled"] is False
    for method, path, kwargs in (
            ("patch", "/settings", {"json": {"allowlist_enabled": True}}),
            ("put", "/allowlist", {"json": []}),
            ("patch", "/allowlist", {"json": []}),
            ("delete", "/allowlist", {"json": []}),
            ("delete", "/authorizations?user_id=x", {}),
            ("delete", "/authorizations/1", {})):
        response = getattr(client, method)(base + path, headers=admin, **kwargs)
        assert response.status_code == 405, (method, path)
        assert "business group" in response.json["message"]
        assert "root organization, Training" in response.json["message"]


def test_allowlist_put_patch_delete(client, admin, seed, lab, deployer):
    path = org_api(seed, "/allowlist")
    assert client.get(path, headers=admin).json == {"data": [], "total": 0}
    entry = {"client_id": lab["client_id"], "authorized_scopes": ["openid", "profile"]}
    assert client.put(path, json=[entry], headers=admin).status_code == 204
    assert client.get(path, headers=admin).json == {"data": [entry], "total": 1}
    assert client.patch(org_api(seed, "/whitelist"), json=[{"client_id": deployer["client_id"]}],
                        headers=admin).status_code == 204
    listed = client.get(path, headers=admin).json
    assert listed["total"] == 2
    assert listed["data"][1] == {"client_id": deployer["client_id"],
                                 "authorized_scopes": deployer["scopes"]}
    only = client.get(path, query_string={"client_id": lab["client_id"]}, headers=admin).json
    assert only["total"] == 1
    assert client.delete(path, json=[{"client_id": lab["client_id"]}],
                         headers=admin).status_code == 204
    assert [e["client_id"] for e in client.get(path, headers=admin).json["data"]] == [
        deployer["client_id"]]
    bad = client.put(path, json=[{"client_id": "nobody"}], headers=admin)
    assert bad.status_code == 400 and "No connected app has client_id 'nobody'" in (
        bad.json["message"])
    beyond = client.put(path, json=[{"client_id": deployer["client_id"],
                                     "authorized_scopes": ["openid"]}], headers=admin)
    assert beyond.status_code == 400 and "not registered for scope 'openid'" in (
        beyond.json["message"])


def test_restricted_policy_explains_then_denies_allows_and_needs_reapproval(
        client, admin, seed, lab, sign_in):
    client.patch(org_api(seed, "/settings"), json={
        "allowlist_enabled": True, "allowlist_internal_applications": False}, headers=admin)
    # Not allowlisted: an explanation page first, then access_denied for the app.
    response = sign_in.authorize(scope="openid profile")
    assert response.status_code == 302 and "/restricted" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 403
    assert "has not approved Connected App Lab" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    back = client.post(response.headers["Location"], data={"csrf_token": csrf_of(page.text)})
    assert back.headers["Location"].startswith(CALLBACK)
    assert query_of(back.headers["Location"])["error"] == "access_denied"
    # Allowlisted for openid + profile: allowed.
    client.put(org_api(seed, "/allowlist"), json=[{
        "client_id": lab["client_id"], "authorized_scopes": ["openid", "profile"]}],
        headers=admin)
    assert "code" in sign_in.code(scope="openid profile")
    # A new scope needs approval again.
    response = sign_in.authorize(scope="openid profile email")
    page = client.get(response.headers["Location"])
    assert "An administrator has not approved: email" in page.text
    # prompt=none cannot show the page: access_denied straight away.
    silent = sign_in.authorize(scope="openid profile email", prompt="none")
    assert query_of(silent.headers["Location"])["error"] == "access_denied"


def test_internal_apps_are_exempt_unless_the_admin_unticks_it(client, admin, seed, sign_in):
    client.patch(org_api(seed, "/settings"), json={"allowlist_enabled": True}, headers=admin)
    assert "code" in sign_in.code(scope="openid email")


def test_switching_to_restricted_can_import_existing_authorizations(
        client, admin, seed, lab):
    client.patch(org_api(seed, "/settings"), json={
        "allowlist_enabled": True, "import_existing_authorizations": True}, headers=admin)
    listed = client.get(org_api(seed, "/allowlist"), headers=admin).json
    assert listed["data"] == [{"client_id": lab["client_id"],
                               "authorized_scopes": ADMIN_SCOPE.split()}]


def test_authorizations_list_get_and_revoke_by_id(client, admin, seed, lab, sign_in):
    developer_tokens = sign_in.tokens("developer", "openid profile offline_access",
                                      prompt="login")
    listed = client.get(org_api(seed, "/authorizations"), headers=admin).json
    assert listed["total"] == 2
    item = client.get(org_api(seed, "/authorizations"), headers=admin, query_string={
        "user_id": client.get("/accounts/api/me", headers=bearer(
            developer_tokens["access_token"])).json["user"]["id"]}).json["data"][0]
    assert set(item) == {"authorization_id", "created_at", "updated_at", "last_used",
                         "user_id", "client_id", "as_id", "scopes"}
    assert item["client_id"] == lab["client_id"] and item["as_id"] == "anypoint"
    assert item["scopes"] == ["openid", "profile", "offline_access"]
    assert item["last_used"] is not None
    one = org_api(seed, f"/authorizations/{item['authorization_id']}")
    assert client.get(one, headers=admin).json == item
    assert client.delete(one, headers=admin).status_code == 204
    assert client.get(one, headers=admin).status_code == 404
    me = client.get("/accounts/api/me", headers=bearer(developer_tokens["access_token"]))
    assert me.status_code == 401
    assert refresh(client, lab, developer_tokens["refresh_token"]).json["error"] == (
        "invalid_grant")
    # The admin's own authorization is untouched.
    assert client.get(org_api(seed, "/authorizations"), headers=admin).json["total"] == 1


def test_revoke_by_user_id_requires_the_user(client, admin, seed):
    response = client.delete(org_api(seed, "/authorizations"), headers=admin)
    assert response.status_code == 400 and "user_id" in response.json["message"]


def test_revoke_all_kills_every_token_and_asks_for_consent_again(client, admin, lab, sign_in):
    mine = sign_in.tokens("developer", "openid profile offline_access", prompt="login")
    response = client.delete(f"{APPS_API}/{lab['client_id']}/revoke", headers=admin)
    assert response.status_code == 204
    for token in (mine["access_token"], admin["Authorization"].split()[1]):
        assert client.get("/accounts/api/me", headers=bearer(token)).status_code == 401
    assert refresh(client, lab, mine["refresh_token"]).json["error"] == "invalid_grant"
    introspected = client.post(INTROSPECT, data={"token": mine["refresh_token"]},
                               auth=(lab["client_id"], lab["client_secret"]))
    assert introspected.json == {"active": False}
    again = sign_in.authorize(scope="openid profile")
    assert again.headers["Location"].endswith("/consent")


def test_last_used_follows_api_calls_and_refreshes(app, client, seed, lab, sign_in):
    from anypoint_sandbox.storage import Consent, session

    tokens = sign_in.tokens("developer", "openid profile offline_access")
    with app.app_context():
        session().query(Consent).update({"last_used_at": 1})
        session().commit()
    assert client.get("/accounts/api/me", headers=bearer(tokens["access_token"])).status_code == (
        200)
    with app.app_context():
        assert session().query(Consent).one().last_used_at > 1
        session().query(Consent).update({"last_used_at": 1})
        session().commit()
    assert refresh(client, lab, tokens["refresh_token"]).status_code == 200
    with app.app_context():
        assert session().query(Consent).one().last_used_at > 1
