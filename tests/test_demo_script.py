"""scripts/demo.py (`make demo`): the ports it refuses, what it writes to `.env` when the ports
change between runs, which server output reaches the terminal; and ``--check``, which says what
a run would do without serving or writing anything."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys

import pytest

from tests.support.fixtures import ROOT

SCRIPTS = ROOT / "scripts"


@pytest.fixture
def demo(monkeypatch, tmp_path):
    """scripts/demo.py as a module, its `.env` and instance/ moved into ``tmp_path``."""
    monkeypatch.syspath_prepend(str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("demo_script", SCRIPTS / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ENV_FILE", tmp_path / ".env")
    monkeypatch.setattr(module, "DEMO_FILE", tmp_path / "instance" / "sandbox-demo.json")
    return module


@pytest.fixture
def settings(demo):
    import demo_settings
    return demo_settings


def demo_data(client_id: str = "lab-id", redirect_uris=("http://localhost:5000/auth/callback",)):
    return {"apps": [
        {"name": "Connected App Lab", "client_id": client_id, "client_secret": "lab-secret",
         "redirect_uris": list(redirect_uris)},
        {"name": "CI Deployer", "client_id": "ci-id", "client_secret": "ci-secret"}]}


def wanted(app_port: int, sandbox_port: int = 8081, client_id: str = "lab-id") -> dict:
    return {"ANYPOINT_URL": f"http://localhost:{sandbox_port}", "ANYPOINT_CLIENT_ID": client_id,
            "ANYPOINT_REDIRECT_URI": f"http://localhost:{app_port}/auth/callback",
            "ANYPOINT_POST_LOGOUT_REDIRECT_URI": f"http://localhost:{app_port}/"}


def test_a_port_browsers_refuse_is_refused_with_advice(settings):
    with pytest.raises(settings.PortProblem) as refused:
        settings.parse_port("APP_PORT", "6000", 5000)
    assert "browsers refuse" in str(refused.value)
    assert "make demo APP_PORT=6001" in str(refused.value)
    with pytest.raises(settings.PortProblem, match="between 1 and 65535"):
        settings.parse_port("APP_PORT", "70000", 5000)
    with pytest.raises(settings.PortProblem, match="between 1 and 65535"):
        settings.parse_port("SANDBOX_PORT", "http", 8081)
    assert settings.parse_port("APP_PORT", "6080", 5000) == 6080
    assert settings.parse_port("APP_PORT", "", 5000) == 5000
    assert {6000, 6665, 10080, 5060} <= settings.UNSAFE_PORTS and 5000 not in settings.UNSAFE_PORTS


def test_another_app_port_replaces_the_earlier_demos_redirect_uri(demo):
    demo.ENV_FILE.write_text("# my settings\nSECRET_KEY=kept\n"
                             "ANYPOINT_URL=http://localhost:8081\nANYPOINT_CLIENT_ID=lab-id\n"
                             "ANYPOINT_REDIRECT_URI=http://localhost:5000/auth/callback\n"
                             "ANYPOINT_POST_LOGOUT_REDIRECT_URI=http://localhost:5000/\n")
    written = demo.write_app_settings(wanted(6080), demo_data())
    assert written == ["ANYPOINT_REDIRECT_URI", "ANYPOINT_POST_LOGOUT_REDIRECT_URI"]
    env = demo.read_env_file()
    assert env["ANYPOINT_REDIRECT_URI"] == "http://localhost:6080/auth/callback"
    assert env["ANYPOINT_POST_LOGOUT_REDIRECT_URI"] == "http://localhost:6080/"
    assert env["SECRET_KEY"] == "kept"
    assert demo.ENV_FILE.read_text().startswith("# my settings\n")


def test_a_reset_replaces_the_old_credentials_and_the_old_port(demo):
    demo.ENV_FILE.write_text("ANYPOINT_CLIENT_ID=old-id\n"
                             "ANYPOINT_REDIRECT_URI=http://localhost:5000/auth/callback\n")
    written = demo.write_app_settings(wanted(6080, client_id="new-id"), demo_data("old-id"))
    assert {"ANYPOINT_CLIENT_ID", "ANYPOINT_REDIRECT_URI"} <= set(written)
    assert demo.read_env_file()["ANYPOINT_CLIENT_ID"] == "new-id"


def test_the_users_own_platform_settings_are_kept(demo):
    own = ("ANYPOINT_URL=https://anypoint.mulesoft.com\nANYPOINT_CLIENT_ID=mine\n"
           "ANYPOINT_REDIRECT_URI=https://lab.example.com/auth/callback\n"
           "ANYPOINT_POST_LOGOUT_REDIRECT_URI=https://lab.example.com/\n")
    demo.ENV_FILE.write_text(own)
    assert demo.write_app_settings(wanted(6080), demo_data()) == []
    assert demo.ENV_FILE.read_text() == own


def test_a_dry_run_writes_nothing(demo):
    assert demo.write_app_settings(wanted(6080), None, dry_run=True) == list(wanted(6080))
    assert not demo.ENV_FILE.exists()


def test_only_errors_of_the_servers_reach_the_terminal(demo):
    assert demo.routine('127.0.0.1 - - [02/Dec/2026 04:00:00] "GET / HTTP/1.1" 200 -\n')
    assert demo.routine('127.0.0.1 - - [x] "\x1b[33mGET /favicon.ico HTTP/1.1\x1b[0m" 404 -\n')
    assert not demo.routine('127.0.0.1 - - [x] "\x1b[35m\x1b[1mPOST /deploy HTTP/1.1\x1b[0m" 500 -')
    assert not demo.routine("Traceback (most recent call last):\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_check(**ports) -> subprocess.CompletedProcess:
    """``scripts/demo.py --check`` with ``ports`` as its environment's port settings."""
    env = {**os.environ, **{name: str(port) for name, port in ports.items()}}
    return subprocess.run([sys.executable, str(SCRIPTS / "demo.py"), "--check"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)


def test_check_refuses_an_unsafe_port_and_plans_a_safe_one():
    refused = run_check(APP_PORT=6000, SANDBOX_PORT=free_port())
    assert refused.returncode == 1
    assert "browsers refuse" in refused.stderr and "APP_PORT=6001" in refused.stderr

    app_port = free_port()
    planned = run_check(APP_PORT=app_port, SANDBOX_PORT=free_port())
    assert planned.returncode == 0, planned.stderr
    assert f"redirect URI http://localhost:{app_port}/auth/callback" in planned.stdout
    assert "instance/sandbox-demo.json" in planned.stdout
