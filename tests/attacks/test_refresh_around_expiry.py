"""Around expiry, exactly one refresh: a request that meets a 401 just after another request
refreshed uses the new token instead of refreshing again, across processes sharing Redis."""

from __future__ import annotations

import concurrent.futures
import threading

import pytest
from sqlalchemy import func, select

from anypoint_sandbox.storage import Token
from anypoint_sandbox.storage import session as sandbox_db
from tests.support.labs import LabOnSandbox


def refresh_grants(lab) -> int:
    with lab.sandbox.app.app_context():
        return sandbox_db().scalar(select(func.count()).select_from(Token).where(
            Token.grant_type == "refresh_token"))


class RefreshBeforeTheAnswer:
    """WSGI middleware for the sandbox: the first time ``path`` is asked with the old token,
    another process refreshes first and the old token expires — the race, made to happen."""

    def __init__(self, app, path: str, race):
        self.app, self.path, self.race, self.done = app, path, race, False

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == self.path and not self.done:
            self.done = True
            self.race()
        return self.app(environ, start_response)


@pytest.fixture
def redis_lab(tmp_path, redis_url, redis_prefix):
    lab = LabOnSandbox(tmp_path, rp_settings={
        "SESSION_BACKEND": "redis", "REDIS_URL": redis_url, "REDIS_PREFIX": redis_prefix,
        "REFRESH_MARGIN_SECONDS": "0", "SESSION_IDLE_MINUTES": "240"})
    yield lab
    lab.stop()


@pytest.mark.redis
def test_a_401_just_after_another_refresh_uses_the_new_token(redis_lab, clock):
    lab = redis_lab
    browser = lab.signed_in(scope="openid profile offline_access view:environment")
    other = lab.another_process()

    def race():  # another process refreshes, then the old access token's lifetime ends
        clock.advance(100)
        answer = browser.post(other.url + "/access/refresh", timeout=20, headers={
            "Accept": "application/json"}, data={"csrf_token": lab.csrf(browser)})
        assert answer.status_code == 200, answer.text[:300]
        clock.advance(3500)  # the old token issued 3600 s ago is dead, the new one is not

    sandbox = lab.sandbox.app
    sandbox.wsgi_app = RefreshBeforeTheAnswer(sandbox.wsgi_app, "/accounts/api/me", race)
    token = lab.csrf(browser, "/")
    home = browser.post(lab.url + "/profile/reload", timeout=30,  # then / asks /accounts/api/me
                        data={"csrf_token": token, "next": "/"})  # with the old token: 401
    assert home.status_code == 200 and "Hello," in home.text
    assert refresh_grants(lab) == 1  # the other process's, and no second one


@pytest.mark.redis
def test_fifty_requests_around_expiry_over_two_processes_cause_one_refresh(redis_lab, clock):
    lab = redis_lab
    browser = lab.signed_in(scope="openid profile offline_access view:environment")
    other = lab.another_process()
    urls = [lab.url, other.url]
    clock.advance(3600 - 1)  # a second before the access token expires
    lock, sent = threading.Lock(), [0]

    def one(n: int) -> int:
        with lock:  # spread the 50 requests over the 2 s around the expiry
            sent[0] += 1
            clock.advance(2 / 50)
        return browser.get(urls[n % 2] + "/", timeout=30).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(one, range(50)))
    assert statuses == [200] * 50
    assert refresh_grants(lab) == 1
