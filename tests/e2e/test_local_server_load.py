"""The local server under load and with awkward request framing: every client gets an HTTP answer, never a
connection reset, and every request body is consumed whatever the route."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.e2e.harness import LocalServer

pytestmark = pytest.mark.e2e

CLIENTS = 200
TIMEOUT = 60.0
JSON = {"Content-Type": "application/json"}


def _one_client(port: int, barrier: threading.Barrier, index: int, run: str) -> tuple[str, int | None, Any]:
    """One connection of its own; the barrier releases every client at once, so they all connect together."""
    # Fewer contacts: functions run one at a time, so each create waits for all those before it.
    kind = "contact" if index % 8 == 0 else ("unknown", "get")[index % 2]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        barrier.wait(timeout=TIMEOUT)
        if kind == "unknown":
            # Large enough that a server closing the socket without reading it resets the connection.
            connection.request("POST", "/no/such/route", body=b'{"pad": "' + b"x" * 65536 + b'"}', headers=JSON)
        elif kind == "contact":
            contact = {
                "kind": "organization",
                "display_name": f"Load {index}",
                "emails": [f"{run}-{index}@load.example"],
            }
            connection.request("POST", "/sales/contacts", body=json.dumps(contact), headers=JSON)
        else:
            connection.request("GET", "/_local/health")
        reply = connection.getresponse()
        return kind, reply.status, reply.read()
    except (OSError, http.client.HTTPException) as error:
        return kind, None, repr(error)
    finally:
        connection.close()


def test_two_hundred_concurrent_clients_all_get_an_answer(sales_server: LocalServer) -> None:
    barrier = threading.Barrier(CLIENTS)
    run = uuid.uuid4().hex[:8]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(_one_client, sales_server.port, barrier, index, run) for index in range(CLIENTS)]
        results = [future.result(timeout=2 * TIMEOUT) for future in futures]
    elapsed = time.monotonic() - started

    failed = [(kind, detail) for kind, status, detail in results if status is None]
    assert not failed, f"{len(failed)}/{CLIENTS} clients got no HTTP answer: {failed[:5]}"
    server_errors = [
        (kind, status, body[:200]) for kind, status, body in results if status is not None and status >= 500
    ]
    assert not server_errors, server_errors
    expected = {"unknown": 404, "contact": 201, "get": 200}
    wrong = [(kind, status, body[:200]) for kind, status, body in results if status != expected[kind]]
    assert not wrong, wrong
    assert elapsed < TIMEOUT, f"{CLIENTS} clients took {elapsed:.1f}s"


def _raw(port: int, data: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    sock.sendall(data)
    return sock


def _answer(sock: socket.socket, method: str = "POST") -> tuple[int, dict[str, str], bytes]:
    reply = http.client.HTTPResponse(sock, method=method)
    reply.begin()
    return reply.status, {name.lower(): value for name, value in reply.getheaders()}, reply.read()


@pytest.mark.parametrize("length", ["abc", "-1", "1, 2", "+2", "0x2", "²"])
def test_an_invalid_content_length_gets_a_400_envelope(sales_server: LocalServer, length: str) -> None:
    request = f"POST /no/such/route HTTP/1.1\r\nHost: local\r\nContent-Length: {length}\r\n\r\n".encode("latin-1")
    with _raw(sales_server.port, request + b"{}" + b" " * 65536) as sock:
        status, headers, body = _answer(sock)
    assert status == 400, body
    assert json.loads(body)["status"] == "error"
    assert json.loads(body)["error"]["code"] == "BAD_REQUEST"
    assert headers["connection"] == "close"  # the request's end is unknown, so nothing after it can be read


def test_a_repeated_identical_content_length_is_one_length(sales_server: LocalServer) -> None:
    request = b"POST /no/such/route HTTP/1.1\r\nHost: local\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"
    with _raw(sales_server.port, request) as sock:
        assert _answer(sock)[0] == 404
        sock.sendall(b"GET /_local/health HTTP/1.1\r\nHost: local\r\n\r\n")
        assert _answer(sock, "GET")[0] == 200


@pytest.mark.parametrize("path", ["/no/such/route", "/_local/health", "/_local/nothing", "/docs"])
def test_the_body_is_consumed_whatever_the_route(sales_server: LocalServer, path: str) -> None:
    """On a kept-alive connection, the next request is parsed where the previous body ends."""
    connection = http.client.HTTPConnection("127.0.0.1", sales_server.port, timeout=TIMEOUT)
    try:
        connection.request("POST", path, body=b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n", headers=JSON)
        first = connection.getresponse()
        first.read()
        assert first.status < 500
        connection.request("GET", "/_local/health")
        second = connection.getresponse()
        assert second.status == 200, second.read()
        assert json.loads(second.read())["status"] == "ok"
    finally:
        connection.close()


# No route, a local endpoint that takes no POST, and one that refuses this body (it is not an event).
@pytest.mark.parametrize(
    ("path", "status"), [("/no/such/route", 404), ("/_local/schedules", 405), ("/_local/events", 400)]
)
def test_a_chunked_body_is_consumed_whatever_the_route(sales_server: LocalServer, path: str, status: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", sales_server.port, timeout=TIMEOUT)
    try:
        chunks = [b'{"pad": "', b"x" * 70000, b'"}']
        connection.request("POST", path, body=iter(chunks), headers=JSON, encode_chunked=True)
        first = connection.getresponse()
        first.read()
        assert first.status == status
        connection.request("GET", "/_local/health")
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_a_chunked_body_reaches_the_function(sales_server: LocalServer) -> None:
    email = f"{uuid.uuid4().hex[:8]}@chunked.example"
    contact = json.dumps({"kind": "organization", "display_name": "Chunked", "emails": [email]}).encode()
    # Chunk extensions and a trailer are part of the syntax too.
    request = (
        b"POST /sales/contacts HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        + b"%x;name=value\r\n%s\r\n" % (10, contact[:10])
        + b"%X\r\n%s\r\n" % (len(contact) - 10, contact[10:])
        + b"0\r\nX-Trailer: 1\r\n\r\n"
    )
    with _raw(sales_server.port, request) as sock:
        status, _, body = _answer(sock)
    assert status == 201, body
    assert json.loads(body)["data"]["emails"] == [email]


@pytest.mark.parametrize(
    "framing",
    [
        b"Transfer-Encoding: gzip\r\n\r\nabc",
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
    ],
)
def test_an_unreadable_transfer_encoding_gets_a_400_envelope(sales_server: LocalServer, framing: bytes) -> None:
    with _raw(sales_server.port, b"POST /no/such/route HTTP/1.1\r\nHost: local\r\n" + framing) as sock:
        status, headers, body = _answer(sock)
    assert status == 400, body
    assert json.loads(body)["error"]["code"] == "BAD_REQUEST"
    assert headers["connection"] == "close"


def test_a_body_over_api_gateways_limit_is_read_then_refused(sales_server: LocalServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", sales_server.port, timeout=TIMEOUT)
    try:
        connection.request("POST", "/no/such/route", body=b"x" * (10 * 1024 * 1024 + 1), headers=JSON)
        first = connection.getresponse()
        assert first.status == 413
        assert json.loads(first.read())["error"]["code"] == "PAYLOAD_TOO_LARGE"
        connection.request("GET", "/_local/health")
        assert connection.getresponse().status == 200
    finally:
        connection.close()
