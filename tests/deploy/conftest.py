"""Fixtures for the deploy tests: the real sandbox (fast CloudHub) and the app, both over HTTP.

``deploy_lab`` serves the sandbox with SANDBOX_DEPLOY_SECONDS=0.3 and its own upload folder, and
the relying party configured as the sandbox's "Connected App Lab"; ``lab.signed_in(role)`` gives
a requests session signed in through the sandbox's own sign-in and consent pages.
``sample_jar`` (hello-mule's JAR) comes from tests/conftest.py.
"""

from __future__ import annotations

import re

import pytest
import requests

from tests.rp.conftest import lab  # noqa: F401 - the fake-OP fixture, reused
from tests.rp.test_e2e_sandbox import post_form
from tests.support.sandbox import LabOnSandbox, fast_cloudhub

RUNTIME_MANAGER = ("read:applications", "create:applications", "manage:application_settings",
                   "delete:applications")
DEPLOY_SCOPES = " ".join(("openid", "profile", "email", "offline_access", "view:environment",
                          *RUNTIME_MANAGER))


class DeployLab(LabOnSandbox):
    """The sandbox (``fast_cloudhub``, then ``sandbox_config``) and the relying party, each on
    its own thread and port."""

    def __init__(self, tmp_path, rp_settings: dict | None = None, **sandbox_config):
        super().__init__(tmp_path, rp_settings, **fast_cloudhub(tmp_path, **sandbox_config))
        self.browsers: list[requests.Session] = []

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
        super().stop()


@pytest.fixture
def deploy_lab(tmp_path):
    instance = DeployLab(tmp_path)
    yield instance
    instance.stop()
