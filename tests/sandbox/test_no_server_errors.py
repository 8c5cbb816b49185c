"""No input makes a platform API of the sandbox answer 500: the cases that once did (Unicode
digits in paging, deep or oversized JSON, dates past the year 9999) are named 400s, and a
property-based tour throws hostile paths, parameters, headers and bodies at every served API
operation (accounts, connected apps, policy, audit, CloudHub) with tokens that get past the
guards. The OAuth endpoints are Authlib's and are tested with their own suite."""

import io
import json
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.support.cloudhub_client import DEPLOY_SECONDS, app_info
from tests.support.sandbox_client import TOKEN, bearer

DEEP = "[" * 5000 + "]" * 5000
HUGE_DIGITS = "9" * 5000
TEXT = st.sampled_from(["²", "٣", "-1", "0", "1", "1e3", "99999999999999999999", HUGE_DIGITS,
                        "", " ", "true", "null", "%00", "..", "a" * 300, "DESC", "x:y",
                        "http://[", "http://h:99999/", "http://h/#f", "/relative"]) | \
    st.text(max_size=20)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
FIELDS = ("limit", "offset", "page", "search", "sort", "ascending", "includeUsage", "name",
          "type", "isProduction", "user_id", "client_id", "resetSecret", "orderByDate", "tail",
          "loggingVersion", "releaseChannel", "javaVersion", "recommended", "scopes",
          "scopesToDelete", "client_name", "grant_types", "redirect_uris", "audience",
          "startDate", "endDate", "actions", "objectTypes", "applications_enabled",
          "grant_types_allowed", "status", "applicationInfo", "applicationSource", "autoStart",
          "domain", "workers", "properties", "muleVersion", "region", "organizationId", "full")


@pytest.fixture
def ci_token(client, deployer) -> str:
    answer = client.post(TOKEN, data={"grant_type": "client_credentials",
                                      "client_id": deployer["client_id"],
                                      "client_secret": deployer["client_secret"]})
    return answer.json["access_token"]


@pytest.fixture
def sandbox_env(seed) -> str:
    return seed["organization"]["environments"][0]["id"]


