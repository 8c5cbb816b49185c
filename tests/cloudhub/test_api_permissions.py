"""Who may do what: granted scopes ∩ the user's rights per environment (or a client-credentials
app's context scopes), 401/403 in the ``{"message"}`` shape, naming what is missing."""

import pytest

from tests.support.cloudhub_client import APPLICATIONS, Api, message, stored_files

READ_ONLY = "read:applications"


def test_no_token_is_401(client, environments):
    response = client.get(APPLICATIONS, headers={"X-ANYPNT-ENV-ID": environments["Sandbox"]})
    assert response.status_code == 401
    assert message(response) == "The access token is missing, expired or revoked."
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_no_token_is_401_before_the_environment_is_looked_up(client):
    response = client.get(APPLICATIONS, headers={"X-ANYPNT-ENV-ID": "no-such-env"})
    assert response.status_code == 401


def test_developer_deploys_to_sandbox_but_not_production(as_user, sample_jar, uploads):
    assert as_user("developer").deploy("dev-app", sample_jar).status_code == 200
    production = as_user("developer", "Production")
    response = production.deploy("prod-app", sample_jar)
    assert response.status_code == 403
    assert message(response) == ("User 'developer' does not have the 'create:applications' "
                                 "permission in environment 'Production'.")
    assert len(stored_files(uploads)) == 1
    listed = production.list()
    assert listed.status_code == 403 and "'read:applications'" in message(listed)


def test_viewer_lists_everywhere_but_cannot_deploy_or_manage(as_user, sample_jar, uploads):
    as_user("admin").deploy("admin-app", sample_jar)
    viewer = as_user("viewer")
    assert [app["domain"] for app in viewer.list().json] == ["admin-app"]
    assert viewer.get("admin-app").status_code == 200
    assert as_user("viewer", "Production").list().status_code == 200
    created = viewer.deploy("viewer-app", sample_jar)
    assert created.status_code == 403
    assert "'viewer' does not have the 'create:applications' permission" in message(created)
    for response, scope in ((viewer.set_status("admin-app", "STOP"), "manage:application_settings"),
                            (viewer.redeploy("admin-app", workers={"amount": 2}),
                             "manage:application_settings"),
                            (viewer.delete("admin-app"), "delete:applications")):
        assert response.status_code == 403 and f"'{scope}' permission" in message(response)
    assert len(stored_files(uploads)) == 1


def test_a_token_without_the_scope_is_403_naming_it(as_user, sample_jar):
    reader = as_user("developer", scope=READ_ONLY)
    assert reader.list().status_code == 200
    response = reader.deploy("scoped-app", sample_jar)
    assert response.status_code == 403
    assert message(response) == ("The access token was not granted the 'create:applications' "
                                 "scope (or 'full').")


def test_each_action_needs_its_own_scope(as_user, sample_jar):
    as_user("developer").deploy("split-app", sample_jar)
    creator = as_user("developer", scope="read:applications create:applications")
    assert "'manage:application_settings' scope" in message(creator.set_status("split-app",
                                                                               "STOP"))
    assert "'delete:applications' scope" in message(creator.delete("split-app"))
    manager = as_user("developer", scope="manage:application_settings")
    assert manager.set_status("split-app", "STOP").status_code == 200
    assert "'read:applications' scope" in message(manager.get("split-app"))


def test_full_allows_everything_and_read_full_only_reads(as_user, sample_jar):
    full = as_user("admin", "Production", scope="full")
    assert full.deploy("full-app", sample_jar).status_code == 200
    assert full.delete("full-app").status_code == 204
    reader = as_user("admin", "Production", scope="read:full")
    assert reader.list().status_code == 200
    assert reader.domain("full-app").status_code == 200
    refused = reader.deploy("read-app", sample_jar)
    assert refused.status_code == 403 and "(or 'full')" in message(refused)


def test_ci_deployer_deploys_in_sandbox_and_is_refused_in_production(
        client, ci_token, environments, sample_jar):
    sandbox = Api(client, ci_token, environments["Sandbox"])
    deployed = sandbox.deploy("ci-app", sample_jar)
    assert deployed.status_code == 200 and deployed.json["userName"] == "CI Deployer"
    assert sandbox.set_status("ci-app", "STOP").status_code == 200
    refused = Api(client, ci_token, environments["Production"]).deploy("ci-prod", sample_jar)
    assert refused.status_code == 403
    assert message(refused) == ("Connected app 'CI Deployer' has no 'create:applications' "
                                "scope in environment 'Production'.")


@pytest.mark.parametrize("path", ["/cloudhub/api/applications/domains/any-name",
                                  "/cloudhub/api/mule-versions"])
def test_organization_wide_reads_need_read_applications_somewhere(as_user, path):
    viewer = as_user("viewer", env=None)
    assert viewer.client.get(path, headers=viewer.headers()).status_code == 200
    profile_only = as_user("developer", env=None, scope="view:environment")
    response = profile_only.client.get(path, headers=profile_only.headers())
    assert response.status_code == 403 and "'read:applications'" in message(response)


def test_an_environment_of_another_organization_is_404(as_user, app, sample_jar):
    from anypoint_sandbox.storage import Environment, Organization, session

    with app.app_context():
        other = Organization(name="Elsewhere", domain="elsewhere")
        env = Environment(name="Sandbox", type="sandbox", organization=other)
        session().add_all([other, env])
        session().commit()
        env_id = env.id
    admin = as_user("admin", scope="full")
    admin.env_id = env_id
    response = admin.list()
    assert response.status_code == 404 and env_id in message(response)
