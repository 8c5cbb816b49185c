"""Session lifetimes and the session cookie: the idle lifetime (SESSION_IDLE_MINUTES, renewed by
each request and written back at most once a minute, enforced on the next request, which says it
was an idle time-out: the record and its cookie are kept KEPT_FOR idle lifetimes), the
absolute lifetime (SESSION_MAX_HOURS since sign-in) and the ``__Host-`` / ``Secure`` cookie when
the app is served over https."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import flask
import flask.sessions
import pytest
import requests

from relying_party import clock as app_clock
from relying_party import create_app
from relying_party.web.sessions import KEPT_FOR
from tests.support.labs import rp_config

IDLE_MINUTES = 30
MAX_REASON = "your session reached its maximum length"


class Clock:
    """Moves "now" forward for the relying party (its store keeps each session record with its
    deadline and refuses it after that) and for Flask's cookie expiry."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        real_time = app_clock.source
        clock = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + timedelta(seconds=clock.offset)

        monkeypatch.setattr(app_clock, "source", lambda: real_time() + clock.offset)
        monkeypatch.setattr(flask.sessions, "datetime", ShiftedDatetime)

    def advance(self, minutes: float) -> None:
        self.offset += minutes * 60

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def cookie_parts(set_cookie: str) -> tuple[str, str, dict[str, str]]:
    """``name, value, {attribute (lower case): value}`` of one Set-Cookie header."""
    first, *attributes = [part.strip() for part in set_cookie.split(";")]
    name, _, value = first.partition("=")
    parsed = {}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        parsed[key.lower()] = val
    return name, value, parsed


def session_cookie(response: requests.Response, name: str = "cal_session"):
    """The (name, value, attributes) of the session cookie this response sets, or None."""
    for header in response.raw.headers.getlist("Set-Cookie"):
        parts = cookie_parts(header)
        if parts[0] == name:
            return parts
    return None


def assert_expires_in_idle_lifetime(attributes: dict, now: datetime) -> None:
    """The cookie lives exactly KEPT_FOR × SESSION_IDLE_MINUTES from ``now`` (a few seconds of
    slack): past the idle lifetime, so that the request after an idle time-out can say so."""
    if "max-age" in attributes:
        assert abs(int(attributes["max-age"]) - KEPT_FOR * IDLE_MINUTES * 60) <= 5, attributes
    expires = parsedate_to_datetime(attributes["expires"])
    expected = now + timedelta(minutes=KEPT_FOR * IDLE_MINUTES)
    assert abs((expires - expected).total_seconds()) <= 5, (expires, expected)


def session_record(rp, sid: str) -> dict:
    """The server-side record the app would load for a ``cal_session`` cookie of ``sid``."""
    with rp.app.test_request_context(headers={"Cookie": f"cal_session={sid}"}):
        return dict(rp.app.session_interface.open_session(rp.app, flask.request))


def write_back(rp, sid: str, record: dict) -> None:
    """Store ``record`` as the session of ``sid``, as a request that changed it would."""
    with rp.app.test_request_context(headers={"Cookie": f"cal_session={sid}"}):
        stored = rp.app.session_interface.open_session(rp.app, flask.request)
        assert stored.sid == sid
        stored.clear()
        stored.update(record)
        rp.app.session_interface.save_session(rp.app, stored, rp.app.response_class())


def tokens_of(rp, grant_id: str):
    return rp.app.extensions["connected_app_lab"].tokens.load(grant_id)


# --- absolute lifetime ---------------------------------------------------------------------------


def test_session_older_than_max_hours_is_ended_in_plain_words(lab):
    rp = lab(SESSION_MAX_HOURS="1")
    rp.sign_in()
    sid = rp.browser.cookies["cal_session"]
    record = session_record(rp, sid)
    assert record["user"] and time.time() - record["started"] < 60

    # Just under an hour old: still signed in (the limit is SESSION_MAX_HOURS, not less).
    write_back(rp, sid, {**record, "started": time.time() - 3600 + 60})
    assert rp.session()["authenticated"] is True

    # Over an hour old, although used a moment ago: the next page ends it and says why.
    write_back(rp, sid, {**record, "started": time.time() - 3600 - 60})
    page = rp.browser.get(rp.url + "/")
    assert page.status_code == 200, page.text[:500]
    assert f"Your access ended: {MAX_REASON}" in page.text
    assert "Sign in with Anypoint" in page.text and "Hello," not in page.text
    state = rp.session()
    assert state["authenticated"] is False and state["sub"] is None
    assert MAX_REASON in state["ended"]
    access = rp.browser.get(rp.url + "/access")
    assert access.status_code == 401 and MAX_REASON in access.text
    # Ended for good: the tokens are gone from the server, not just hidden from this page.
    assert "user" not in session_record(rp, rp.browser.cookies["cal_session"])
    assert tokens_of(rp, record["grant_id"]) is None


def test_over_age_session_is_ended_for_a_json_caller_too(lab):
    rp = lab(SESSION_MAX_HOURS="2")
    rp.sign_in()
    sid = rp.browser.cookies["cal_session"]
    record = session_record(rp, sid)
    write_back(rp, sid, {**record, "started": time.time() - 2 * 3600 - 60})
    state = rp.session()
    assert state["authenticated"] is False
    assert MAX_REASON in state["ended"]
    refused = rp.browser.get(rp.url + "/access", headers={"Accept": "application/json"})
    assert refused.status_code == 401
    assert refused.json()["error"] == "delegation_ended"


