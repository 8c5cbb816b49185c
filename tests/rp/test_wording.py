"""The app says the right thing at the right time (against the fake OP, time moved by hand):
revoking asks first and defaults to the least destructive choice; a reloaded callback while
signed in says you are signed in; an idle time-out says it was one; a stale tab's form says
why it expired and offers to reload; a sign-in from a deep link returns there; sign-out says
the provider's own session remains and links to its sign-out."""

from __future__ import annotations

import re
from html import unescape

import pytest

from relying_party.web import confirm
from tests.support.clock import clock  # noqa: F401 (a fixture)
from tests.support.pages import csrf_of

IDLE_MINUTES = 30


def action_of(page: str) -> str:
    """The href of the error page's "what now" button."""
    return unescape(re.search(r'<a class="btn btn-primary" href="([^"]*)" id="problem-action"',
                              page)[1])


# --- revoking asks first ------------------------------------------------------------------------


def test_the_access_page_preselects_the_least_destructive_revocation(lab):
    rp = lab()
    rp.sign_in(scope="openid profile offline_access")
    page = rp.browser.get(rp.url + "/access").text
    assert re.search(r'value="access" checked', page)
    assert not re.search(r'value="(both|refresh)"[^>]*checked', page)
    assert "ends the delegation; signs you out" in page


@pytest.mark.parametrize(("path", "cancel"), [("/access/revoke", "/access#revoke"),
                                              ("/access/lab/revoke",
                                               "/access/lab#scenario-revoked_refresh")])
def test_a_revoke_form_asks_first_and_says_what_will_happen(lab, path, cancel):
    rp = lab()
    rp.sign_in(scope="openid profile offline_access")
    asked = rp.post(rp.browser, path, as_json=False, token="refresh")
    assert asked.status_code == 200
    assert rp.op.calls.get("revoke", 0) == 0  # nothing revoked yet
    assert rp.session()["authenticated"] is True
    text = unescape(asked.text)
    assert "Revoke the refresh token?" in text and "Nothing has been revoked yet" in text
    assert "this ends the delegation" in text
    assert "This ends your delegation and signs you out of this app." in text
    assert f'href="{cancel}" id="cancel-revoke" autofocus' in text
    assert 'name="confirmed" value="yes"' in text and 'name="token" value="refresh"' in text

    done = rp.browser.post(rp.url + path, data={"csrf_token": csrf_of(asked.text),
                                                "token": "refresh", "confirmed": "yes"},
                           allow_redirects=False)
    assert done.status_code == 303
    assert rp.op.calls["revoke"] == 1


def test_the_confirmation_says_when_you_stay_signed_in(lab):
    rp = lab()
    rp.sign_in(scope="openid profile offline_access")
    asked = unescape(rp.post(rp.browser, "/access/revoke", as_json=False, token="access").text)
    assert "Revoke the access token?" in asked and "you stay signed in here" in asked
    assert 'id="confirm-ends"' not in asked
    both = unescape(rp.post(rp.browser, "/access/revoke", as_json=False, token="both").text)
    assert "Revoke both tokens?" in both and 'id="confirm-ends"' in both
    assert rp.op.calls.get("revoke", 0) == 0


def test_revoking_the_only_token_says_it_ends_the_delegation(lab):
    rp = lab()
    rp.sign_in(scope="openid profile")  # no offline_access: no refresh token
    asked = unescape(rp.post(rp.browser, "/access/revoke", as_json=False, token="access").text)
    assert "holds no refresh token" in asked and 'id="confirm-ends"' in asked


def test_an_unknown_choice_is_refused_before_any_confirmation(lab):
    rp = lab()
    rp.sign_in()
    refused = rp.post(rp.browser, "/access/revoke", as_json=False, token="everything")
    assert refused.status_code == 400 and "Nothing was revoked" in refused.text


def test_every_choice_has_words():
    class Tokens:
        refresh_token = "r"

    for which in ("access", "refresh", "both"):
        said = confirm.revoke_consequences(which, Tokens(), anypoint=True)
        assert said["title"].endswith("?") and said["steps"] and said["button"]
        assert any("Anypoint" in step for step in said["steps"])


# --- the callback opened again ------------------------------------------------------------------


def test_reloading_the_callback_while_signed_in_says_you_are_signed_in(lab):
    rp = lab()
    callback = rp.start_login()
    assert rp.browser.get(callback).status_code == 200
    again = rp.browser.get(callback)  # a reload, or Back to the callback
    assert again.status_code == 200
    assert "You are signed in" in again.text and "invalid_state" not in again.text
    assert rp.session()["authenticated"] is True
    # Signed out, the same answer is refused as before: it never signs anybody in again.
    rp.browser.post(rp.url + "/logout", data={"csrf_token": rp.csrf()})
    refused = rp.browser.get(callback)
    assert refused.status_code == 400 and "invalid_state" in refused.text


