"""What a connected app's registration may hold, through the JSON API and the console's form:
URIs that cannot be parsed, relative ones, ones with a fragment, controls or a bad port are 400s
in words (never a 500); every string and every list has a bound, and nothing past it is
stored."""

import pytest

from anypoint_sandbox.storage import ConnectedApp, session
from tests.support.sandbox_client import APPS_API

APPS = "/console/access-management/connected-apps/"
USER_APP = {"client_name": "Bounds", "grant_types": ["authorization_code", "refresh_token"],
            "redirect_uris": ["http://localhost:7000/callback"], "scopes": ["openid"]}

# Each a member of "a redirect URI that is not an absolute http(s) URL without a fragment".
BAD_URIS = {
    "http://[": "not a URL that can be read",
    "https://[::1/cb": "not a URL that can be read",
    "http://example.com:99999/cb": "not a URL that can be read",
    "http://example.com:port/cb": "not a URL that can be read",
    "/auth/callback": "not an http or https URL",
    "//evil.example/cb": "not an http or https URL",
    "localhost:5000/cb": "not an http or https URL",
    "http:///only-a-path": "not an http or https URL",
    "javascript:alert(1)": "not an http or https URL",
    "http://localhost/cb#top": "#fragment",
    "http://localhost/cb#": "#fragment",
    "http://local host/cb": "spaces or control characters",
    "http://localhost/cb\x00": "spaces or control characters",
    "http://localhost/\u2028cb": "spaces or control characters",
}


def _app_names(app) -> list[str]:
    with app.app_context():
        return [row.name for row in session().query(ConnectedApp)]


@pytest.mark.parametrize("uri", BAD_URIS)
def test_an_unusable_redirect_uri_is_a_400_in_words(app, client, admin, uri):
    answer = client.post(APPS_API, json={**USER_APP, "redirect_uris": [uri]}, headers=admin)
    assert answer.status_code == 400, answer.json
    assert answer.json["message"].startswith("Redirect URI ")
    assert BAD_URIS[uri] in answer.json["message"]
    assert len(answer.json["message"]) < 300  # the URI is quoted cut short
    assert "Bounds" not in _app_names(app)


@pytest.mark.parametrize("field", ["client_uri", "policy_uri", "tos_uri"])
@pytest.mark.parametrize("uri", ["http://[", "/relative", "http://localhost/#x",
                                 "https://example.com/" + "p" * 3000])
def test_an_unusable_app_url_is_a_400_in_words(app, client, admin, field, uri):
    answer = client.post(APPS_API, json={**USER_APP, field: uri}, headers=admin)
    assert answer.status_code == 400 and answer.json["message"].startswith(f"'{field}' ")
    assert "Bounds" not in _app_names(app)


def test_an_edit_is_held_to_the_same_rules(client, admin, lab):
    path = f"{APPS_API}/{lab['client_id']}"
    for body in ({"redirect_uris": ["http://["]}, {"client_uri": "x" * 5000},
                 {"client_name": "n" * 201}, {"redirect_uris": ["http://localhost/cb"] * 101}):
        answer = client.patch(path, json=body, headers=admin)
        assert answer.status_code == 400, body
    assert client.get(path, headers=admin).json["redirect_uris"] == lab["redirect_uris"]


@pytest.mark.parametrize(("body", "words"), [
    ({"redirect_uris": [f"http://localhost/{n}" for n in range(101)]},
     "'redirect_uris' can hold at most 100 entries; this one has 101."),
    ({"grant_types": ["authorization_code"] * 11}, "'grant_types' can hold at most 10"),
    ({"scopes": ["openid"] * 1001}, "'scopes' can hold at most 1000"),
    ({"scopes": ["s" * 201]}, "Each of 'scopes' can be at most 200 characters"),
    ({"redirect_uris": ["http://localhost/" + "a" * 2000]},
     "Each of 'redirect_uris' can be at most 2000 characters"),
    ({"grant_types": ["g" * 101]}, "Each of 'grant_types' can be at most 100 characters"),
    ({"client_name": "n" * 201}, "at most 200 characters"),
    ({"scopes": ["x" * 150]}, "Unknown scope 'xxxxxxxxxx"),
    ({"x" * 500: 1}, "Unknown field(s): xxxx"),
])
def test_every_list_and_string_is_bounded(app, client, admin, body, words):
    answer = client.post(APPS_API, json={**USER_APP, **body}, headers=admin)
    assert answer.status_code == 400 and words in answer.json["message"], answer.json
    assert len(answer.json["message"]) < 400


def test_context_scope_lists_are_bounded_before_they_are_read(app, client, admin, seed):
    app.config["SANDBOX_MAX_SCOPES_PER_APP"] = 3
    made = client.post(APPS_API, json={"client_name": "Job", "grant_types":
                                       ["client_credentials"]}, headers=admin).json
    entries = [{"scope": "read:applications", "context_params": {"org": "o" * 100}}] * 4
    answer = client.put(f"{APPS_API}/{made['client_id']}/scopes", json={"scopes": entries},
                        headers=admin)
    assert answer.status_code == 400 and "at most 3 scopes" in answer.json["message"]
    one = [{"scope": "s" * 5000, "context_params": {"org": seed["organization"]["id"]}}]
    answer = client.put(f"{APPS_API}/{made['client_id']}/scopes", json={"scopes": one},
                        headers=admin)
    assert answer.status_code == 400 and len(answer.json["message"]) < 200


def test_a_5_mb_client_uri_is_refused_and_not_stored(app, client, admin):
    huge = "https://example.com/" + "a" * (5 * 1024 * 1024)
    answer = client.post(APPS_API, json={**USER_APP, "client_uri": huge}, headers=admin)
    assert answer.status_code == 413 and "accepts at most 256 KB" in answer.json["message"]
    under_the_body_limit = "https://example.com/" + "a" * 100_000
    answer = client.post(APPS_API, json={**USER_APP, "client_uri": under_the_body_limit},
                         headers=admin)
    assert answer.status_code == 400
    assert answer.json["message"] == ("'client_uri' can be at most 2000 characters; this one "
                                      "has 100020.")
    assert "Bounds" not in _app_names(app)


@pytest.mark.parametrize(("fields", "words"), [
    ({"redirect_uris": "http://["}, "not a URL that can be read"),
    ({"redirect_uris": "http://localhost/ok\n/relative"}, "not an http or https URL"),
    ({"redirect_uris": "http://localhost/cb#frag"}, "#fragment"),
    ({"redirect_uris": "http://localhost/cb", "client_uri": "u" * 3000},
     "client_uri&#39; can be at most 2000"),
    ({"redirect_uris": "\n".join(f"http://localhost/{n}" for n in range(101))},
     "at most 100 entries"),
])
def test_the_console_form_is_held_to_the_same_rules(app, client, console, fields, words):
    console.sign_in()
    answer = console.post(f"{APPS}new?kind=user", data={"kind": "user", "name": "Bounds",
                                                        **fields})
    assert answer.status_code == 400 and words in answer.text
    assert "Bounds" not in _app_names(app)
