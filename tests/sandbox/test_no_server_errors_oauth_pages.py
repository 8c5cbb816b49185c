"""No input makes the sandbox's OAuth endpoints or its pages answer 500 (test_no_server_errors.py
does the platform APIs): a property-based tour throws hostile Authorization headers (Basic that
is not base64, not UTF-8, without a colon; Bearer junk), parameters, forms, JSON and raw bodies,
Host names and odd hints at token, revoke, introspect, authorize and userinfo, and hostile
paths and forms, with a valid CSRF token, at every console and sign-in page. Then the members
issue 10 names are sent over real HTTP, where headers are bytes."""

import base64
import json
import re
import socket
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.pages import csrf_of
from tests.support.sandbox import run_sandbox
from tests.support.sandbox_client import AUTHORIZE, CALLBACK, TOKEN

OAUTH = "/accounts/api/v2/oauth2"
TEXT = st.sampled_from(["²", "٣", "-1", "0", "1e3", "9" * 400, "", " ", "null", "%00", "..",
                        "a" * 300, "http://[", "x:y", "\u2028", "\x00", "refresh_token",
                        "access_token", "S256", "plain", "code", "none login"]) | \
    st.text(max_size=20)
LATIN1 = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)
OAUTH_FIELDS = ("grant_type", "code", "redirect_uri", "client_id", "client_secret",
                "refresh_token", "scope", "token", "token_type_hint", "response_type",
                "state", "nonce", "code_challenge", "code_challenge_method", "code_verifier",
                "prompt", "max_age")
PAGE_FIELDS = ("name", "redirect_uris", "client_uri", "scope", "context", "kind",
               "refresh_token", "decision", "policy", "client_id", "current", "new", "confirm",
               "username", "password", "page", "next", "grant_types", "scopes",
               "internal", "applications")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@st.composite
def authorization(draw, apps: list[dict]) -> dict:
    """An Authorization header as a client or an attacker sends it, or none."""
    app = draw(st.sampled_from(apps))
    pair = f"{app['client_id']}:{app['client_secret']}".encode()
    header = draw(st.one_of(
        st.none(), st.just(f"Basic {_b64(pair)}"),
        LATIN1.map(lambda text: f"Basic {text}"),
        st.binary(max_size=30).map(lambda raw: f"Basic {_b64(raw)}"),
        st.tuples(TEXT, TEXT).map(lambda pair: f"Basic {_b64(':'.join(pair).encode())}"),
        LATIN1.map(lambda text: f"Bearer {text}"), LATIN1))
    return {} if header is None else {"Authorization": header}


def _known(apps: list[dict]) -> st.SearchStrategy:
    return st.sampled_from([app["client_id"] for app in apps] + [
        app["client_secret"] for app in apps] + [CALLBACK, "client_credentials",
                                                 "authorization_code", "refresh_token"])


@SETTINGS
@given(data=st.data())
def test_no_oauth_request_answers_500(client, lab, deployer, data, clock):
    apps = [lab, deployer]
    path = data.draw(st.sampled_from([TOKEN, f"{OAUTH}/revoke", f"{OAUTH}/introspect",
                                      AUTHORIZE, f"{OAUTH}/userinfo"]))
    method = data.draw(st.sampled_from(["GET", "POST"]))
    fields = data.draw(st.dictionaries(st.sampled_from(OAUTH_FIELDS), TEXT | _known(apps),
                                       max_size=6))
    kind = data.draw(st.sampled_from(["form", "json", "raw", "query"]))
    options = {"form": {"data": fields}, "query": {"query_string": fields},
               "json": {"data": json.dumps(data.draw(st.sampled_from([fields, [fields], 7])
                                                     | st.recursive(st.none() | TEXT, lambda
                                                     inner: st.lists(inner, max_size=3),
                                                     max_leaves=5))),
                        "content_type": "application/json"},
               "raw": {"data": data.draw(st.binary(max_size=64)),
                       "content_type": data.draw(st.sampled_from([
                           "application/x-www-form-urlencoded", "application/json",
                           "multipart/form-data", "text/plain"]))}}[kind]
    host = data.draw(st.sampled_from(["localhost:8081", "127.0.0.1", "evil.example"]))
    answer = client.open(path, method=method, base_url=f"http://{host}",
                         headers=data.draw(authorization(apps)), **options)
    assert answer.status_code != 500, (method, path, fields, answer.data[:300])
    clock.advance(60)  # now and then a throttle's window passes


@pytest.mark.parametrize(("name", "value"), [
    ("response_type", "²"), ("response_type", 'co"de'), ("response_type", "code\\"),
    ("response_type", "code\u2028"), ("redirect_uri", f"{CALLBACK}²"),
    ("redirect_uri", f'{CALLBACK}"'), ("redirect_uri", "http://localhost/\\cb")])
