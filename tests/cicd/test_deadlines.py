"""``--timeout`` bounds the whole pipeline command, calls to Anypoint included, and takes only a
finite number of seconds: a server that never answers holds it no longer."""

from __future__ import annotations

import time

from tests.support.faults import SilentListener
from tests.support.labs import parsed

SANDBOX = ["--environment", "Sandbox"]


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_timeout_refuses_nan_inf_and_negatives(cli, sample_jar):
    env = {"ANYPOINT_CI_CLIENT_ID": "ci", "ANYPOINT_CI_CLIENT_SECRET": "secret"}
    for value in ("nan", "inf", "-5", "0", "0.5", "1e9", "soon"):
        result = cli([sample_jar, *SANDBOX, "--name", "hello-mule", "--timeout", value], env)
        assert result.exit_code == 2, (value, result.output)
        assert "--timeout" in result.output


def test_timeout_5_against_a_silent_server_ends_within_it(cli, sample_jar):
    silent = SilentListener()
    try:
        env = {"ANYPOINT_URL": f"http://127.0.0.1:{silent.port}", "ANYPOINT_CI_CLIENT_ID": "ci",
               "ANYPOINT_CI_CLIENT_SECRET": "secret"}
        result, took = timed(lambda: cli([sample_jar, *SANDBOX, "--name", "hello-mule",
                                          "--timeout", "5", "--json"], env))
        assert result.exit_code == 4, result.output
        assert took < 8, took  # was more than 40 s: 5 s of budget, not a read timeout of 120
        assert "Timed out after 5 s" in parsed(result.stdout)["error"]
    finally:
        silent.close()
