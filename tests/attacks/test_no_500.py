"""Whatever a user or an attacker puts in a query string, a form or a path, the app answers with
something other than a 500 (a 4xx in words, or the 502/503 of a platform that does not
answer): property-based, against the app signed in with a fake platform."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.fake_platform import application, platform_app, signed_in_client

GET_ROUTES = ["/", "/access", "/access/lab", "/deploy", "/deploy/available.json", "/cicd/",
              "/activity", "/activity.json", "/session.json", "/healthz", "/login",
              "/auth/callback", "/deploy/env-sbx/applications.json", "/deploy/{x}/{y}",
              "/deploy/env-sbx/{y}", "/deploy/{x}/hello-app/status.json",
              "/deploy/env-sbx/hello-app/delete"]
POST_ROUTES = ["/access/check", "/access/revoke", "/access/refresh", "/access/reveal",
               "/access/lab/probe", "/access/lab/revoke", "/deploy",
               "/deploy/env-sbx/hello-app/start", "/deploy/{x}/hello-app/stop",
               "/deploy/env-sbx/{y}/redeploy", "/deploy/env-sbx/hello-app/delete", "/logout"]
NAMES = ["environment", "name", "workers", "worker_size", "region", "runtime", "properties",
         "next", "scope", "token", "after", "confirm", "state", "code", "error", "iss", "page"]

# What people and attackers type: digits of every script, huge numbers, controls, long text.
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["²", "٣", "１２", "-1", "0", "9" * 40, "1e309", "nan", "€", "\x00", "\r\n",
                     "../..", "%00", "%E2%82%AC", "<script>", "' OR 1=1", " " * 5, "a" * 3000]),
    st.integers(-10**20, 10**20).map(str),
)


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory):
    app, fake = platform_app(tmp_path_factory.mktemp("no500"))
    fake.apps["hello-app"] = application("hello-app", "STARTED")
    return signed_in_client(app)


def _path(template: str, x: str, y: str) -> str:
    return template.format(x=quote(x, safe="") or "x", y=quote(y, safe="") or "y")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route=st.sampled_from(GET_ROUTES), x=VALUES, y=VALUES,
       query=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=4))
@example(route="/cicd/", x="", y="", query={"workers": "²"})
@example(route="/deploy/{x}/{y}", x="€", y="app", query={})
@example(route="/deploy/available.json", x="", y="", query={"environment": "€", "name": "abc"})
def test_no_query_or_path_gives_a_500(signed_in, route, x, y, query):
    answer = signed_in.get(_path(route, x, y), query_string=query)
    assert answer.status_code != 500, (route, x, y, query, answer.get_data(as_text=True)[:300])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route=st.sampled_from(POST_ROUTES), x=VALUES, y=VALUES,
       form=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6))
@example(route="/deploy", x="", y="", form={"workers": "²", "environment": "env-sbx"})
def test_no_form_gives_a_500(signed_in, route, x, y, form):
    answer = signed_in.post(_path(route, x, y), data={"csrf_token": "csrf-token", **form})
    assert answer.status_code != 500, (route, x, y, form, answer.get_data(as_text=True)[:300])


# Over real HTTP (requests encodes every header, as a real platform call does), the members
# of each class that were 500s: Unicode digits in numbers, non-Latin-1 environment ids (a 4xx,
# or the page with a notice of what was shown instead).
LIVE = [("GET", "/cicd/?workers=%C2%B2", None), ("GET", "/cicd/?workers=%D9%A3", None),
        ("GET", "/deploy/%E2%82%AC/hello-app", None),
        ("GET", "/deploy/%E2%82%AC/applications.json", None),
        ("GET", "/deploy/available.json?environment=%E2%82%AC&name=hello-app", None),
        ("GET", "/deploy?environment=%E2%82%AC", None),
        ("POST", "/deploy", {"workers": "²", "environment": "x", "name": "hello-app"}),
        ("POST", "/deploy/%E2%82%AC/hello-app/stop", {})]


def test_the_known_members_are_answered_in_words_over_http(deploy_lab):
    browser = deploy_lab.signed_in()
    anonymous = deploy_lab.browsers[0].__class__()
    for method, path, form in LIVE:
        for who in (browser, anonymous):
            data = None if form is None else {"csrf_token": deploy_lab.csrf(browser), **form}
            answer = who.request(method, deploy_lab.url + path, data=data, timeout=20)
            assert answer.status_code < 500, (method, path, answer.status_code,
                                              answer.text[:300])
    anonymous.close()
