"""``flask --app app deploy`` against the real sandbox over HTTP: every exit code from a real
failure, as a subprocess (no web settings anywhere) and in-process for the rest."""

from __future__ import annotations

from tests.support.labs import CiSandbox, parsed

SANDBOX = ["--environment", "Sandbox"]


def test_deploys_the_sample_jar_as_a_real_process(sandbox, sample_jar, flask_cli):
    result = flask_cli([sample_jar, *SANDBOX, "--name", "hello-ci", "--runtime", "4.6.0",
                        "--worker-size", "SMALL", "--property", "env=ci", "--json"],
                       sandbox.env())
    assert result.returncode == 0, result.stderr
    outcome = parsed(result.stdout)
    assert outcome["status"] == "STARTED" and outcome["action"] == "created"
    assert outcome["application"] == outcome["domain"] == "hello-ci"
    assert outcome["environment"] == "Sandbox" and outcome["fullDomain"]
    assert "error" not in outcome and outcome["exitCode"] == 0
    app = sandbox.application("hello-ci")
    assert app["status"] == "STARTED" and app["muleVersion"]["version"] == "4.6.0"
    assert app["workers"]["type"]["name"] == "Small" and app["properties"] == {"env": "ci"}
    assert app["fileName"] == sample_jar.name
    # the plugin's sequence, one line per call, on standard error
    calls = [line.split(" → ")[0].strip() for line in result.stderr.splitlines() if " → " in line]
    assert [call.split()[0] + " " + call.split()[1].rsplit("/", 1)[-1] for call in calls[:4]] == [
        "POST token", "GET me", "GET environments", "GET hello-ci"]
    assert "POST /cloudhub/api/v2/applications" in calls
    assert "POST /cloudhub/api/applications/hello-ci/status" in calls
    assert sandbox.deployer["client_secret"] not in result.stderr + result.stdout


def test_plain_text_result_without_json(sandbox, sample_jar, cli):
    result = cli([sample_jar, *SANDBOX, "--name", "hello-plain"], sandbox.env())
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("hello-plain created in Sandbox and STARTED")
    assert "Uploading hello-mule-1.0.0-mule-application.jar" in result.stderr
    assert "Status STARTED" in result.stderr
    assert sandbox.application("hello-plain")["muleVersion"]["version"] == "4.9.0"  # recommended


def test_redeploys_an_existing_application_with_the_new_settings(sandbox, sample_jar, cli):
    first = cli([sample_jar, *SANDBOX, "--name", "hello-again", "--json"], sandbox.env())
    assert first.exit_code == 0 and parsed(first.stdout)["action"] == "created"
    before = sandbox.application("hello-again")["lastUpdateTime"]
    second = cli([sample_jar, *SANDBOX, "--name", "hello-again", "--workers", "2", "--json"],
                 sandbox.env())
    assert second.exit_code == 0, second.stderr
    outcome = parsed(second.stdout)
    assert outcome["action"] == "redeployed" and outcome["status"] == "STARTED"
    app = sandbox.application("hello-again")
    assert app["status"] == "STARTED" and app["workers"]["amount"] == 2
    assert app["lastUpdateTime"] > before
    assert app["workers"]["type"]["name"] == "Micro"  # not given again: kept
    assert "PUT /cloudhub/api/v2/applications/hello-again" in second.stderr


def test_wrong_secret_exits_3(sandbox, sample_jar, cli):
    result = cli([sample_jar, *SANDBOX, "--name", "hello-ci", "--json"],
                 sandbox.env(secret="not-the-secret"))
    assert result.exit_code == 3
    outcome = parsed(result.stdout)
    assert outcome["status"] is None and "invalid_client" in outcome["error"]
    assert "ANYPOINT_CI_CLIENT_SECRET" in result.stderr


def test_unknown_environment_exits_2_naming_the_ones_it_sees(sandbox, sample_jar, cli):
    result = cli([sample_jar, "--environment", "Staging", "--name", "hello-ci"], sandbox.env())
    assert result.exit_code == 2
    assert "No environment called 'Staging': the connected app sees Sandbox" in result.stderr


def test_not_a_zip_exits_2_before_calling_anyone(sandbox, tmp_path, cli):
    fake = tmp_path / "app.jar"
    fake.write_bytes(b"this is not a jar")
    result = cli([fake, *SANDBOX, "--name", "hello-ci", "--json"], sandbox.env())
    assert result.exit_code == 2
    assert "is not a JAR (zip) file" in parsed(result.stdout)["error"]
    assert " → " not in result.stderr  # no platform call


