"""MuleSoft's own CLI, unmodified (anypoint-cli-v4, pinned in package.json), against the sandbox
served over https under a name the CLI attaches tokens to, as the seeded CI Deployer (client
credentials). Each command is checked against the sandbox's state afterwards. The sandbox's
clock is moved by hand, so deploys, stops and starts complete when the test says so."""

import json
import zipfile

import pytest
from sqlalchemy import select

from anypoint_sandbox.storage import CloudHubApplication, CloudHubDeployment, session
from anypoint_sandbox.tls import CLI_HOST, write_certificate
from tests.support.anypoint_cli import AnypointCli, require_cli
from tests.support.sandbox import run_sandbox

DEPLOY_SECONDS = 2
APP = "hello-cli"


def payload(stdout: str):
    """The JSON a command printed (deploy and modify print "Deploying …" before it)."""
    lines = stdout.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith(("{", "[")))
    return json.loads("\n".join(lines[first:]))


@pytest.fixture
def sandbox(tmp_path, clock):
    require_cli()  # before serving anything: skip (or fail under CI=true) without the CLI
    cert, key = write_certificate(tmp_path / "tls", (CLI_HOST, "127.0.0.1"))
    handle = run_sandbox(tmp_path / "sandbox.db", tls=(cert, key, CLI_HOST),
                         SANDBOX_DEPLOY_SECONDS=DEPLOY_SECONDS,
                         SANDBOX_UPLOAD_DIR=str(tmp_path / "uploads"))
    handle.cert = cert
    yield handle
    handle.stop()


@pytest.fixture
def cli(sandbox) -> AnypointCli:
    deployer = sandbox.app_named("CI Deployer")
    return AnypointCli(CLI_HOST, sandbox.server.server.server_port, sandbox.cert,
                       deployer["client_id"], deployer["client_secret"])


def application(sandbox) -> CloudHubApplication | None:
    with sandbox.app.app_context():
        found = session().scalar(select(CloudHubApplication).where(
            CloudHubApplication.domain == APP))
        if found is not None:
            session().expunge(found)
        return found


def deployment_count(sandbox) -> int:
    with sandbox.app.app_context():
        return len(session().scalars(select(CloudHubDeployment)).all())


def observed(sandbox, clock) -> str:
    """The application's status as the sandbox shows it now."""
    return application(sandbox).observe(clock.now, DEPLOY_SECONDS).status.value


def status(cli) -> str:
    return payload(cli.run("runtime-mgr", "cloudhub-application", "describe", APP, "-o",
                           "json").ok().stdout)["status"]


def _account_commands(sandbox, cli):
    org = sandbox.seed["organization"]
    environments = payload(cli.run("account", "environment", "list", "-o", "json").ok().stdout)
    assert {(env["name"], env["id"]) for env in environments} == {
        (env["name"], env["id"]) for env in org["environments"]}
    # Without a name: the user's default environment (organizationPreferences), Sandbox.
    default = payload(cli.run("account", "environment", "describe", "-o", "json").ok().stdout)
    assert (default["id"], default["name"]) == (sandbox.environment_id("Sandbox"), "Sandbox")

    table = cli.run("account", "business-group", "list").ok().stdout
    assert "Training Engineering" in table and "Root" in table and "Business unit" in table
    described = payload(cli.run("account", "business-group", "describe", "-o", "json")
                        .ok().stdout)
    assert (described["id"], described["name"]) == (org["id"], "Training")
    assert {env["name"] for env in described["environments"]} == {"Sandbox", "Design",
                                                                   "Production"}
    # The CI Deployer acts as its owner, the admin, who owns the organization.
    assert described["owner"]["username"] == "admin"

    user = payload(cli.run("account", "user", "describe", "-o", "json").ok().stdout)
    assert user["username"] == "admin" and user["createdAt"]

    runtimes = payload(cli.run("cloudhub", "runtime", "list", "-o", "json").ok().stdout)
    assert {runtime["version"] for runtime in runtimes} == {"4.9.0", "4.8.0", "4.6.0", "4.4.0"}
    regions = cli.run("cloudhub", "region", "list").ok().stdout
    assert "us-east-1" in regions and "EU (Ireland)" in regions


