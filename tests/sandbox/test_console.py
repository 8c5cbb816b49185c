"""The console pages with the test client: sign-in and back, Connected Apps (create, edit,
rotate, delete, limits, authorizations, revoke), the policy page, the profile, change password
and the audit log page."""

import re

from anypoint_sandbox.storage import ConnectedApp, session
from tests.support.sandbox_client import TOKEN, bearer, org_api

APPS = "/console/access-management/connected-apps/"
POLICY = "/console/access-management/authorization-policy/"
PROFILE = "/console/profile/connected-apps"


def test_a_visit_without_a_session_signs_in_and_comes_back(client, console):
    response = client.get(APPS)
    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/console/sign-in?next=/console/access-management/connected-apps/")
    wrong = console.sign_in(password="wrong", next_path=APPS)
    assert wrong.status_code == 401 and "not correct" in wrong.text
    signed_in = console.sign_in(next_path=APPS)
    assert signed_in.headers["Location"] == APPS
    page = client.get(APPS)
    assert page.status_code == 200 and "Connected App Lab" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    elsewhere = console.sign_in(next_path="//evil.example/")
    assert elsewhere.headers["Location"] == "/console/"


def test_forms_need_the_csrf_token(client, console, lab):
    console.sign_in()
    response = client.post(f"{APPS}{lab['client_id']}/rotate-secret")
    assert response.status_code == 400 and "This form has expired" in response.text


def test_create_edit_rotate_delete_a_user_app(app, client, console):
    console.sign_in()
    created = console.post(f"{APPS}new?kind=user", data={
        "kind": "user", "name": "Release Notes Bot", "refresh_token": "yes",
        "redirect_uris": "http://localhost:7000/cb\n", "scope": ["openid", "profile"]})
    assert created.status_code == 302
    page = client.get(created.headers["Location"])
    assert "Release Notes Bot was created" in page.text
    with app.app_context():
        made = session().query(ConnectedApp).filter_by(name="Release Notes Bot").one()
        client_id, secret = made.client_id, made.client_secret
        assert made.grant_types == ["authorization_code", "refresh_token"]
        assert made.scopes == ["openid", "profile"] and made.app_type == "user"
    edited = console.post(f"{APPS}{client_id}/edit", data={
        "name": "Release Bot", "redirect_uris": "http://localhost:7000/cb",
        "scope": ["openid"]})
    assert edited.status_code == 302
    assert "Release Bot was saved" in client.get(edited.headers["Location"]).text
    rotated = console.post(f"{APPS}{client_id}", f"{APPS}{client_id}/rotate-secret")
    assert "old secret stopped working" in client.get(rotated.headers["Location"]).text
    with app.app_context():
        assert session().get(ConnectedApp, client_id).client_secret != secret
    unconfirmed = console.post(f"{APPS}{client_id}", f"{APPS}{client_id}/delete")
    assert "Tick the box" in client.get(unconfirmed.headers["Location"]).text
    deleted = console.post(f"{APPS}{client_id}", f"{APPS}{client_id}/delete",
                           {"confirm": "yes"})
    assert "Release Bot was deleted" in client.get(deleted.headers["Location"]).text
    assert client.get(f"{APPS}{client_id}").status_code == 404


def test_create_a_client_credentials_app_with_context_scopes(app, client, console, seed):
    console.sign_in()
    org = seed["organization"]
    sandbox_env = next(env["id"] for env in org["environments"] if env["name"] == "Sandbox")
    created = console.post(f"{APPS}new?kind=client", data={
        "kind": "client", "name": "Nightly Job",
        "context": [f"read:applications|{org['id']}|{sandbox_env}",
                    f"view:environment|{org['id']}|"]})
    assert created.status_code == 302
    with app.app_context():
        made = session().query(ConnectedApp).filter_by(name="Nightly Job").one()
        assert made.grant_types == ["client_credentials"]
        assert {(s.scope, s.environment_id) for s in made.context_scopes} == {
            ("read:applications", sandbox_env), ("view:environment", None)}
        credentials = {"grant_type": "client_credentials", "client_id": made.client_id,
                       "client_secret": made.client_secret}
    token = client.post(TOKEN, data=credentials)
    assert token.json["scope"] == "read:applications view:environment"


