"""The explorer with Flask's test client and a fake Anypoint: presets, refusals before any
call, the 401/403 panels, CSRF, a signed-out visitor, answers that are odd or never come."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.explore.paths import TRICKY
from tests.support.fake_platform import ALL_SCOPES, platform_app, response, signed_in_client

TOKEN = "access-token-0123456789"
AUDIT = "/audit/v2/organizations/org-1/query"


@pytest.fixture
def platform(tmp_path):
    app, fake = platform_app(tmp_path, scopes=(*ALL_SCOPES, "full", "read:audit_logs"))
    fake.answers[("GET", "/accounts/api/connectedApplications")] = response(200, {
        "data": [{"client_id": "c1", "client_name": "Connected App Lab"}], "total": 1})
    fake.answers[("POST", AUDIT)] = response(200, {"data": [{"action": "Create"}], "total": 1})
    return app, fake, signed_in_client(app)


def fields(page: str) -> dict:
    """The explorer form's values as the page shows them."""
    text = html.unescape
    chosen = dict(re.findall(r'<select id="(\w+)".*?<option value="([^"]*)" selected', page, re.S))
    return {"method": chosen.get("method"), "environment": chosen.get("environment", ""),
            "path": text(re.search(r'id="path" name="path" value="([^"]*)"', page)[1]),
            "headers": text(re.search(r'id="headers"[^>]*>([^<]*)</textarea>', page, re.S)[1]),
            "body": text(re.search(r'id="body"[^>]*>([^<]*)</textarea>', page, re.S)[1])}


def send(client, **values):
    """POST the form; a call that was made is shown by the page the POST redirects to."""
    return client.post("/explore", data={"csrf_token": "csrf-token", "method": "GET",
                                         "environment": "", "headers": "", "body": "",
                                         **values}, follow_redirects=True)


def test_a_result_is_shown_by_its_own_page_and_reloading_it_sends_nothing(platform):
    _app, fake, client = platform
    posted = client.post("/explore", data={"csrf_token": "csrf-token", "method": "GET",
                                           "path": "/accounts/api/me", "environment": "",
                                           "headers": "", "body": ""})
    assert posted.status_code == 303
    location = posted.headers["Location"]
    assert location.startswith("/explore?result=")
    before = len(fake.calls)
    for _ in range(2):  # shown, then reloaded
        page = client.get(location).get_data(as_text=True)
        assert 'id="explore-status">200<' in page and "GET /accounts/api/me" in page
    assert len(fake.calls) == before
    gone = client.get("/explore?result=not-one-of-yours")
    assert gone.status_code == 404 and "no longer kept" in gone.get_data(as_text=True)


def explorer_calls(fake) -> list[dict]:
    return [call for call in fake.calls if call["path"] not in (
        "/accounts/api/me", "/accounts/api/organizations/org-1/environments")
        or call["headers"].get("X-Test")]


