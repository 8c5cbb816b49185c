"""Pure units: the command's settings and JAR check, the /cicd generator, the wait loop."""

from __future__ import annotations

import io
import shlex
import xml.etree.ElementTree as ET

import pytest

from relying_party.anypoint.models import Application
from relying_party.cicd.config import flask_command, maven_command, pom_plugin, validate
from relying_party.pipeline.jar import NotDeployable, check_jar
from relying_party.pipeline.progress import progress_for
from relying_party.pipeline.run import ExitCode, Outcome, Plan, Stop, _wait
from relying_party.settings import SettingsError, load_ci_settings
from tests.support.jars import write_zip

CI = {"ANYPOINT_CI_CLIENT_ID": "ci-id", "ANYPOINT_CI_CLIENT_SECRET": "ci-secret"}


def test_settings_environment_beats_dotenv(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("ANYPOINT_CI_CLIENT_ID=from-file\nANYPOINT_CI_CLIENT_SECRET=file-secret\n"
                      "ANYPOINT_URL=http://localhost:8081/\n")
    monkeypatch.setenv("ANYPOINT_CI_CLIENT_ID", "from-env")
    settings = load_ci_settings(env_file=str(dotenv))
    assert (settings.client_id, settings.client_secret.get_secret_value()) == (
        "from-env", "file-secret")
    assert settings.anypoint_url == "http://localhost:8081"
    assert "file-secret" not in repr(settings)
    monkeypatch.delenv("ANYPOINT_CI_CLIENT_ID")
    assert load_ci_settings(CI, env_file=None).anypoint_url == "https://anypoint.mulesoft.com"


@pytest.mark.parametrize(("environ", "named"), [
    ({"ANYPOINT_CI_CLIENT_ID": "x"}, "ANYPOINT_CI_CLIENT_SECRET is missing"),
    ({**CI, "ANYPOINT_URL": "localhost:8081"}, "ANYPOINT_URL must be an absolute"),
])
def test_settings_errors_name_the_variable(environ, named):
    with pytest.raises(SettingsError, match=named):
        load_ci_settings(environ, env_file=None)


def test_check_jar_wants_a_mule_descriptor(tmp_path, sample_jar):
    assert check_jar(sample_jar)["minMuleVersion"] == "4.4.0"
    plain = write_zip(tmp_path / "plain.jar", {"com/example/App.class": b"\xca\xfe"})
    with pytest.raises(NotDeployable, match="has no META-INF/mule-artifact/mule-artifact.json"):
        check_jar(plain)
    broken = write_zip(tmp_path / "broken.jar",
                       {"META-INF/mule-artifact/mule-artifact.json": b"{not json"})
    with pytest.raises(NotDeployable, match="cannot be read"):
        check_jar(broken)


def test_pom_block_escapes_and_keeps_placeholders():
    choices, errors, _ = validate({"environment": 'QA <&"> one', "name": "orders-api",
                                   "runtime": "4.9.0", "workers": "2", "worker_size": "xLarge",
                                   "region": "eu-west-1"})
    assert errors == {}
    xml = pom_plugin(choices, "https://eu1.anypoint.mulesoft.com")
    plugin = ET.fromstring(xml)
    deployment = plugin.find("configuration/cloudHubDeployment")
    fields = {child.tag: child.text for child in deployment}
    assert fields == {
        "uri": "https://eu1.anypoint.mulesoft.com", "muleVersion": "4.9.0",
        "connectedAppClientId": "${client.id}", "connectedAppClientSecret": "${client.secret}",
        "connectedAppGrantType": "client_credentials", "applicationName": "orders-api",
        "environment": 'QA <&"> one', "region": "eu-west-1", "workers": "2",
        "workerType": "XLARGE", "objectStoreV2": "true"}
    assert plugin.findtext("artifactId") == "mule-maven-plugin"
    words = shlex.split(flask_command(choices).replace("\\\n", " "))
    assert words[words.index("--environment") + 1] == 'QA <&"> one'
    assert words[:5] == ["flask", "--app", "app", "deploy", "target/*-mule-application.jar"]
    assert "-DmuleDeploy" in maven_command() and "${ANYPOINT_CI_CLIENT_SECRET}" in maven_command()


def test_validate_names_each_bad_field():
    _, errors, values = validate({"environment": "Prod", "name": "No Good", "runtime": "4.x",
                                  "workers": "0", "worker_size": "Huge", "region": "mars"},
                                 environments=["Sandbox", "Design"])
    assert set(errors) == {"environment", "name", "runtime", "workers", "worker_size", "region"}
    assert values["name"] == "No Good"
    assert validate({})[1] == {}  # the defaults are a valid set-up


class Scripted:
    """A CloudHub whose application goes through the given (status, update) answers."""

    def __init__(self, *answers):
        self.answers = list(answers)

    def application(self, name):
        status, update = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        failed = "FAIL" in status + str(update)
        return Application(name, status, update, "it broke" if failed else None)


class Quiet:
    def waiting(self, *args):
        pass

    def waited(self):
        pass


def _wait_for(cloudhub, timeout=600.0):
    now = [0.0]
    outcome = Outcome(ExitCode.STARTED, Plan(None, "Sandbox", "demo", timeout=timeout))
    _wait(cloudhub, outcome.plan, Quiet(), outcome, lambda: now[0],
          lambda seconds: now.__setitem__(0, now[0] + seconds))
    return outcome, now[0]


def test_wait_follows_the_plugins_rules():
    outcome, _ = _wait_for(Scripted(("STARTED", "DEPLOYING"), ("STARTED", None)))
    assert outcome.application.status == "STARTED"  # an update in progress is not done yet
    with pytest.raises(Stop) as failed:
        _wait_for(Scripted(("DEPLOYING", "DEPLOYING"), ("STARTED", "DEPLOY_FAILED")))
    assert failed.value.code == ExitCode.DEPLOY_FAILED and "it broke" in str(failed.value)
    with pytest.raises(Stop) as late:
        _wait_for(Scripted(("DEPLOYING", "DEPLOYING")), timeout=30)
    assert late.value.code == ExitCode.UNAVAILABLE


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bars_on_a_terminal_plain_lines_otherwise():
    terminal = Terminal()
    progress = progress_for(terminal)
    advanced = progress.upload("app.jar", 1000)
    advanced(400)
    advanced(600)
    progress.uploaded()
    progress.waiting("DEPLOYING", 3.0, 600)
    progress.waited()
    shown = terminal.getvalue()
    assert "Uploading app.jar" in shown and "100%" in shown
    assert "Waiting for STARTED" in shown and "DEPLOYING · 3 s" in shown
    log = io.StringIO()
    plain = progress_for(log)
    plain.upload("app.jar", 1000)(1000)
    plain.waiting("DEPLOYING", 0.5, 600)
    plain.waiting("DEPLOYING", 1.5, 600)
    plain.waiting("STARTED", 2.5, 600)
    assert log.getvalue().splitlines() == ["Uploading app.jar (1.0 kB), streamed",
                                           "Status DEPLOYING after 0.5 s",
                                           "Status STARTED after 2.5 s"]