def test_bad_input_and_limits_show_plain_words(app, client, console):
    console.sign_in()
    no_uri = console.post(f"{APPS}new?kind=user", data={"kind": "user", "name": "X",
                                                        "redirect_uris": ""})
    assert no_uri.status_code == 400 and "needs at least one redirect URI" in no_uri.text
    assert 'value="X"' in no_uri.text  # what was typed is kept
    no_scope = console.post(f"{APPS}new?kind=client", data={"kind": "client", "name": "Y"})
    assert no_scope.status_code == 400 and "Choose at least one scope" in no_scope.text
    app.config["SANDBOX_MAX_SCOPES_PER_APP"] = 2
    too_many = console.post(f"{APPS}new?kind=user", data={
        "kind": "user", "name": "Z", "redirect_uris": "http://localhost/cb",
        "scope": ["openid", "profile", "email"]})
    assert too_many.status_code == 400 and "at most 2 scopes" in too_many.text
    app.config["SANDBOX_MAX_CONNECTED_APPS"] = 2
    full = console.post(f"{APPS}new?kind=user", data={
        "kind": "user", "name": "Z", "redirect_uris": "http://localhost/cb"})
    assert full.status_code == 400
    assert "Training already has 2 connected apps, the most an organization can have (2)" in (
        full.text)


def test_only_root_organization_administrators(client, console, business_group_admin):
    console.sign_in("developer")
    page = client.get(APPS)
    assert page.status_code == 403 and "Only organization administrators" in page.text
    assert client.get(POLICY).status_code == 403
    client.post("/console/sign-out", data={"csrf_token": _csrf(client, PROFILE)})
    console.sign_in("bg-admin", "group-password")
    page = client.get(APPS)
    assert page.status_code == 403
    assert "Connected apps are managed at the root organization" in page.text
    assert "Training Engineering is a business group of Training" in page.text


def _csrf(client, path):
    from tests.support.pages import csrf_of

    return csrf_of(client.get(path).text)


def test_authorizations_page_revoke_one_and_revoke_for_everyone(client, console, lab, sign_in):
    developer = sign_in.tokens("developer", "openid profile offline_access", prompt="login")
    admin = sign_in.tokens("admin", "openid profile offline_access", prompt="login")
    console.sign_in()
    page_path = f"{APPS}{lab['client_id']}/authorizations"
    page = client.get(page_path)
    assert "Sam Chen" in page.text and "Alex Rivera" in page.text
    authorization_id = page.text.split("/authorizations/")[1].split("/revoke")[0]
    revoked = console.post(page_path, f"{page_path}/{authorization_id}/revoke",
                           {"confirm": "yes"})
    assert "authorization of Connected App Lab was revoked" in client.get(
        revoked.headers["Location"]).text
    gone = [t for t in (developer, admin)
            if client.get("/accounts/api/me", headers=bearer(t["access_token"])).status_code
            == 401]
    assert len(gone) == 1
    everyone = console.post(page_path, f"{APPS}{lab['client_id']}/revoke-all",
                            {"confirm": "yes"})
    assert "revoked for everyone" in client.get(everyone.headers["Location"]).text
    for tokens in (developer, admin):
        assert client.get("/accounts/api/me",
                          headers=bearer(tokens["access_token"])).status_code == 401


