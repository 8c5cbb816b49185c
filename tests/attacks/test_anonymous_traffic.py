"""Anonymous traffic keeps no state: no amount of it can push out a signed-in user's session
(the store never evicts, and an anonymous visit writes nothing to it)."""

from __future__ import annotations

import os
import pathlib

ANONYMOUS = ["/", "/session.json", "/cicd/", "/activity", "/activity.json", "/healthz",
             "/access", "/deploy", "/static/style.css"]


def files_in(folder: pathlib.Path) -> int:
    return sum(len(names) for _root, _dirs, names in os.walk(folder))


def test_ten_thousand_anonymous_requests_sign_nobody_out_and_leave_nothing(lab):
    rp = lab()
    rp.sign_in()  # a signed-in user, in a browser of their own
    store = pathlib.Path(rp.app.instance_path) / "store"
    kept = files_in(store)
    visitor = rp.app.test_client()
    for n in range(10_000):
        visitor._cookies.clear()  # every request a new visitor
        answer = visitor.get(ANONYMOUS[n % len(ANONYMOUS)], base_url=rp.url)
        answer.close()
        assert answer.status_code in (200, 401), answer.status_code
        assert "Set-Cookie" not in answer.headers
    assert files_in(store) == kept  # not one file more
    assert rp.session()["authenticated"] is True


def test_an_anonymous_post_writes_nothing_either(lab):
    rp = lab()
    store = pathlib.Path(rp.app.instance_path) / "store"
    visitor = rp.app.test_client()
    for path in ("/logout", "/access/check", "/access/lab/probe", "/deploy"):
        answer = visitor.post(path, data={"csrf_token": "guess"}, base_url=rp.url)
        assert answer.status_code == 400 and "Set-Cookie" not in answer.headers
    assert files_in(store / "data") == 0
