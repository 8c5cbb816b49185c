"""A deadline on every call to the platform and a budget for every page: a provider that trickles
a byte at a time holds no page past its budget, however many calls the page makes."""

from __future__ import annotations

import socket
import threading
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



def test_one_alarm_thread_watches_every_call_and_fires_only_late_ones(monkeypatch):
    """A call costs a heap entry, not a thread (a thread per call cost a sign-in more than its
    checks); a call that ended in time is never shut down; one past its time is, mid-read."""
    from relying_party.anypoint import deadlines

    with deadlines.Watchdog(30):
        pass
    started, start = [], threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start",
                        lambda thread: started.append(thread) or start(thread))
    in_time = []
    for _ in range(200):
        with deadlines.Watchdog(30) as dog:
            in_time.append(dog)
    assert started == []
    mine, theirs = socket.socketpair()
    with mine, theirs, deadlines.Watchdog(0.05) as late:
        deadlines._watch(theirs)
        mine.settimeout(10)
        theirs.sendall(b"x")
        assert mine.recv(1) == b"x" and mine.recv(1) == b""  # shut down by the alarm
    assert late.fired and not any(dog.fired for dog in in_time)
