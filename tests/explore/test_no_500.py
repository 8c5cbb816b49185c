"""Whatever is typed into the explorer's form or its query string, the answer is not a 500,
and whatever is sent goes to the configured platform's host, as a path under it
(property-based, with the fake platform recording every request's URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.explore.paths import PLAIN, TRICKY
from tests.support.fake_platform import FakePlatform, platform_app, signed_in_client

PIECES = st.sampled_from(["/", "//", "\\", "..", ".", "%2F", "%2E", "%5C", "%0D%0A", "%25",
                          "?", "#", "@", ":", "https:", "evil.example", "accounts", "api", "me",
                          "\r\n", "\x00", "é", "€", " ", "\t"])
PATHS = st.one_of(st.sampled_from(TRICKY + PLAIN), st.text(max_size=60),
                  st.lists(PIECES, max_size=12).map("".join))
TEXT = st.one_of(st.text(max_size=80), st.sampled_from(
    ["", "{}", "[1]", '{"a": NaN}', "X-A: 1", "Host: x", "X: €", "X: \x01", "\r\n\r\n",
     "Authorization: Bearer x", "[" * 5000, '"' + "x" * 40_000 + '"']))


class Recording(FakePlatform):
    """The fake platform, also keeping each request's full URL."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def request(self, method, url, **kwargs):
        self.urls.append(url)
        return super().request(method, url, **kwargs)


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    app, _fake = platform_app(tmp_path_factory.mktemp("explore-no500"))
    fake = Recording()
    app.extensions["connected_app_lab"].client.http = fake
    return signed_in_client(app), fake


@settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "TRACE", ""]),
       path=PATHS, environment=st.sampled_from(["", "env-sbx", "env-prod", "€", "x\r\ny"]),
       headers=TEXT, body=TEXT)
def test_no_form_gives_a_500_and_the_token_stays_on_the_platform(explorer, method, path,
                                                                  environment, headers, body):
    client, fake = explorer
    fake.urls.clear()
    answer = client.post("/explore", data={"csrf_token": "csrf-token", "method": method,
                                           "path": path, "environment": environment,
                                           "headers": headers, "body": body},
                         follow_redirects=True)  # a call made is shown by the page it 303s to
    assert answer.status_code in (200, 400, 413), (path, answer.status_code)
    for url in fake.urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("http", "anypoint.test"), url
        assert parts.path.startswith("/") and "\\" not in url, url


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.sampled_from(["preset", "method", "path", "environment"]),
                             st.one_of(st.text(max_size=40), PATHS), max_size=4))
def test_no_query_string_gives_a_500(explorer, query):
    client, _fake = explorer
    answer = client.get("/explore", query_string=query)
    assert answer.status_code in (200, 400), (query, answer.status_code)
