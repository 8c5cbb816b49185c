"""Fixtures for the deploy tests: the real sandbox (fast CloudHub) and the app, both over HTTP.

``deploy_lab`` serves the sandbox with SANDBOX_DEPLOY_SECONDS=0.3 and its own upload folder, and
the relying party configured as the sandbox's "Connected App Lab"; ``lab.signed_in(role)`` gives
a requests session signed in through the sandbox's own sign-in and consent pages.
``sample_jar`` is hello-mule's deployable JAR, built fresh for the test session.
"""

from __future__ import annotations

import re

import pytest
import requests

from relying_party import create_app
from tests.cloudhub.jars import load_builder
from tests.rp.conftest import _LateRP, lab  # noqa: F401 - the fake-OP fixture, reused
from tests.rp.test_e2e_sandbox import post_form
from tests.support.live import serve
from tests.support.sandbox import run_sandbox

RUNTIME_MANAGER = ("read:applications", "create:applications", "manage:application_settings",
                   "delete:applications")
DEPLOY_SCOPES = " ".join(("openid", "profile", "email", "offline_access", "view:environment",
                          *RUNTIME_MANAGER))


class DeployLab:
    """The sandbox and the relying party, each on its own thread and port."""

    def __init__(self, tmp_path, **sandbox_config):
        holder: dict = {}

        def build_rp(url):
            holder["url"] = url
            return _LateRP(holder)

        self.rp_server = serve(build_rp)
        self.url = self.rp_server.url
        config = {"SANDBOX_DEPLOY_SECONDS": 0.3,
                  "SANDBOX_UPLOAD_DIR": str(tmp_path / "uploads"), **sandbox_config}
        self.sandbox = run_sandbox(tmp_path / "sandbox.db",
                                   redirect_uris=[self.url + "/auth/callback"], **config)
        client = self.sandbox.app_named("Connected App Lab")
        self.app = create_app({
            "ANYPOINT_URL": self.sandbox.url,
            "ANYPOINT_CLIENT_ID": client["client_id"],
            "ANYPOINT_CLIENT_SECRET": client["client_secret"],
            "ANYPOINT_REDIRECT_URI": self.url + "/auth/callback",
            "ANYPOINT_POST_LOGOUT_REDIRECT_URI": self.url + "/",
            "SECRET_KEY": "test-secret-key-0123456789",
            "INSTANCE_PATH": str(tmp_path / "rp-instance"),
        }, env_file=None)
        holder["app"] = self.app
        self.browsers: list[requests.Session] = []

    def environment(self, name: str) -> str:
        """The id of the seeded environment called ``name``."""
        envs = self.sandbox.seed["organization"]["environments"]
        return next(env["id"] for env in envs if env["name"] == name)

    def signed_in(self, role: str = "developer", scope: str | None = DEPLOY_SCOPES):
        """A requests session signed in as the seeded user with ``role``, granting ``scope``."""
        user = self.sandbox.user(role)
        browser = requests.Session()
        self.browsers.append(browser)
        page = browser.get(self.url + "/login", params={"scope": scope} if scope else {},
                           timeout=20)
        if 'name="password"' in page.text:
            page = post_form(browser, page, username=user["username"], password=user["password"])
        if 'name="decision"' in page.text:
            page = post_form(browser, page, decision="allow")
        assert page.status_code == 200 and page.url == self.url + "/", page.text[:500]
        return browser

    def csrf(self, browser, path: str = "/deploy") -> str:
        page = browser.get(self.url + path, timeout=20).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def stop(self):
        for browser in self.browsers:
            browser.close()
        self.rp_server.stop()
        self.sandbox.stop()


@pytest.fixture
def deploy_lab(tmp_path):
    instance = DeployLab(tmp_path)
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def sample_jar(tmp_path_factory):
    """hello-mule's deployable JAR (a few kB), built with the project's own builder."""
    folder = tmp_path_factory.mktemp("jars")
    return load_builder().build(folder / "hello-mule-1.0.0-mule-application.jar")