def test_policy_page_restricts_and_approves(client, console, lab, sign_in, seed):
    console.sign_in()
    saved = console.post(POLICY, f"{POLICY}settings", {"policy": "restricted"})
    assert "policy was saved" in client.get(saved.headers["Location"]).text
    # Internal apps stay exempt only when ticked; here the box was left unticked.
    assert "/restricted" in sign_in.authorize(scope="openid").headers["Location"]
    console.post(POLICY, f"{POLICY}allowlist", {"client_id": lab["client_id"]})
    narrowed = console.post(POLICY, f"{POLICY}allowlist/{lab['client_id']}",
                            {"scope": ["openid", "profile"], "action": "save"})
    assert "approved scopes were saved" in client.get(narrowed.headers["Location"]).text
    assert "code" in sign_in.code(scope="openid")
    assert "/restricted" in sign_in.authorize(scope="openid email").headers["Location"]
    removed = console.post(POLICY, f"{POLICY}allowlist/{lab['client_id']}",
                           {"action": "remove"})
    assert "removed from the allowlist" in client.get(removed.headers["Location"]).text
    bad = console.post(POLICY, f"{POLICY}settings", {"policy": "sometimes"})
    assert "Choose Unrestricted or Restricted" in client.get(bad.headers["Location"]).text


def test_profile_lists_and_revokes_my_apps(client, console, sign_in, lab):
    tokens = sign_in.tokens("developer", "openid profile read:applications offline_access")
    page = client.get(PROFILE)  # the authorize step signed the developer in
    assert page.status_code == 200
    assert "Connected App Lab" in page.text
    assert "See the applications deployed in your environments" in page.text
    authorization_id = re.search(r"/profile/connected-apps/(\d+)/revoke", page.text).group(1)
    revoked = console.post(PROFILE, f"{PROFILE}/{authorization_id}/revoke",
                           {"confirm": "yes"})
    assert "no longer has access" in client.get(revoked.headers["Location"]).text
    assert client.get("/accounts/api/me",
                      headers=bearer(tokens["access_token"])).status_code == 401
    assert "You have not authorized any app" in client.get(PROFILE).text
    assert sign_in.authorize(scope="openid").headers["Location"].endswith("/consent")


def test_password_change_keeps_delegated_tokens_working(client, console, sign_in, lab, seed):
    tokens = sign_in.tokens("developer", "openid profile offline_access")
    password = sign_in.password("developer")
    path = "/console/profile/password"
    for data, words in (({"current": "nope", "new": "long-enough-1", "confirm": "long-enough-1"},
                         "current password is not correct"),
                        ({"current": password, "new": "short", "confirm": "short"},
                         "at least 8 characters"),
                        ({"current": password, "new": "long-enough-1", "confirm": "other-one"},
                         "differ")):
        response = console.post(path, data=data)
        assert response.status_code == 400 and words in response.text
    changed = console.post(path, data={"current": password, "new": "a-new-password",
                                       "confirm": "a-new-password"})
    assert "Your password was changed" in client.get(changed.headers["Location"]).text
    assert client.get("/accounts/api/me",
                      headers=bearer(tokens["access_token"])).status_code == 200
    refreshed = client.post(TOKEN, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": lab["client_id"], "client_secret": lab["client_secret"]})
    assert refreshed.status_code == 200
    assert console.sign_in("developer", "a-new-password").status_code == 302


def test_audit_log_page_filters_and_pages(client, console, sign_in, admin, seed):
    for _ in range(30):
        client.patch(org_api(seed, "/settings"), json={"allowlist_enabled": False},
                     headers=admin)
    console.sign_in()
    page = client.get("/console/audit-log/")
    assert page.status_code == 200 and "Showing 1–25 of" in page.text
    assert "Connected App Lab" in page.text and "N/A" not in page.text
    second = client.get("/console/audit-log/?page=2")
    assert "Page 2 of" in second.text
    edits = client.get("/console/audit-log/", query_string={
        "action": "Edit", "object_type": "Connected Applications Settings"})
    assert "Showing 1–25 of 30 entries" in edits.text
    bad = client.get("/console/audit-log/", query_string={"from": "soon"})
    assert bad.status_code == 400 and "ISO 8601" in bad.text
    none = client.get("/console/audit-log/", query_string={"from": "2999-01-01T00:00"})
    assert "No entries match these filters" in none.text


def test_audit_log_page_needs_the_permission(client, console):
    console.sign_in("developer")
    page = client.get("/console/audit-log/")
    assert page.status_code == 403 and "Audit Log Viewer" in page.text