def test_missing_file_and_bad_options_exit_2(sandbox, tmp_path, sample_jar, cli):
    missing = cli([tmp_path / "nope.jar", *SANDBOX, "--name", "hello-ci"], sandbox.env())
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    for bad in (["--property", "no-equals-sign"], ["--worker-size", "Huge"],
                ["--workers", "9"], ["--region", "mars-1"]):
        result = cli([sample_jar, *SANDBOX, "--name", "hello-ci", *bad], sandbox.env())
        assert result.exit_code == 2, bad
    named = cli([sample_jar, *SANDBOX, "--name", "Bad_Name"], sandbox.env())
    assert named.exit_code == 2 and "lowercase" in named.stderr


def test_missing_settings_exit_2_naming_the_variable(sample_jar, cli):
    result = cli([sample_jar, *SANDBOX, "--name", "hello-ci"], {"ANYPOINT_URL": "http://x.test"})
    assert result.exit_code == 2
    assert "ANYPOINT_CI_CLIENT_ID is missing" in result.stderr


def test_production_is_refused_with_the_missing_scope_exit_3(sandbox, sample_jar, cli):
    result = cli([sample_jar, "--environment", "Production", "--name", "hello-prod", "--json"],
                 sandbox.env())
    assert result.exit_code == 3
    error = parsed(result.stdout)["error"]
    assert "'read:applications'" in error and "Production" in error


def test_a_deployment_that_fails_exits_1_with_the_reason(sandbox, jar_builder, tmp_path, cli):
    newer = jar_builder.build(tmp_path / "needs-4.9.jar", min_mule_version="4.9.0")
    result = cli([newer, *SANDBOX, "--name", "hello-old", "--runtime", "4.6.0", "--json"],
                 sandbox.env())
    assert result.exit_code == 1
    outcome = parsed(result.stdout)
    assert outcome["status"] == "DEPLOY_FAILED" and outcome["action"] == "created"
    assert "4.9.0" in outcome["error"]
    assert sandbox.application("hello-old")["status"] == "DEPLOY_FAILED"


def test_stopped_sandbox_exits_4_as_a_real_process(tmp_path, sample_jar, flask_cli):
    (tmp_path / "gone").mkdir()
    stopped = CiSandbox(tmp_path / "gone")
    env = stopped.env()
    stopped.stop()
    result = flask_cli([sample_jar, *SANDBOX, "--name", "hello-ci", "--json"], env)
    assert result.returncode == 4, result.stderr
    assert "could not be reached" in parsed(result.stdout)["error"]
    assert "Traceback" not in result.stderr


def test_timeout_exits_4(tmp_path, sample_jar, cli):
    (tmp_path / "slow").mkdir()
    slow = CiSandbox(tmp_path / "slow", SANDBOX_DEPLOY_SECONDS=60)
    try:
        result = cli([sample_jar, *SANDBOX, "--name", "hello-slow", "--timeout", "5", "--json"],
                     slow.env())
        assert result.exit_code == 4
        outcome = parsed(result.stdout)
        assert outcome["status"] == "DEPLOYING" and "Timed out after 5 s" in outcome["error"]
        nowait = cli([sample_jar, *SANDBOX, "--name", "hello-nowait", "--no-wait", "--json"],
                     slow.env())
        assert nowait.exit_code == 0 and parsed(nowait.stdout)["status"] == "DEPLOYING"
    finally:
        slow.stop()


def test_reads_dotenv_in_the_working_folder_and_the_environment_wins(sandbox, sample_jar,
                                                                     flask_cli, tmp_path):
    workspace = tmp_path / "ci-workspace"
    env = sandbox.env()
    workspace.mkdir(exist_ok=True)
    (workspace / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    overridden = flask_cli([sample_jar, *SANDBOX, "--name", "hello-dotenv"],
                           {"ANYPOINT_CI_CLIENT_SECRET": "wrong-in-the-environment"})
    assert overridden.returncode == 3
    from_file = flask_cli([sample_jar, *SANDBOX, "--name", "hello-dotenv"], {})
    assert from_file.returncode == 0, from_file.stderr


def test_help_documents_the_exit_codes(flask_cli):
    result = flask_cli(["--help"], {})
    assert result.returncode == 0
    for line in ("0  the application is STARTED", "1  the deployment failed",
                 "2  usage or configuration error", "3  authentication or authorization error",
                 "4  Anypoint unreachable"):
        assert line in result.stdout
