"""A deadline on every call to the platform and a budget for every page: a provider that trickles
a byte at a time holds no page past its budget, however many calls the page makes."""

from __future__ import annotations

import time

import pytest


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.parametrize("path", ["/access/check", "/access/revoke", "/access/lab/probe"])
def test_a_trickling_provider_holds_a_page_no_longer_than_its_budget(lab, path):
    rp = lab(PLATFORM_DEADLINE_SECONDS="2", HTTP_TIMEOUT="1.5")
    rp.sign_in()
    token = rp.csrf()
    rp.op.knobs["trickle"] = 0.4  # a byte every 0.4 s: no read ever waits 1.5 s
    # several calls (introspection twice, the API probe, …): one budget for them all
    answer, took = timed(lambda: rp.browser.post(rp.url + path, timeout=60, data={
        "csrf_token": token, "token": "access", "confirmed": "yes"}))
    assert answer.status_code in (502, 503), answer.text[:300]
    assert "Anypoint is not answering" in answer.text
    assert took < 6, took  # the budget is 2 s; a whole trickled answer would take 15 minutes


def test_a_call_past_its_deadline_says_so_in_the_trace(lab):
    rp = lab(PLATFORM_DEADLINE_SECONDS="1.5", HTTP_TIMEOUT="1.2")
    rp.sign_in()
    token = rp.csrf()
    rp.op.knobs["trickle"] = 0.3
    rp.browser.post(rp.url + "/access/check", data={"csrf_token": token}, timeout=60)
    rp.op.knobs["trickle"] = 0
    exchanges = rp.browser.get(rp.url + "/activity.json", timeout=20).json()["exchanges"]
    assert any("took longer than the deadline" in (entry["error"] or "")
               for entry in exchanges), [entry["error"] for entry in exchanges]
