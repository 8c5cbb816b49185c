"""Every CloudHub action leaves an audit entry naming the user, the environment and the connected
app that acted, with no secret in the payload."""

import json

from sqlalchemy import literal_column, select

from anypoint_sandbox.access_management.audit import as_json
from anypoint_sandbox.storage import AuditEntry, session
from tests.support.cloudhub_client import DEPLOY_SECONDS, Api


def application_entries(app) -> list[dict]:
    with app.app_context():
        entries = session().scalars(select(AuditEntry).where(
            AuditEntry.object_type == "Application").order_by(literal_column("rowid")))
        return [as_json(entry) for entry in entries]


def test_create_redeploy_stop_start_delete_are_audited(app, developer, environments, sample_jar,
                                                       clock):
    developer.deploy("audit-app", sample_jar, properties={"db.password": "hunter2-secret"})
    clock.advance(DEPLOY_SECONDS)
    developer.redeploy("audit-app", sample_jar, workers={"amount": 2})
    developer.set_status("audit-app", "STOP")
    developer.set_status("audit-app", "STOP")  # 304: nothing happened, nothing recorded
    developer.set_status("audit-app", "START")
    developer.delete("audit-app")

    entries = application_entries(app)
    assert [entry["action"] for entry in entries] == [
        "Create", "Redeploy", "Stop", "Start", "Delete"]
    for entry in entries:
        assert entry["objectName"] == "audit-app" and entry["objectId"]
        assert entry["userName"] == "developer"
        assert entry["environmentName"] == "Sandbox"
        assert entry["environmentId"] == environments["Sandbox"]
        assert entry["connectedApp"]["name"] == "Connected App Lab"
        text = json.dumps(entry["payload"])
        assert "hunter2-secret" not in text and developer.token not in text
    assert entries[0]["payload"]["fileName"] == "audit-app-1.0.0-mule-application.jar"
    assert entries[1]["payload"]["workers"] == 2


def test_a_client_credentials_deploy_names_the_app_and_no_user(app, client, ci_token,
                                                               environments, sample_jar):
    Api(client, ci_token, environments["Sandbox"]).deploy("ci-audit", sample_jar)
    [entry] = application_entries(app)
    assert entry["action"] == "Create" and entry["userName"] is None
    assert entry["connectedApp"]["name"] == "CI Deployer"
    assert entry["environmentName"] == "Sandbox"


def test_refused_actions_leave_no_application_entry(app, as_user, sample_jar):
    as_user("viewer").deploy("nope-app", sample_jar)
    as_user("developer", "Production").deploy("nope-app", sample_jar)
    assert application_entries(app) == []
