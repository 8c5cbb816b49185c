"""Tests that need a tool (Chromium, Redis) skip on a laptop without it — never under CI=true."""

import os
import socket

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(tool: str, why: str):
    """Skip the test outside CI; fail it loudly in CI, where every tool must be present."""
    message = f"{tool} is not available: {why}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: tests that need it must run)", pytrace=False)
    pytest.skip(message)


def redis_reachable(host="127.0.0.1", port=6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False