# --- idle lifetime -------------------------------------------------------------------------------


def test_cookie_lives_for_the_idle_lifetime_and_is_renewed_on_each_request(lab, clock):
    rp = lab(SESSION_IDLE_MINUTES=str(IDLE_MINUTES))
    callback = rp.start_login()
    signed_in = rp.browser.get(callback, allow_redirects=False)
    assert signed_in.status_code == 303
    _, sid, attributes = session_cookie(signed_in)
    assert "secure" not in attributes  # plain http: no Secure, no __Host- (see the https test)
    assert_expires_in_idle_lifetime(attributes, clock.now())

    for _ in range(2):
        clock.advance(IDLE_MINUTES - 1)
        seen = rp.browser.get(rp.url + "/session.json")  # changes nothing in the session
        assert seen.json()["authenticated"] is True
        renewed = session_cookie(seen)
        assert renewed is not None, "the cookie was not renewed by this request"
        assert renewed[1] == sid
        assert_expires_in_idle_lifetime(renewed[2], clock.now())


def test_a_session_only_read_is_written_back_at_most_once_a_minute(lab, clock):
    rp = lab(SESSION_IDLE_MINUTES=str(IDLE_MINUTES))
    rp.sign_in()
    store = rp.app.extensions["connected_app_lab"].store
    writes, original = [], store.set
    store.set = lambda key, *rest: (writes.append(key), original(key, *rest))[1]

    def session_writes() -> int:
        return len([key for key in writes if key.startswith("session:")])

    for _ in range(20):  # within one minute: read, never written
        clock.advance(2 / 60)
        assert rp.session()["authenticated"] is True
        assert rp.browser.get(rp.url + "/").status_code == 200
    assert session_writes() == 0
    clock.advance(1)
    assert rp.session()["authenticated"] is True  # renewed: written once, its cookie too
    assert session_writes() == 1
    assert rp.session()["authenticated"] is True
    assert session_writes() == 1


def test_session_idle_for_longer_than_the_idle_lifetime_is_not_honoured(lab, clock):
    rp = lab(SESSION_IDLE_MINUTES=str(IDLE_MINUTES))
    rp.sign_in()
    sid = rp.browser.cookies["cal_session"]
    assert "user" in session_record(rp, sid)

    # Active every IDLE_MINUTES - 1 minutes: the server keeps the session well past its first
    # deadline, so each request renewed the stored record, not only the cookie.
    clock.advance(IDLE_MINUTES - 1)
    assert rp.session()["authenticated"] is True
    clock.advance(IDLE_MINUTES - 1)
    assert rp.session()["authenticated"] is True
    assert rp.browser.cookies["cal_session"] == sid

    # Then idle for longer than the lifetime. The browser still presents the old cookie (its
    # own clock is not moved); the server must not honour it.
    clock.advance(IDLE_MINUTES + 1)
    state = rp.browser.get(rp.url + "/session.json")
    assert state.json()["authenticated"] is False
    assert "user" not in session_record(rp, sid)
    page = rp.browser.get(rp.url + "/")
    assert page.status_code == 200 and "Sign in with Anypoint" in page.text
    assert "Hello," not in page.text
    # The stale cookie names nothing, and the anonymous page wrote no session in its place.
    assert "user" not in session_record(rp, rp.browser.cookies["cal_session"])


# --- https: Secure and the __Host- prefix --------------------------------------------------------


def test_https_cookie_is_secure_with_host_prefix(lab, tmp_path):
    op_url = lab().op_server.url  # only the fake OP is used; the app is driven in-process
    app = create_app(rp_config(op_url, "https://localhost", tmp_path / "https",
                               SESSION_IDLE_MINUTES=str(IDLE_MINUTES)), env_file=None)
    client = app.test_client()

    home = client.get("/", base_url="https://localhost")
    assert home.status_code == 200
    assert home.headers.getlist("Set-Cookie") == []  # an anonymous visit keeps nothing

    # The sign-in is the first request with something to keep: its cookie.
    login = client.get("/login", base_url="https://localhost")
    assert login.status_code == 302
    cookies = login.headers.getlist("Set-Cookie")
    assert len(cookies) == 1, cookies
    name, sid, attributes = cookie_parts(cookies[0])
    assert name == "__Host-cal_session" and sid
    assert set(attributes) == {"expires", "secure", "httponly", "path", "samesite"}, cookies[0]
    assert attributes["path"] == "/" and attributes["samesite"] == "Lax"
    assert_expires_in_idle_lifetime(attributes, datetime.now(UTC))
    assert cookies[0].endswith("; Secure; HttpOnly; Path=/; SameSite=Lax"), cookies[0]

    # The app reads that cookie back: a whole sign-in over https ends signed in.
    authorize = requests.get(login.headers["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(authorize.headers["Location"])
    assert callback.netloc == "localhost" and callback.path == "/auth/callback"
    done = client.get(f"/auth/callback?{callback.query}", base_url="https://localhost")
    assert done.status_code == 303, done.text[:500]
    regenerated = cookie_parts(done.headers.getlist("Set-Cookie")[-1])
    assert regenerated[0] == "__Host-cal_session" and regenerated[1] != sid
    assert "secure" in regenerated[2] and "domain" not in regenerated[2]
    state = client.get("/session.json", base_url="https://localhost").get_json()
    assert state["authenticated"] is True
