"""The explorer's checks without Flask: the path corpus, headers, bodies, which scope a path
needs, and the client's own last check of where the token goes."""

from __future__ import annotations

import pytest

from relying_party.anypoint.client import AnypointClient
from relying_party.explore import form
from relying_party.explore.presets import needed_scope
from tests.explore.paths import BASE, PLAIN, TRICKY
from tests.support.fake_platform import FakePlatform


@pytest.mark.parametrize("path", TRICKY)
def test_a_tricky_path_is_refused_in_words(path):
    with pytest.raises(form.FieldError) as refused:
        form.platform_path(path, BASE)
    assert refused.value.field == "path"
    assert len(refused.value.message) > 20


@pytest.mark.parametrize("path", PLAIN)
def test_a_plain_path_is_sent_as_written(path):
    assert form.platform_path(path, BASE) == path


def test_surrounding_spaces_and_an_empty_query_are_dropped():
    assert form.platform_path("  /accounts/api/me?  ", BASE) == "/accounts/api/me"


@pytest.mark.parametrize("line", [
    "Authorization: Bearer mine", "authorization: x", "Proxy-Authorization: Basic eA==",
    "Host: evil.example", "Cookie: a=b", "Connection: close", "Transfer-Encoding: chunked",
    "Content-Length: 5", "Keep-Alive: 5", "Upgrade: h2c", "TE: trailers", "Expect: 100-continue",
    "X-ANYPNT-ENV-ID: env-prod"])
def test_a_header_the_app_sets_is_refused(line):
    with pytest.raises(form.FieldError) as refused:
        form.headers(line)
    assert refused.value.field == "headers"
    assert line.split(":")[0] in refused.value.message or "environment" in refused.value.message


@pytest.mark.parametrize(("text", "words"), [
    ("Bad Name: x", "is not a header"),
    ("no colon here", "is not a header"),
    (": no name", "is not a header"),
    ("X-Price: 5 €", "Latin-1"),
    ("X-Emoji: 🙂", "Latin-1"),
    ("X-Control: a\x01b", "control character"),
    ("X-Bare-CR: a\rb", "control character"),
    ("X-Long: " + "a" * 1025, "longer than 1024"),
    ("X-Twice: 1\nx-twice: 2", "given twice"),
    ("\n".join(f"X-H{n}: {n}" for n in range(11)), "at most 10"),
])
def test_a_header_that_cannot_be_sent_is_refused(text, words):
    with pytest.raises(form.FieldError) as refused:
        form.headers(text)
    assert words in refused.value.message


def test_headers_are_read_one_a_line_and_latin_1_values_pass():
    assert form.headers("X-ANYPNT-ORG-ID: org-1\r\n\r\nAccept:  text/csv \nX-Name: café") == (
        ("X-ANYPNT-ORG-ID", "org-1"), ("Accept", "text/csv"), ("X-Name", "café"))


@pytest.mark.parametrize(("text", "method", "words"), [
    ('{"a": 1,}', "POST", "not JSON: Expecting property name enclosed in double quotes at line"
                          " 1, column 9"),
    ("{'a': 1}", "PUT", "not JSON"),
    ('{"a": NaN}', "POST", "NaN is not JSON"),
    ("[Infinity]", "PATCH", "Infinity is not JSON"),
    ("[" * 20_000, "POST", "nested too deeply"),
    ('{"a": "' + "x" * (32 * 1024) + '"}', "POST", "longer than 32 KB"),
    ('{"a": 1}', "GET", "A GET sends no body"),
])
def test_a_body_that_cannot_be_sent_is_refused(text, method, words):
    with pytest.raises(form.FieldError) as refused:
        form.body(text, method)
    assert refused.value.field == "body"
    assert words in refused.value.message


def test_a_body_is_parsed_json_and_an_empty_one_is_none():
    assert form.body(' {"limit": 5, "ascending": false} ', "POST") == {"limit": 5,
                                                                       "ascending": False}
    assert form.body("  ", "GET") is None


def test_only_the_users_environments_and_the_five_methods_pass():
    assert form.environment("env-sbx", ["env-sbx"]) == "env-sbx"
    assert form.environment("", ["env-sbx"]) is None
    for value in ("env-other", "€", "env-sbx\r\nX: 1"):
        with pytest.raises(form.FieldError):
            form.environment(value, ["env-sbx", "env-sbx\r\nX: 1"])
    assert form.method("patch") == "PATCH"
    for value in ("HEAD", "OPTIONS", "TRACE", "CONNECT", "GET\r\n", ""):
        with pytest.raises(form.FieldError):
            form.method(value)


@pytest.mark.parametrize(("method", "path", "scope", "known"), [
    ("GET", "/accounts/api/me", "profile", True),
    ("GET", "/accounts/api/organizations/o1/environments", "view:environment", True),
    ("GET", "/accounts/api/connectedApplications?limit=5", "full", True),
    ("DELETE", "/accounts/api/organizations/o1/connectedApplications/c1", "full", True),
    ("POST", "/audit/v2/organizations/o1/query", "read:audit_logs", True),
    ("GET", "/cloudhub/api/v2/applications", "read:applications", True),
    ("POST", "/cloudhub/api/v2/applications", "create:applications", True),
    ("POST", "/cloudhub/api/applications/hello/status", "manage:application_settings", True),
    ("PUT", "/cloudhub/api/v2/applications/hello", "manage:application_settings", True),
    ("DELETE", "/cloudhub/api/v2/applications/hello", "delete:applications", True),
    ("GET", "/exchange/api/v2/assets", "read:full", False),
    ("POST", "/apimanager/api/v1/things", "full", False),
])
def test_the_scope_a_path_needs(method, path, scope, known):
    assert needed_scope(method, path) == (scope, known)


@pytest.mark.parametrize("path", ["/../evil", "/%2e%2e/evil", "/a/%2E%2E/%2E%2E/evil",
                                  "//evil.example/x", "/%5C%5Cevil", "https://evil.example/",
                                  "/platform/../../evil"])
def test_the_client_sends_the_token_under_its_base_only(path):
    fake = FakePlatform()
    client = AnypointClient("http://anypoint.test/platform", "id", "secret", (1, 1),
                            lambda _exchange: None)
    client.http = fake
    with pytest.raises(ValueError):
        client.call("GET", path, "token", limit=100)
    assert fake.calls == []
    client.call("GET", "/accounts/api/me?x=%2F", "token", limit=100)
    assert fake.calls[0]["path"] == "/platform/accounts/api/me"