def test_unicode_digits_in_paging_are_400s(client, admin, seed, console):
    for field in ("limit", "offset"):
        answer = client.get("/accounts/api/connectedApplications", query_string={field: "²"},
                            headers=admin)
        assert answer.status_code == 400 and f"'{field}' must be a whole number" in \
            answer.json["message"]
        huge = client.get("/accounts/api/connectedApplications",
                          query_string={field: HUGE_DIGITS}, headers=admin)
        assert huge.status_code == 400
    console.sign_in()
    for page in ("²", HUGE_DIGITS, "0"):
        assert client.get("/console/audit-log/", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("number", ["²", "\u0663", "１２", HUGE_DIGITS[:40], "-1", "1e3"])
def test_unicode_digits_anywhere_a_number_is_paged_are_400s(client, admin, seed, number):
    """Every other place a page is asked for: context scopes, the audit query's JSON and its
    form (whose fields arrive as text)."""
    made = client.post("/accounts/api/connectedApplications", headers=admin, json={
        "client_name": "Pager", "grant_types": ["client_credentials"]}).json
    scopes = f"/accounts/api/connectedApplications/{made['client_id']}/scopes"
    audit = f"/audit/v2/organizations/{seed['organization']['id']}/query"
    for field in ("limit", "offset"):
        listed = client.get(scopes, query_string={field: number}, headers=admin)
        assert listed.status_code == 400 and f"'{field}'" in listed.json["message"]
        start = {"startDate": "2025-01-01T00:00:00Z"}
        for sent in ({"json": {**start, field: number}}, {"json": {**start, field: 10**30}},
                     {"data": {**start, field: number}}):
            answer = client.post(audit, headers=admin, **sent)
            assert answer.status_code == 400, (field, sent, answer.json)
            assert field in answer.json["message"]


def test_an_authorization_id_that_cannot_be_one_is_already_gone(client, seed, console):
    """The console's revoke buttons post an authorization id in the path: Unicode digits and
    digits past the database's integer are no authorization, not a 500."""
    console.sign_in()
    client_id = seed["apps"][0]["client_id"]
    for authorization_id in ("%C2%B2", "\u0663", HUGE_DIGITS[:40]):
        mine = console.post("/console/profile/connected-apps",
                            f"/console/profile/connected-apps/{authorization_id}/revoke")
        assert mine.status_code == 302
        assert "no longer has access" in client.get(mine.location).text
        authorizations = f"/console/access-management/connected-apps/{client_id}/authorizations"
        admins = console.post(authorizations, f"{authorizations}/{authorization_id}/revoke")
        assert admins.status_code == 302
        assert "already revoked" in client.get(admins.location).text


def test_deep_and_oversized_json_are_400s(client, admin, ci_token, sandbox_env, sample_jar):
    deep = client.post("/accounts/api/connectedApplications", data=DEEP,
                       content_type="application/json", headers=admin)
    assert deep.status_code == 400 and "levels deep" in deep.json["message"]
    headers = {**bearer(ci_token), "X-ANYPNT-ENV-ID": sandbox_env}
    for info, words in ((DEEP, "levels deep"), (json.dumps(app_info("big-app", properties={
            f"p{n}": "v" * 9000 for n in range(20)})), "longer than 100000"),
                        (json.dumps(app_info("many-app", properties={
                            f"p{n}": "v" for n in range(201)})), "at most 200")):
        boundary, body = encode_multipart({"appInfoJson": info, "file": FileStorage(
            io.BytesIO(sample_jar.read_bytes()), "app.jar")})
        answer = client.post("/cloudhub/api/v2/applications", data=body, headers=headers,
                             content_type=f"multipart/form-data; boundary={boundary}")
        assert answer.status_code == 400 and words in answer.json["message"], answer.json
    exchange = client.post("/cloudhub/api/v2/applications", data=DEEP, headers=headers,
                           content_type="application/json")
    assert exchange.status_code == 400


def test_audit_dates_past_the_year_9999_are_400s(client, admin, seed):
    path = f"/audit/v2/organizations/{seed['organization']['id']}/query"
    for start in (10**30, -1, "1" * 40, "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
        answer = client.post(path, json={"startDate": start}, headers=admin)
        assert answer.status_code == 400, (start, answer.json)
        assert "startDate" in answer.json["message"]


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith(("/accounts/api/", "/cloudhub/api/", "/audit/v2/"))
            and not rule.rule.startswith("/accounts/api/v2/oauth2")]


@st.composite
def hostile_request(draw, rules, known: dict):
    rule = draw(st.sampled_from(rules))
    method = draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})))
    segment = TEXT.filter(lambda text: text not in ("", ".", "..")).map(
        lambda text: quote(text, safe=""))  # as a client sends any text in a path
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda found: draw(
        st.sampled_from(known[found[1]]) | segment if found[1] in known else segment),
        rule.rule)
    query = draw(st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=4))
    kind = draw(st.sampled_from(["json", "form", "multipart", "raw", "none"]))
    body = {"json": lambda: json.dumps(draw(st.dictionaries(st.sampled_from(FIELDS), JSON,
                                                            max_size=5) | JSON)).encode(),
            "form": lambda: draw(st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=5)),
            "multipart": lambda: {"appInfoJson": draw(st.sampled_from([DEEP, "{"]) | JSON.map(
                json.dumps)), "autoStart": draw(TEXT)},
            "raw": lambda: draw(st.binary(max_size=64)), "none": lambda: None}[kind]()
    return method, path, query, kind, body


@pytest.mark.parametrize("as_who", ["admin", "ci"])
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_api_input_answers_500(app, client, seed, admin, ci_token, sandbox_env, as_who,
                                  data, clock):
    known = {"org_id": [seed["organization"]["id"]],
             "env_id": [env["id"] for env in seed["organization"]["environments"]],
             "domain": ["fuzz-app"], "version": ["4.9.0"]}
    method, path, query, kind, body = data.draw(hostile_request(_api_rules(app), known))
    headers = dict(admin if as_who == "admin" else bearer(ci_token))
    headers["X-ANYPNT-ENV-ID"] = data.draw(st.sampled_from([sandbox_env]) | TEXT.filter(
        lambda text: text.isascii() and text.isprintable()))
    options = {"json": {"data": body, "content_type": "application/json"},
               "form": {"data": body}, "raw": {"data": body}, "none": {}}.get(kind)
    if kind == "multipart":
        boundary, encoded = encode_multipart(body)
        options = {"data": encoded, "content_type": f"multipart/form-data; boundary={boundary}"}
    answer = client.open(path, method=method, query_string=query, headers=headers, **options)
    assert answer.status_code != 500, (method, path, query, body, answer.data[:300])
    clock.advance(DEPLOY_SECONDS)
