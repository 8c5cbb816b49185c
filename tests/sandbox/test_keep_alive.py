"""The sandbox speaks HTTP/1.1 with keep-alive, as the platform does: one TCP connection carries
many requests (a GET, a POST with a body, a 404, a chunked stream, a body the app never read),
every answer is framed (Content-Length or chunked), and a client that keeps a connection open
blocks no other. The server's ``accepted`` count is how many TCP connections it took."""

import http.client
import socket

import pytest
from flask import Flask, Response, request

from anypoint_sandbox.serving import DRAIN_LIMIT
from tests.support.live import serve
from tests.support.sandbox import run_sandbox
from tests.support.sandbox_client import TOKEN

DISCOVERY = "/accounts/api/v2/oauth2/.well-known/openid-configuration"


def _stub() -> Flask:
    """A WSGI app with the answers a connection must survive, served by the sandbox's server."""
    stub = Flask("keep-alive-stub")
    stub.add_url_rule("/echo", "echo", lambda: request.get_data(), methods=["POST"])
    stub.add_url_rule("/ignore", "ignore", lambda: "not read", methods=["POST"])
    stub.add_url_rule("/stream", "stream", lambda: Response(
        (f"part {n}\n" for n in range(3)), mimetype="text/plain"))
    stub.add_url_rule("/nodelay", "nodelay", lambda: str(request.environ[
        "werkzeug.socket"].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
    return stub


@pytest.fixture
def stub_server():
    server = serve(lambda _url: _stub())
    yield server
    server.stop()


def _connection(server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=10)


def _ask(connection, method, path, body=None, headers=None, **options):
    connection.request(method, path, body=body, headers=headers or {}, **options)
    response = connection.getresponse()
    return response, response.read()


def test_one_connection_carries_every_kind_of_request(stub_server):
    connection = _connection(stub_server)
    echoed, body = _ask(connection, "POST", "/echo", b"x" * 5000)
    assert (echoed.status, body) == (200, b"x" * 5000)
    ignored, body = _ask(connection, "POST", "/ignore", b"y" * 70_000)
    assert (ignored.status, body) == (200, b"not read")  # the unread body was dropped
    missing, _ = _ask(connection, "GET", "/nowhere")
    assert missing.status == 404 and missing.getheader("Content-Length")
    streamed, body = _ask(connection, "GET", "/stream")
    assert streamed.status == 200 and streamed.getheader("Transfer-Encoding") == "chunked"
    assert body == b"part 0\npart 1\npart 2\n"
    chunked, body = _ask(connection, "POST", "/echo", iter([b"ab", b"cd"]),
                         {"Transfer-Encoding": "chunked"}, encode_chunked=True)
    assert (chunked.status, body) == (200, b"abcd")
    for response in (echoed, ignored, missing, streamed, chunked):
        assert response.getheader("Connection") is None, response.getheaders()
    connection.close()
    assert stub_server.accepted == 1


def test_a_body_too_large_to_drop_closes_the_connection_after_its_answer(stub_server):
    connection = _connection(stub_server)
    answer, body = _ask(connection, "POST", "/ignore", b"z" * (DRAIN_LIMIT + 1))
    assert (answer.status, body) == (200, b"not read")
    assert answer.getheader("Connection") == "close"
    connection.close()


def test_a_client_asking_to_close_gets_its_connection_closed(stub_server):
    connection = _connection(stub_server)
    answer, _ = _ask(connection, "GET", "/nowhere", headers={"Connection": "close"})
    assert answer.status == 404 and answer.getheader("Connection") == "close"


def test_an_idle_kept_alive_connection_blocks_no_other_client(stub_server):
    idle = _connection(stub_server)
    first, _ = _ask(idle, "GET", "/stream")
    assert first.status == 200  # this connection now waits, open, for a request
    half_sent = socket.create_connection(("127.0.0.1", stub_server.server.server_port))
    half_sent.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
    other = _connection(stub_server)
    answer, body = _ask(other, "POST", "/echo", b"hello")
    assert (answer.status, body) == (200, b"hello")
    again, _ = _ask(idle, "GET", "/nowhere")
    assert again.status == 404
    for open_connection in (idle, half_sent, other):
        open_connection.close()
    assert stub_server.accepted == 3


def test_a_stopped_server_no_longer_answers_kept_alive_connections():
    server = serve(lambda _url: _stub())
    connection = _connection(server)
    try:
        assert _ask(connection, "GET", "/stream")[0].status == 200
        server.stop()
        with pytest.raises((http.client.HTTPException, OSError)):
            _ask(connection, "GET", "/stream")
    finally:
        connection.close()


def test_the_sandbox_answers_many_requests_over_one_connection(tmp_path):
    sandbox = run_sandbox(tmp_path / "sandbox.db")
    connection = _connection(sandbox.server)
    try:
        discovery, body = _ask(connection, "GET", DISCOVERY)
        assert discovery.status == 200 and b"token_endpoint" in body
        refused, body = _ask(connection, "POST", TOKEN, b"grant_type=client_credentials"
                             b"&client_id=nobody&client_secret=wrong",
                             {"Content-Type": "application/x-www-form-urlencoded"})
        assert refused.status == 401 and b"invalid_client" in body
        missing, _ = _ask(connection, "GET", "/accounts/api/nothing-here")
        assert missing.status == 404
        keys, body = _ask(connection, "GET", "/accounts/api/v2/oauth2/keys")
        assert keys.status == 200 and b'"keys"' in body
        assert sandbox.server.accepted == 1
    finally:
        connection.close()
        sandbox.stop()


def test_answers_go_out_at_once_without_waiting_for_an_acknowledgement(stub_server):
    """TCP_NODELAY on every connection the server accepts: with Nagle's algorithm the body of
    an answer written after its headers waited for the client's delayed ACK (40 ms a call on a
    kept-alive connection, which made every platform call of the app that slow)."""
    connection = _connection(stub_server)
    for _ in range(2):  # the first and a kept-alive request
        answer, body = _ask(connection, "GET", "/nodelay")
        assert answer.status == 200 and body != b"0"
    connection.close()
