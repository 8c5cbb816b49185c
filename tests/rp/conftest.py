"""Fixtures for the relying party: a fake OP on a live server, the RP pointed at it, a browser."""

from __future__ import annotations

import re

import pytest
import requests

from relying_party import create_app
from tests.support.fake_op import CLIENT_ID, CLIENT_SECRET, FakeOP
from tests.support.live import serve
from tests.support.sandbox import LabOnSandbox


def rp_config(op_url: str, rp_url: str, tmp_path, **extra) -> dict:
    return {
        "ANYPOINT_URL": op_url,
        "OIDC_DISCOVERY_URL": op_url + "/op/.well-known/openid-configuration",
        "ANYPOINT_CLIENT_ID": CLIENT_ID,
        "ANYPOINT_CLIENT_SECRET": CLIENT_SECRET,
        "ANYPOINT_REDIRECT_URI": rp_url + "/auth/callback",
        "ANYPOINT_POST_LOGOUT_REDIRECT_URI": rp_url + "/",
        "ANYPOINT_SCOPES": "openid profile email offline_access",
        "SECRET_KEY": "test-secret-key-0123456789",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "HTTP_TIMEOUT": "2",
        **extra,
    }


class Lab:
    """The fake OP and the RP, both served over HTTP, plus a requests-based "browser"."""

    def __init__(self, tmp_path, **extra):
        holder = {}

        def build_op(url):
            holder["op"] = FakeOP(url)
            return holder["op"].app

        self.op_server = serve(build_op)
        self.op: FakeOP = holder["op"]
        self.rp_server = serve(lambda url: create_app(
            rp_config(self.op_server.url, url, tmp_path, **extra), env_file=None))
        self.url = self.rp_server.url
        self.app = self.rp_server.app
        self.browser = requests.Session()
        self.saved: list = []
        tokens = self.app.extensions["connected_app_lab"].tokens
        original = tokens.save

        def recording_save(grant_id, token_set):
            self.saved.append(token_set)
            original(grant_id, token_set)

        tokens.save = recording_save

    def stop(self):
        self.browser.close()
        self.rp_server.stop()
        self.op_server.stop()

    def start_login(self, browser=None, **params) -> str:
        """GET /login and the OP's authorize; return the callback URL (not yet visited)."""
        browser = browser or self.browser
        first = browser.get(self.url + "/login", params=params, allow_redirects=False, timeout=10)
        assert first.status_code == 302, first.text
        second = browser.get(first.headers["Location"], allow_redirects=False, timeout=10)
        assert second.status_code == 302
        return second.headers["Location"]

    def sign_in(self, browser=None, **params) -> requests.Response:
        browser = browser or self.browser
        return browser.get(self.start_login(browser, **params), timeout=20)

    def session(self, browser=None) -> dict:
        return (browser or self.browser).get(self.url + "/session.json", timeout=10).json()

    def csrf(self, browser=None, path="/access") -> str:
        page = (browser or self.browser).get(self.url + path, timeout=10).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def saved_token_sets(self) -> list:
        """Every token set the RP stored since it started (recorded by a wrapper)."""
        return self.saved


@pytest.fixture
def lab(tmp_path):
    labs = []

    def make(**extra) -> Lab:
        instance = Lab(tmp_path / f"lab{len(labs)}", **extra)
        labs.append(instance)
        return instance

    yield make
    for instance in labs:
        instance.stop()


class SandboxLab(LabOnSandbox):
    """The real sandbox plus the RP configured as its seeded "Connected App Lab" app; ``extra``
    adds RP settings. ``user`` is the seeded admin."""

    def __init__(self, tmp_path, **extra):
        super().__init__(tmp_path, rp_settings=extra)
        self.user = self.sandbox.user("admin")


@pytest.fixture
def sandbox_lab(tmp_path):
    instance = SandboxLab(tmp_path)
    yield instance
    instance.stop()
