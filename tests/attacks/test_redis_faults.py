"""Redis down or hanging (SESSION_BACKEND=redis): the app answers its own 503 page within 2 s
(REDIS_TIMEOUT_SECONDS bounds each call: 1 s by default, half that here),
says what is wrong, keeps /healthz alive and /readyz honest, and serves again, still signed in,
as soon as Redis answers, without a restart."""

from __future__ import annotations

import time

import pytest

from tests.support.faults import FaultProxy, SilentListener

PAGES = ["/", "/access", "/session.json", "/activity", "/cicd/", "/access/lab"]


@pytest.fixture
def redis_behind_a_proxy(redis_url, redis_prefix):
    proxy = FaultProxy(("127.0.0.1", 6379))
    yield {"SESSION_BACKEND": "redis", "REDIS_URL": f"redis://{proxy.url_host}/0",
           "REDIS_PREFIX": redis_prefix, "REDIS_TIMEOUT_SECONDS": "0.5"}, proxy
    proxy.close()


def timed_get(browser, url: str):
    started = time.monotonic()
    answer = browser.get(url, timeout=20)
    return answer, time.monotonic() - started


@pytest.mark.redis
@pytest.mark.parametrize("fault", ["refuse", "hang"])
def test_redis_down_or_hanging_is_a_503_in_words_then_the_app_recovers(lab, fault,
                                                                       redis_behind_a_proxy):
    settings, proxy = redis_behind_a_proxy
    rp = lab(**settings)
    rp.sign_in()
    proxy.mode = fault
    for path in PAGES:
        answer, took = timed_get(rp.browser, rp.url + path)
        assert answer.status_code == 503, (path, answer.status_code, answer.text[:300])
        assert took < 2, (path, took)
        if not path.endswith(".json"):
            assert "cannot reach its session store" in answer.text
            assert "Redis does not answer" in answer.text
    healthz, took = timed_get(rp.browser, rp.url + "/healthz")
    assert healthz.status_code == 200 and took < 2
    readyz, took = timed_get(rp.browser, rp.url + "/readyz")
    assert readyz.status_code == 503 and "not answering" in readyz.json()["store"] and took < 3
    proxy.mode = "pass"  # Redis is back: no restart
    assert rp.session()["authenticated"] is True
    assert rp.browser.get(rp.url + "/access", timeout=20).status_code == 200
    assert rp.browser.get(rp.url + "/readyz", timeout=20).json()["store"].startswith("ok")


@pytest.mark.redis
def test_a_redis_that_never_answered_stops_every_sign_in_in_words(lab, redis_prefix):
    silent = SilentListener()
    try:
        rp = lab(SESSION_BACKEND="redis", REDIS_URL=f"redis://127.0.0.1:{silent.port}/0",
                 REDIS_PREFIX=redis_prefix, REDIS_TIMEOUT_SECONDS="0.5")
        home, _took = timed_get(rp.browser, rp.url + "/")
        assert home.status_code == 200  # a first visit keeps nothing, so it needs no Redis
        for path in ("/login", "/auth/callback?code=x&state=y"):
            answer, took = timed_get(rp.browser, rp.url + path)
            assert answer.status_code == 503 and took < 2, (path, answer.status_code, took)
            assert "cannot reach its session store" in answer.text
        assert rp.browser.get(rp.url + "/healthz", timeout=20).status_code == 200
    finally:
        silent.close()