def test_authorize_with_characters_an_error_cannot_quote_is_a_400_page(client, lab, name,
                                                                      value):
    """Authlib quotes response_type and redirect_uri in its errors and refuses non-ASCII,
    quotes and backslashes there (a ValueError, once a 500)."""
    query = {"client_id": lab["client_id"], "response_type": "code", "scope": "openid",
             "redirect_uri": CALLBACK, "state": "s", name: value}
    answer = client.get(AUTHORIZE, query_string=query)
    assert answer.status_code == 400, answer.data[:300]
    assert f"The {name} holds characters an OAuth request cannot carry" in answer.text
    assert "Location" not in answer.headers


def _page_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith(("/console/", "/accounts/interaction/"))
            and rule.endpoint != "console.sign_out"]


@SETTINGS
@given(data=st.data())
def test_no_page_request_answers_500(app, client, console, sign_in, lab, data, clock):
    clock.advance(301)  # whatever the last example locked is open again
    console.sign_in()
    csrf = csrf_of(client.get("/console/profile/password").text)
    pending = urlsplit(sign_in.authorize().headers["Location"]).path.split("/")[3]
    known = {"pending_id": [pending], "client_id": [lab["client_id"]],
             "authorization_id": ["1", "²"]}
    rule = data.draw(st.sampled_from(_page_rules(app)))
    method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})))
    segment = TEXT.filter(lambda text: text not in ("", ".", "..")).map(
        lambda text: quote(text, safe=""))
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda found: data.draw(
        st.sampled_from(known[found[1]]) | segment if found[1] in known else segment),
        rule.rule)
    form = data.draw(st.dictionaries(st.sampled_from(PAGE_FIELDS), TEXT | st.lists(
        TEXT, max_size=3), max_size=6))
    query = data.draw(st.dictionaries(st.sampled_from(PAGE_FIELDS), TEXT, max_size=3))
    answer = client.open(path, method=method, query_string=query,
                         data={"csrf_token": data.draw(st.sampled_from([csrf, "", "x"])),
                               **form} if method == "POST" else None)
    assert answer.status_code != 500, (method, path, form, answer.data[:300])


URIS = st.sampled_from(["http://[", "https://[::1/cb", "http://h:99999/", "http://h:x/",
                        "/relative", "//evil.example/", "http://h/#f", "http://h/\x00",
                        "http://" + "h" * 3000, "http://localhost/cb"]) | st.text(max_size=30)


@SETTINGS
@given(data=st.data())
def test_no_connected_app_form_answers_500(app, client, console, lab, data, clock):
    """The forms that register an app, with what people paste into URL fields."""
    clock.advance(301)
    console.sign_in()
    base = "/console/access-management/connected-apps/"
    kind = data.draw(st.sampled_from(["user", "client"]))
    path = data.draw(st.sampled_from([f"{base}new?kind={kind}", f"{base}{lab['client_id']}/edit"]))
    page = client.get(path)
    lines = data.draw(st.lists(URIS, max_size=4))
    form = {"csrf_token": csrf_of(page.text), "kind": kind, "name": data.draw(TEXT),
            "redirect_uris": data.draw(st.sampled_from(["\n", "\r\n", " "])).join(lines),
            "client_uri": data.draw(URIS), "refresh_token": data.draw(TEXT),
            "scope": data.draw(st.lists(TEXT | st.sampled_from(["openid", "profile"]),
                                        max_size=3)),
            "context": data.draw(st.lists(TEXT, max_size=2))}
    answer = client.post(path, data=form)
    assert answer.status_code != 500, (path, form, answer.data[:300])


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    handle = run_sandbox(tmp_path_factory.mktemp("no500") / "sandbox.db")
    yield handle
    handle.stop()


def raw_request(url: str, request: bytes) -> bytes:
    """Send ``request`` as bytes (headers need not be text) and return the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("endpoint", ["token", "revoke", "introspect"])
@pytest.mark.parametrize("credentials", [b"\xff\xfe\xfd", b"\xc3\x28:\xa0\xa1", b"!!!",
                                         base64.b64encode(b"\xff:\xfe"),
                                         base64.b64encode(b"no-colon")])
def test_a_non_utf8_basic_header_over_http_is_401(live, endpoint, credentials):
    body = b"grant_type=client_credentials&token=x"
    answer = raw_request(live.url, b"POST " + f"{OAUTH}/{endpoint}".encode() + b" HTTP/1.1\r\n"
                         b"Host: localhost\r\nAuthorization: Basic " + credentials + b"\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                         b"Connection: close\r\n\r\n" + body)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401"), answer[:300]
    assert b"WWW-Authenticate: Basic" in head
    assert json.loads(payload)["error"] == "invalid_client"