@pytest.mark.parametrize(("preset", "method", "path", "environment"), [
    ("me", "GET", "/accounts/api/me", ""),
    ("environments", "GET", "/accounts/api/organizations/org-1/environments", ""),
    ("applications", "GET", "/cloudhub/api/v2/applications", "env-sbx"),
    ("connected-apps", "GET", "/accounts/api/connectedApplications", ""),
    ("audit", "POST", AUDIT, ""),
])
def test_each_preset_fills_the_form_and_its_call_is_answered(platform, preset, method, path,
                                                             environment):
    _app, fake, client = platform
    page = client.get(f"/explore?preset={preset}")
    assert page.status_code == 200
    values = fields(page.get_data(as_text=True))
    assert (values["method"], values["path"], values["environment"]) == (method, path,
                                                                         environment)
    before = len(fake.calls)
    answer = send(client, **values)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200, text[:500]
    call = fake.calls[before]
    assert (call["method"], call["path"]) == (method, path)
    assert call["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert call["headers"].get("X-ANYPNT-ENV-ID") == (environment or None)
    assert f"{method} {path} HTTP/1.1" in text
    assert "Authorization: Bearer fp:" in text and TOKEN not in text
    assert 'id="explore-status">200<' in text
    assert fields(text)["path"] == path  # the form keeps the call
    if preset == "audit":
        query = call["json"]
        assert query["ascending"] is False and query["limit"] == 20
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", query["startDate"])
        assert "&#34;action&#34;: &#34;Create&#34;" in text


def test_an_unknown_preset_is_a_400(platform):
    answer = platform[2].get("/explore?preset=nope")
    assert answer.status_code == 400
    assert "no preset called" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", TRICKY)
def test_a_tricky_path_is_refused_and_nothing_is_sent(platform, path):
    _app, fake, client = platform
    client.get("/explore")
    before = len(fake.calls)
    answer = send(client, path=path)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert 'id="path-error"' in text and "Nothing was sent" in text
    assert len(fake.calls) == before


@pytest.mark.parametrize(("headers", "words"), [
    ("Authorization: Bearer someone-elses", "Authorization is set by this app"),
    ("Host: evil.example", "Host is set by this app"),
    ("Cookie: session=1", "Cookie is set by this app"),
    ("Transfer-Encoding: chunked", "Transfer-Encoding is set by this app"),
    ("X-ANYPNT-ENV-ID: env-prod", "Pick the environment above"),
    ("X-Price: 5 €", "Latin-1"),
    ("X-Long: " + "a" * 2000, "longer than 1024"),
    ("\n".join(f"X-H{n}: {n}" for n in range(11)), "at most 10"),
])
def test_a_refused_header_is_named_and_nothing_is_sent(platform, headers, words):
    _app, fake, client = platform
    client.get("/explore")
    before = len(fake.calls)
    answer = send(client, path="/accounts/api/me", headers=headers)
    assert answer.status_code == 400
    assert words in html.unescape(answer.get_data(as_text=True))
    assert len(fake.calls) == before


def test_own_headers_are_sent_and_shown(platform):
    _app, fake, client = platform
    answer = send(client, path="/accounts/api/me", headers="X-Test: yes\nX-ANYPNT-ORG-ID: org-1")
    assert answer.status_code == 200
    sent = fake.calls[-1]["headers"]
    assert sent["X-Test"] == "yes" and sent["X-ANYPNT-ORG-ID"] == "org-1"
    assert "X-Test: yes" in answer.get_data(as_text=True)


@pytest.mark.parametrize(("body", "method", "words"), [
    ('{"startDate": "2026-01-01",}', "POST", "The body is not JSON: Expecting property name"),
    ('{"limit": NaN}', "POST", "NaN is not JSON"),
    ('{"limit": 5}', "GET", "A GET sends no body"),
    ('{"a": "' + "x" * 40_000 + '"}', "POST", "longer than 32 KB"),
])
def test_a_body_that_cannot_be_sent_is_named_and_nothing_is_sent(platform, body, method, words):
    _app, fake, client = platform
    client.get("/explore")
    before = len(fake.calls)
    answer = send(client, method=method, path=AUDIT, body=body)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert words in text and 'id="body-error"' in text
    assert len(fake.calls) == before
    if len(body) < 1000:
        assert fields(text)["body"] == body  # kept for mending


def test_a_form_larger_than_the_app_reads_is_a_413(platform):
    _app, fake, client = platform
    client.get("/explore")
    before = len(fake.calls)
    answer = send(client, method="POST", path=AUDIT, body='"' + "x" * 70_000 + '"')
    assert answer.status_code == 413
    assert len(fake.calls) == before


def test_an_environment_that_is_not_the_users_is_refused(platform):
    _app, fake, client = platform
    client.get("/explore")
    before = len(fake.calls)
    answer = send(client, path="/cloudhub/api/v2/applications", environment="env-elsewhere")
    assert answer.status_code == 400
    assert "not one of your environments" in answer.get_data(as_text=True)
    assert len(fake.calls) == before


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_sent(platform):
    _app, fake, client = platform
    client.get("/explore")
    before = len(fake.calls)
    for token in (None, "wrong"):
        data = {"method": "DELETE", "path": "/cloudhub/api/v2/applications/hello"}
        if token:
            data["csrf_token"] = token
        answer = client.post("/explore", data=data)
        assert answer.status_code == 400
        assert "This form has expired" in answer.get_data(as_text=True)
    assert len(fake.calls) == before


def ask_link(text: str) -> dict:
    link = html.unescape(re.search(r'class="btn btn-primary ask-more" href="([^"]+)"', text)[1])
    assert link.startswith("/login?")
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


def test_a_403_for_a_scope_not_granted_names_it_and_asks_for_it(tmp_path):
    app, fake = platform_app(tmp_path)  # no read:audit_logs
    client = signed_in_client(app)
    fake.answers[("POST", AUDIT)] = response(403, {
        "message": "The access token was not granted the 'read:audit_logs' scope."})
    answer = send(client, method="POST", path=AUDIT, body='{"startDate": "2026-01-01"}')
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="explore-status">403<' in text
    assert "Missing scope: <code>read:audit_logs</code>" in text
    asked = ask_link(text)
    assert asked["scope"].split() == [*ALL_SCOPES, "read:audit_logs"]
    back = urlsplit(asked["next"])
    assert back.path == "/explore"
    assert parse_qs(back.query) == {"method": ["POST"], "path": [AUDIT]}
    assert "Anypoint said: The access token was not granted" in html.unescape(text)


def test_a_403_names_the_scope_from_the_path_when_anypoint_does_not(tmp_path):
    app, fake = platform_app(tmp_path, scopes=("openid", "profile"))
    client = signed_in_client(app)
    fake.answers[("GET", "/cloudhub/api/v2/applications")] = response(403, {"message": "no"})
    text = send(client, path="/cloudhub/api/v2/applications").get_data(as_text=True)
    assert "Missing scope: <code>read:applications</code>" in text
    assert ask_link(text)["scope"].split() == ["openid", "profile", "read:applications"]


def test_a_403_with_the_scope_granted_names_the_missing_right(platform):
    _app, fake, client = platform
    fake.answers[("DELETE", "/cloudhub/api/v2/applications/hello")] = response(403, {
        "message": "User 'viewer' does not have the 'delete:applications' permission in "
                   "environment 'Sandbox'."})
    text = send(client, method="DELETE", path="/cloudhub/api/v2/applications/hello",
                environment="env-sbx").get_data(as_text=True)
    assert "Missing right: <code>delete:applications</code>" in text
    assert "ask-more" not in text


def test_a_401_names_the_scope_when_it_is_not_granted_else_the_token(tmp_path):
    app, fake = platform_app(tmp_path, scopes=("openid", "profile"))
    client = signed_in_client(app)
    fake.answers[("GET", "/accounts/api/connectedApplications")] = response(401, {
        "message": "Unauthorized"})
    text = send(client, path="/accounts/api/connectedApplications").get_data(as_text=True)
    assert "Missing scope: <code>full</code>" in text
    assert ask_link(text)["scope"].split() == ["openid", "profile", "full"]
    fake.answers[("GET", "/accounts/api/me")] = response(401, {"message": "Unauthorized"})
    text = send(client, path="/accounts/api/me").get_data(as_text=True)
    assert 'data-kind="token"' in text and "Access token refused (401)" in text


def test_a_path_the_app_does_not_know_offers_the_broad_scope_as_a_guess(tmp_path):
    app, fake = platform_app(tmp_path, scopes=("openid", "profile"))
    client = signed_in_client(app)
    fake.answers[("GET", "/exchange/api/v2/assets")] = response(403, {"message": "Forbidden"})
    text = send(client, path="/exchange/api/v2/assets").get_data(as_text=True)
    assert 'id="explore-guess"' in text and "Missing scope: <code>read:full</code>" in text


def test_a_signed_out_visitor_is_asked_to_sign_in_and_comes_back(platform):
    app, fake, _client = platform
    anonymous = app.test_client()
    answer = anonymous.get("/explore?preset=audit")
    assert answer.status_code == 401
    text = answer.get_data(as_text=True)
    link = html.unescape(re.search(r'href="([^"]+)" id="problem-action"', text)[1])
    assert parse_qs(urlsplit(link).query)["next"] == ["/explore?preset=audit"]
    posted = anonymous.post("/explore", data={"path": "/accounts/api/me"})
    assert posted.status_code == 400  # the CSRF check comes first: nothing is sent
    assert fake.calls == []


def test_the_token_never_reaches_the_page_even_when_anypoint_echoes_it(platform):
    _app, fake, client = platform
    echo = response(200, {"access_token": TOKEN, "note": f"you sent {TOKEN}"})
    echo.headers["X-Echo"] = f"Bearer {TOKEN}"
    echo.headers["Set-Cookie"] = "session=abcdef123456"
    fake.answers[("GET", "/accounts/api/profile")] = echo
    text = send(client, path="/accounts/api/profile").get_data(as_text=True)
    assert TOKEN not in text and "abcdef123456" not in text
    assert "Set-Cookie: fp:" in text and "you sent fp:" in text


def test_a_non_json_answer_is_shown_as_text(platform):
    _app, fake, client = platform
    page = requests.Response()
    page.status_code, page._content = 502, b"<html><body>Bad gateway</body></html>"
    page.headers["Content-Type"] = "text/html"
    fake.answers[("GET", "/accounts/api/profile")] = page
    answer = send(client, path="/accounts/api/profile")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "HTTP/1.1 502 Bad Gateway" in text and "&lt;html&gt;" in text
    assert 'id="explore-not-json"' in text


def test_an_empty_answer_and_a_large_one(platform):
    _app, fake, client = platform
    fake.answers[("DELETE", "/cloudhub/api/v2/applications/x")] = response(204)
    text = send(client, method="DELETE", path="/cloudhub/api/v2/applications/x").get_data(
        as_text=True)
    assert "HTTP/1.1 204 No Content" in text and 'id="explore-empty"' in text
    fake.answers[("GET", "/cloudhub/api/v2/applications")] = response(
        200, [{"domain": f"app-{n}", "padding": "x" * 1000} for n in range(400)])
    text = send(client, path="/cloudhub/api/v2/applications").get_data(as_text=True)
    assert 'id="explore-cut"' in text and 'id="explore-not-json"' in text
    assert len(text) < 400_000


@pytest.mark.parametrize(("error", "status", "words"), [
    (requests.ConnectTimeout("no"), 503, "the call was not made"),
    (requests.ConnectionError(MaxRetryError(None, "/", NewConnectionError(None, "refused"))),
     503, "the call was not made"),
    (requests.ReadTimeout("slow"), 504, "cannot tell whether the call arrived"),
])
def test_no_answer_is_said_in_words_never_a_500(platform, error, status, words):
    _app, fake, client = platform
    client.get("/explore")
    fake.answers[("POST", AUDIT)] = error
    answer = send(client, method="POST", path=AUDIT, body="{}")
    assert answer.status_code == status
    assert words in answer.get_data(as_text=True)


def test_the_call_is_in_the_protocol_trace(platform):
    _app, _fake, client = platform
    with client.session_transaction() as session:
        session["trace_id"] = "trace-1"
    send(client, path="/accounts/api/me?x=1", headers="X-Test: 1")
    exchanges = client.get("/activity.json").get_json()["exchanges"]
    explored = [entry for entry in exchanges if entry["label"] == "explore"]
    assert explored and explored[0]["url"].startswith("http://anypoint.test/accounts/api/me?x=")
    assert explored[0]["request"]["headers"]["Authorization"].startswith("Bearer fp:")
    assert TOKEN not in json.dumps(exchanges)


@pytest.mark.parametrize("odd", [requests.ConnectTimeout("down"), response(404, {}),
                                 response(200, {"user": "not an object"})])
def test_the_explorer_works_while_anypoint_says_nothing_about_the_user(platform, odd):
    _app, fake, client = platform
    fake.answers[("GET", "/accounts/api/me")] = odd
    page = client.get("/explore?preset=environments")
    assert page.status_code == 200
    assert fields(page.get_data(as_text=True))["path"] == (
        "/accounts/api/organizations/ORGANIZATION_ID/environments")


def test_a_refused_token_while_reading_the_profile_ends_the_delegation(platform):
    _app, fake, client = platform
    fake.answers[("GET", "/accounts/api/me")] = response(401, {"message": "Unauthorized"})
    first = client.get("/explore")  # as every page: reloaded once, in case of a new token
    assert first.status_code == 303 and first.headers["Location"] == "/explore"
    assert client.get("/explore").status_code == 401
    assert client.get("/session.json").get_json()["ended"].startswith("Anypoint answered 401")


def test_the_navigation_links_to_the_explorer(platform):
    text = platform[2].get("/").get_data(as_text=True)
    assert 'id="nav-explore"' in text and 'href="/explore"' in text
