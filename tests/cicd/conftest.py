"""Fixtures for the pipeline deploy: a fast sandbox served over HTTP, the CI Deployer's settings,
the command run in-process (CliRunner, in an empty folder) or as a real ``flask`` subprocess with
an environment that holds nothing of the web app's settings."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
from click.testing import CliRunner

from relying_party.pipeline.command import deploy
from tests.support.labs import CiSandbox

FLASK = pathlib.Path(sys.executable).with_name("flask")
APPLICATIONS = "/cloudhub/api/v2/applications"


@pytest.fixture
def sandbox(tmp_path):
    instance = CiSandbox(tmp_path)
    yield instance
    instance.stop()


@pytest.fixture
def cli(tmp_path):
    """``cli(args, env)`` runs the command in-process from an empty folder (no .env); returns
    click's Result (exit_code, stdout, stderr)."""
    folder = tmp_path / "pipeline"
    folder.mkdir()

    def invoke(args: list[str], env: dict[str, str]):
        runner = CliRunner()
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            unset = {name: None for name in ("ANYPOINT_URL", "ANYPOINT_CI_CLIENT_ID",
                                             "ANYPOINT_CI_CLIENT_SECRET")}
            return runner.invoke(deploy, [str(arg) for arg in args], env={**unset, **env},
                                 catch_exceptions=False)
        finally:
            os.chdir(cwd)

    return invoke


@pytest.fixture
def flask_cli(tmp_path):
    """``flask_cli(args, env)`` runs ``flask --app app deploy ARGS`` as a real process, in an
    empty folder and with only PATH, HOME and ``env`` in its environment: none of the web app's
    settings (ANYPOINT_CLIENT_ID, SECRET_KEY…) exist for it."""
    folder = tmp_path / "ci-workspace"
    folder.mkdir()

    def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
                "LANG": "C.UTF-8"}
        return subprocess.run([str(FLASK), "--app", "app", "deploy", *map(str, args)],
                              cwd=folder, env={**base, **env}, capture_output=True, text=True,
                              timeout=120)

    return run

