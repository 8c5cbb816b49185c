"""End to end against the live sandbox: the consent page the app's "Ask for more access" leads
to marks what is new and what the account cannot use; a revoke form asks first, then revoking
the refresh token ends the delegation (the sandbox revokes the whole grant) and signs you out;
the signed-out page's links lead to the sandbox's own sign-out page and profile."""

from __future__ import annotations

import re
from html import unescape

import requests

from tests.support.pages import csrf_of, submit_form


def test_more_access_consent_revoke_confirmation_and_sign_out(sandbox_lab):
    lab = sandbox_lab
    browser = requests.Session()
    lab.sign_in(browser, role="viewer", scope="openid profile offline_access")

    # Ask for more access, from /access's form: the sandbox marks what is new, and what the
    # viewer's account cannot use.
    consent = browser.get(lab.url + "/login", timeout=20, params={
        "scope": ["openid", "profile", "offline_access", "read:applications",
                  "create:applications"], "next": "/access"})
    assert consent.status_code == 200 and 'name="decision"' in consent.text
    page = unescape(consent.text)
    assert "asks for more access to" in page
    create = re.search(r'data-scope="create:applications">(.*?)</li>', page, re.S)[1]
    assert "tag-new" in create and "your account does not have this permission" in create
    assert "already granted" in re.search(r'data-scope="profile">(.*?)</li>', page, re.S)[1]
    back = submit_form(browser, consent, decision="allow")
    assert back.url == lab.url + "/access"  # the sign-in's next

    # Revoke the refresh token: asked first, nothing revoked by the question.
    asked = browser.post(lab.url + "/access/revoke", timeout=20, data={
        "csrf_token": csrf_of(back.text), "token": "refresh"})
    assert asked.status_code == 200 and "This ends your delegation" in asked.text
    assert lab.session(browser)["authenticated"] is True
    ended = browser.post(lab.url + "/access/revoke", timeout=20, data={
        "csrf_token": csrf_of(asked.text), "token": "refresh", "confirmed": "yes"})
    assert ended.status_code == 401 and "Your access has ended" in ended.text
    assert lab.session(browser)["authenticated"] is False

    # Sign in again and out: the signed-out page leads to the sandbox's sign-out and profile.
    lab.sign_in(browser, role="viewer", scope="openid profile")
    left = browser.post(lab.url + "/logout", data={"csrf_token": lab.csrf(browser, "/")},
                        timeout=20)
    assert left.url == lab.url + "/signed-out" and "Your Anypoint session remains" in left.text
    sign_out = unescape(re.search(r'href="([^"]+)"[^>]*id="provider-sign-out"', left.text)[1])
    assert sign_out == lab.sandbox.url + "/console/sign-out"
    sandbox_page = browser.get(sign_out, timeout=20)
    assert sandbox_page.status_code == 200 and 'id="sandbox-sign-out"' in sandbox_page.text
    assert "Jordan Lee" in sandbox_page.text  # the Anypoint session did remain
    profile = unescape(re.search(r'href="([^"]+)"[^>]*id="provider-profile"', left.text)[1])
    assert browser.get(profile, timeout=20).status_code == 200
    signed_out = submit_form(browser, sandbox_page)
    assert signed_out.status_code == 200
    assert 'id="not-signed-in"' in browser.get(sign_out, timeout=20).text
    browser.close()