def _application_lifecycle(sandbox, cli, clock, sample_jar, newer_jar, logs_folder):
    assert payload(cli.run("runtime-mgr", "cloudhub-application", "list", "-o", "json")
                   .ok().stdout) == []
    deployed = cli.run("runtime-mgr", "cloudhub-application", "deploy", APP, str(sample_jar),
                       "--workers", "2", "--property", "db.host:localhost", "-o",
                       "json").ok()
    assert payload(deployed.stdout)["domain"] == APP
    stored = application(sandbox)
    assert stored.workers == 2  # the CLI sends "2", a string
    assert stored.environment_id == sandbox.environment_id("Sandbox")
    assert stored.properties == {"db.host": "localhost"}
    assert stored.file_name == sample_jar.name and stored.user_name == "CI Deployer"
    clock.advance(DEPLOY_SECONDS + 1)
    assert status(cli) == "STARTED"

    cli.run("runtime-mgr", "cloudhub-application", "modify", APP, "--property",
            "api.key:abc:def", "-o", "json").ok()
    assert application(sandbox).properties == {"db.host": "localhost", "api.key": "abc:def"}
    before = application(sandbox).file_sha256
    cli.run("runtime-mgr", "cloudhub-application", "modify", APP, str(newer_jar), "-o",
            "json").ok()
    changed = application(sandbox)
    assert changed.file_name == newer_jar.name and changed.file_sha256 != before
    assert changed.properties == {"db.host": "localhost", "api.key": "abc:def"}
    clock.advance(DEPLOY_SECONDS + 1)
    assert observed(sandbox, clock) == "STARTED"

    assert cli.run("runtime-mgr", "cloudhub-application", "stop", APP).ok().stdout.strip() \
        == "OK"
    clock.advance(DEPLOY_SECONDS + 1)
    assert observed(sandbox, clock) == "UNDEPLOYED"
    assert cli.run("runtime-mgr", "cloudhub-application", "start", APP).ok().stdout.strip() \
        == "OK"
    clock.advance(DEPLOY_SECONDS + 1)
    assert observed(sandbox, clock) == "STARTED"
    deployments = deployment_count(sandbox)
    cli.run("runtime-mgr", "cloudhub-application", "restart", APP).ok()
    assert deployment_count(sandbox) == deployments + 1
    clock.advance(DEPLOY_SECONDS + 1)
    assert observed(sandbox, clock) == "STARTED"

    tailed = cli.run_until("runtime-mgr", "cloudhub-application", "tail-logs", APP,
                           seen=lambda out: "Your application is started." in out)
    assert f"Restarting application {APP}" in tailed.stdout
    assert f"Started app '{APP}'" in tailed.stdout

    folder = logs_folder / "logs"
    folder.mkdir()
    cli.run("runtime-mgr", "cloudhub-application", "download-logs", APP, str(folder)).ok()
    (archive,) = folder.iterdir()
    with zipfile.ZipFile(archive) as logs:
        worker_logs = [logs.read(name).decode() for name in sorted(logs.namelist())]
        assert len(worker_logs) == 2  # the running deployment's two workers
        assert f"Restarting application {APP}" in worker_logs[0]  # system lines: the first
        assert all(f"Started app '{APP}'" in log for log in worker_logs)

    deleted = cli.run("runtime-mgr", "cloudhub-application", "delete", APP).ok()
    assert f"{APP} deleted" in deleted.stdout
    gone = application(sandbox)
    assert gone.action == "DELETE" and gone.file_path is None


def test_mulesofts_cli_works_against_the_sandbox(sandbox, cli, clock, sample_jar, jar_builder,
                                                 tmp_path):
    """One test, so the CLI's runs (about 2 s of CPU each) share one worker."""
    _account_commands(sandbox, cli)
    newer = jar_builder.build(tmp_path / "hello-cli-1.1.0-mule-application.jar", pad_mb=1)
    _application_lifecycle(sandbox, cli, clock, sample_jar, newer, tmp_path)
    assert len(cli.runs) == 18  # issue #11's seventeen commands and download-logs
