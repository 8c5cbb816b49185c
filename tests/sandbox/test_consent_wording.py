"""The sandbox says the right thing at the right time: the consent page marks a scope the
account has no right to use (or only in some environments) and, on "Ask for more access",
which scopes are new; Back after signing in finds a page that leads back to the app; the
sandbox has a sign-out page; the console's and the profile's Revoke ask first."""

import re

from anypoint_sandbox.oauth.interaction import app_home
from tests.support.pages import csrf_of
from tests.support.sandbox_client import CALLBACK, bearer

PROFILE = "/console/profile/connected-apps"
APPS = "/console/access-management/connected-apps/"


def consent_page(sign_in, username: str, scope: str):
    """Authorize with ``scope`` as ``username`` (signing in when asked); the consent page."""
    location = sign_in.authorize(scope=scope).headers["Location"]
    if location.endswith("/login"):
        location = sign_in.login(location, username).headers["Location"]
    assert location.endswith("/consent"), location
    page = sign_in.client.get(location)
    assert page.status_code == 200
    return location, page.text


def scope_item(page: str, scope: str) -> str:
    """The consent page's list item of ``scope``."""
    match = re.search(rf'<li class="scope consent-scope[^"]*" data-scope="{re.escape(scope)}">'
                      r"(.*?)</li>", page, re.S)
    assert match, f"{scope} is not on the consent page"
    return match.group(0)


def test_consent_marks_a_scope_the_viewer_has_no_right_to_use(sign_in):
    _, page = consent_page(sign_in, "viewer", "openid read:applications create:applications")
    no_right = scope_item(page, "create:applications")
    assert "scope-no-right" in no_right
    assert "your account does not have this permission" in no_right
    assert "Connected App Lab will not be able to use it either" in no_right
    for fine in ("openid", "read:applications"):  # an identity scope; a right held everywhere
        assert "scope-note" not in scope_item(page, fine)
    assert "already granted" not in page and "tag-new" not in page  # nothing granted before


def test_consent_says_where_the_developer_holds_a_right(sign_in):
    _, page = consent_page(sign_in, "developer", "openid create:applications view:environment")
    assert "Only in Sandbox" in scope_item(page, "create:applications")
    assert "scope-note" not in scope_item(page, "view:environment")  # organization-wide


def test_ask_for_more_access_marks_which_scopes_are_new(sign_in):
    sign_in.code("developer", scope="openid profile")
    _, page = consent_page(sign_in, "developer", "openid profile read:applications")
    assert "asks for more access to" in page and 'id="consent-more"' in page
    assert 'class="tag tag-new">new<' in scope_item(page, "read:applications")
    for old in ("openid", "profile"):
        item = scope_item(page, old)
        assert "already granted" in item and "tag-new" not in item


def test_back_after_signing_in_leads_back_to_the_app(sign_in, client):
    location = sign_in.authorize(scope="openid profile").headers["Location"]
    consent = sign_in.login(location, "developer").headers["Location"]
    done = sign_in.decide(consent)
    assert done.headers["Location"].startswith(CALLBACK)

    back = client.get(consent)  # the browser's Back button
    assert back.status_code == 200
    assert "You already answered this request" in back.text
    assert 'href="http://localhost:5000/" id="back-to-app"' in back.text
    assert "has expired" not in back.text
    # The request still works once: posting the old form again gives no second code.
    again = client.post(consent, data={"csrf_token": csrf_of(client.get(PROFILE).text),
                                       "decision": "allow"})
    assert again.status_code == 400 and "Location" not in again.headers
    # Another browser (no memory of answering it) sees the expired request, as before.
    other = client.application.test_client()
    stale = other.get(consent)
    assert stale.status_code == 400 and "has expired" in stale.text


def test_app_home_is_the_client_uri_or_the_redirect_uris_origin():
    class App:
        client_uri = None
        redirect_uris = ["myapp:/callback", "https://app.example:8443/auth/callback"]

    assert app_home(App()) == "https://app.example:8443/"
    App.redirect_uris.insert(0, "http://localhost:5000/auth/callback")
    assert app_home(App(), "https://app.example:8443/auth/callback") == "https://app.example:8443/"
    assert app_home(App(), "https://elsewhere.example/") == "http://localhost:5000/"  # not its
    App.client_uri = "https://app.example/home"
    assert app_home(App()) == "https://app.example/home"
    App.client_uri, App.redirect_uris = None, []
    assert app_home(App()) is None


def test_the_sandbox_has_a_sign_out_page(client, console):
    nobody = client.get("/console/sign-out")
    assert nobody.status_code == 200 and 'id="not-signed-in"' in nobody.text
    console.sign_in("developer")
    page = client.get("/console/sign-out")
    assert page.status_code == 200 and "Sam Chen" in page.text
    assert 'id="sandbox-sign-out"' in page.text
    left = client.post("/console/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert left.status_code == 302
    assert 'id="not-signed-in"' in client.get("/console/sign-out").text


def test_profile_revoke_asks_first_then_revokes(client, console, sign_in):
    tokens = sign_in.tokens("developer", "openid profile offline_access")
    page = client.get(PROFILE)
    revoke = re.search(r'action="(/console/profile/connected-apps/\d+/revoke)"', page.text)[1]
    asked = client.post(revoke, data={"csrf_token": csrf_of(page.text)})
    assert asked.status_code == 200
    assert "Revoke Connected App Lab&#39;s access?" in asked.text
    assert "stops working at once" in asked.text and 'name="confirm" value="yes"' in asked.text
    assert f'href="{PROFILE}" id="cancel-revoke" autofocus' in asked.text
    me = client.get("/accounts/api/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200  # nothing revoked by the first post
    done = client.post(revoke, data={"csrf_token": csrf_of(asked.text), "confirm": "yes"})
    assert done.status_code == 302
    assert client.get("/accounts/api/me",
                      headers=bearer(tokens["access_token"])).status_code == 401


def test_revoke_for_everyone_asks_first_and_says_how_many(client, console, sign_in, lab):
    developer = sign_in.tokens("developer", "openid profile offline_access", prompt="login")
    sign_in.tokens("admin", "openid profile offline_access", prompt="login")
    console.sign_in()
    page_path = f"{APPS}{lab['client_id']}/authorizations"
    asked = console.post(page_path, f"{APPS}{lab['client_id']}/revoke-all")
    assert asked.status_code == 200
    assert "Revoke Connected App Lab for everyone?" in asked.text
    assert "2 authorization(s) now" in asked.text
    assert client.get("/accounts/api/me",
                      headers=bearer(developer["access_token"])).status_code == 200
    one = re.search(r"/authorizations/(\d+)/revoke", client.get(page_path).text)[1]
    asked_one = console.post(page_path, f"{page_path}/{one}/revoke")
    assert asked_one.status_code == 200 and "authorization?" in asked_one.text
    assert len(re.findall(r"/authorizations/\d+/revoke", client.get(page_path).text)) == 2