# --- idle time-out ------------------------------------------------------------------------------


def test_an_idle_time_out_says_it_was_one(lab, clock):  # noqa: F811
    rp = lab(SESSION_IDLE_MINUTES=str(IDLE_MINUTES))
    rp.sign_in()
    clock.advance((IDLE_MINUTES - 1) * 60)
    assert rp.session()["authenticated"] is True  # not idle for long enough yet
    clock.advance((IDLE_MINUTES + 1) * 60)
    words = f"you were signed out after {IDLE_MINUTES} minutes without activity"
    home = rp.browser.get(rp.url + "/")
    assert home.status_code == 200 and words in home.text
    assert "Hello," not in home.text
    access = rp.browser.get(rp.url + "/access")
    assert access.status_code == 401 and words in access.text
    assert words in rp.session()["ended"]


# --- a stale tab's form -------------------------------------------------------------------------


def test_a_form_from_a_session_that_ended_says_why_and_offers_to_reload(lab):
    rp = lab(SESSION_IDLE_MINUTES=str(IDLE_MINUTES))
    rp.sign_in()
    stale = rp.csrf()  # the /access page open in a tab
    rp.browser.post(rp.url + "/logout", data={"csrf_token": stale})  # signed out elsewhere
    refused = rp.browser.post(rp.url + "/access/revoke",
                              data={"csrf_token": stale, "token": "access"})
    assert refused.status_code == 400
    text = unescape(refused.text)
    assert "This form has expired" in text and "session that has ended" in text
    assert f"after {IDLE_MINUTES} minutes without activity" in text
    assert "Nothing was done" in text
    assert action_of(refused.text) == "/access"
    assert "Reload the page" in text


def test_a_form_from_an_earlier_session_says_so(lab):
    rp = lab()
    rp.sign_in()
    stale = rp.csrf(path="/access/lab")
    rp.sign_in()  # signed in again (another tab): a new form token
    revoked = rp.op.calls.get("revoke", 0)  # the sign-in revoked the previous delegation's
    refused = rp.browser.post(rp.url + "/access/lab/revoke",
                              data={"csrf_token": stale, "token": "access"})
    assert refused.status_code == 400
    assert "belongs to an earlier session" in refused.text
    assert action_of(refused.text) == "/access/lab"
    assert rp.op.calls.get("revoke", 0) == revoked


def test_a_form_without_a_token_says_it_did_not_come_from_here(lab):
    rp = lab()
    rp.sign_in()
    refused = rp.browser.post(rp.url + "/profile/reload", data={})
    assert refused.status_code == 400 and "carried no form token" in refused.text
    assert action_of(refused.text) == "/"  # /profile is no page: home


# --- a deep link --------------------------------------------------------------------------------


def test_a_sign_in_from_a_deep_link_returns_there(lab):
    rp = lab()
    refused = rp.browser.get(rp.url + "/access/lab?from=mail")
    assert refused.status_code == 401
    sign_in = action_of(refused.text)
    assert sign_in == "/login?next=/access/lab?from%3Dmail"
    first = rp.browser.get(rp.url + sign_in, allow_redirects=False)
    authorize = rp.browser.get(first.headers["Location"], allow_redirects=False)
    done = rp.browser.get(authorize.headers["Location"], allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"] == "/access/lab?from=mail"
    # (a ``next`` that leads elsewhere still comes home: tests/attacks/test_open_redirect.py)


# --- sign-out -----------------------------------------------------------------------------------


def test_sign_out_says_the_providers_session_remains_and_links_to_its_sign_out(lab):
    rp = lab()
    rp.sign_in()
    asked = rp.browser.get(rp.url + "/logout")
    assert asked.status_code == 200 and 'id="confirm-sign-out"' in asked.text
    left = rp.browser.post(rp.url + "/logout", data={"csrf_token": csrf_of(asked.text)},
                           allow_redirects=False)
    assert left.status_code == 303 and left.headers["Location"] == "/signed-out"
    page = rp.browser.get(rp.url + "/signed-out")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "You are signed out." in text and "session remains" in text
    assert "offers apps no way to end your session" in text
    sign_out = re.search(r'href="([^"]+)"[^>]*id="provider-sign-out"', page.text)[1]
    assert sign_out == rp.op.url + "/console/sign-out"  # derived from ANYPOINT_URL
    assert rp.browser.get(rp.url + "/logout", allow_redirects=False).headers[
        "Location"] == "/signed-out"  # signed out: nothing to sign out of


def test_signed_out_on_anypoint_names_anypoint_and_its_own_sign_out(lab):
    rp = lab(ANYPOINT_SIGNOUT_URL="https://anypoint.example/accounts/signout")
    rp.sign_in()
    rp.browser.post(rp.url + "/logout", data={"csrf_token": rp.csrf()})
    page = rp.browser.get(rp.url + "/signed-out").text
    assert 'href="https://anypoint.example/accounts/signout"' in page
