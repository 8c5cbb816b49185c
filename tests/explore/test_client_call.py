"""AnypointClient.call over real HTTP: the answer's body is read only to its limit, whatever
its status, and the call is in the trace like every other."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

from relying_party.anypoint.client import AnypointClient
from tests.support.live import serve

MEGABYTE = 1024 * 1024


@pytest.fixture
def platform():
    sent = {"bytes": 0}

    @Request.application
    def app(request: Request) -> Response:
        def body():
            for _ in range(1024):  # 64 MB, a chunk at a time
                sent["bytes"] += 64 * 1024
                yield b"x" * (64 * 1024)

        if request.path == "/big":
            return Response(body(), status=418, content_type="text/plain")
        return Response('{"ok": true}', status=403, content_type="application/json")

    server = serve(lambda _url: app)
    yield server.url, sent
    server.stop()


def test_a_large_answer_is_read_to_its_limit_only(platform):
    url, sent = platform
    recorded = []
    client = AnypointClient(url, "id", "secret", (2, 5), recorded.append)
    answer = client.call("GET", "/big", "token-0123456789", limit=1000)
    assert answer.status_code == 418
    assert answer.content == b"x" * 1001  # one more than the limit: it was cut
    assert sent["bytes"] < 16 * MEGABYTE  # what the sockets buffered, not the 64 MB
    small = client.call("POST", "/small", "token-0123456789", limit=1000, json_body={"a": 1},
                        headers={"X-A": "1"})
    assert small.status_code == 403 and small.json() == {"ok": True}
    assert [(entry.label, entry.status) for entry in recorded] == [("explore", 418),
                                                                   ("explore", 403)]
    assert recorded[1].request["headers"]["Authorization"].startswith("Bearer fp:")
    assert "token-0123456789" not in repr(recorded)
