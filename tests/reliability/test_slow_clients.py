"""Slow and unfinished requests against the real server (uvicorn + assistant.api.connections)
on loopback, with a short read deadline so that each test is bounded in time (a few seconds):

- half-open connections (nothing sent, half a header, a trickle, a body slower than declared)
  are closed once the deadline passes, with 408 when no response had started;
- connections over the cap are refused with 503 at once, and /healthz answers afterwards;
- clients that drop mid-request leave no traceback and no ERROR in the log;
- the access log holds paths without query strings.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from policyqa.app import create_app
from assistant.api.server import make_server
from policyqa.settings import Settings

from .helpers import make_settings

pytestmark = pytest.mark.slow

TIMEOUT_S = 1.5  # the deadline under test (the default is 15 s, see test_default_deadline_is_15_seconds)
CAP = 24


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        return "\n".join(self.format(r) for r in self.records)


@pytest.fixture(scope="module")
def server(search_index) -> Iterator[dict]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = make_settings(request_timeout_s=TIMEOUT_S, max_connections=CAP, keep_alive_s=1.0)
    srv = make_server(create_app(settings, index=search_index), "127.0.0.1", port, log_level="info",
                      settings=settings)
    capture = Capture()
    loggers = [logging.getLogger(n) for n in ("uvicorn.error", "uvicorn.access", "assistant.api", "asyncio", "")]
    for logger in loggers:
        logger.addHandler(capture)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield {"port": port, "server": srv, "log": capture}
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        sock.close()
        for logger in loggers:
            logger.removeHandler(capture)


def _connect(port: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S + 5)
    return s


def _until_closed(s: socket.socket) -> tuple[float, bytes]:
    """Seconds until the server closes `s`, and what it sent before."""
    started, data = time.monotonic(), b""
    try:
        while chunk := s.recv(4096):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return time.monotonic() - started, data


def _healthz(port: int) -> int:
    return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code


@pytest.mark.parametrize("send", [b"", b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                                  b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  b"Content-Length: 1000\r\n\r\n{\"query\": "],
                         ids=["nothing", "half-a-header", "body-slower-than-declared"])
def test_unfinished_requests_are_closed_at_the_deadline(server, send):
    s = _connect(server["port"])
    s.sendall(send)
    waited, data = _until_closed(s)
    s.close()
    assert TIMEOUT_S - 0.3 <= waited <= TIMEOUT_S + 2.0, waited
    assert data.startswith(b"HTTP/1.1 408 ") and b"connection: close" in data.lower()
    assert _healthz(server["port"]) == 200


def test_a_trickling_client_is_cut_off_although_it_keeps_sending(server):
    s = _connect(server["port"])
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200
    started, closed = time.monotonic(), False
    for byte in request:
        try:
            s.send(bytes([byte]))
        except OSError:
            closed = True
            break
        time.sleep(0.05)
        if time.monotonic() - started > TIMEOUT_S + 2:
            break
    s.settimeout(3)
    waited, data = _until_closed(s)
    elapsed = time.monotonic() - started
    s.close()
    assert closed or data.startswith(b"HTTP/1.1 408 ")
    assert elapsed <= TIMEOUT_S + 3.5, elapsed


def test_connections_over_the_cap_are_refused_and_all_are_closed_by_the_deadline(server):
    port, srv = server["port"], server["server"]
    held = [_connect(port) for _ in range(CAP * 3)]  # 72 half-open connections, three times the cap
    time.sleep(0.3)
    assert len(srv.server_state.connections) <= CAP
    started = time.monotonic()
    results = [_until_closed(s) for s in held]
    for s in held:
        s.close()
    refused = [d for _, d in results if d.startswith(b"HTTP/1.1 503 ")]
    timed_out = [d for _, d in results if d.startswith(b"HTTP/1.1 408 ")]
    assert len(refused) >= CAP * 2 - 2 and len(refused) + len(timed_out) == len(held)
    assert time.monotonic() - started <= TIMEOUT_S + 3
    assert _healthz(port) == 200 and len(srv.server_state.connections) <= 1


def test_a_client_dropping_mid_upload_logs_no_traceback(server):
    log = server["log"]
    before = len(log.records)
    s = _connect(server["port"])
    s.sendall(b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: 5000\r\n\r\n{\"query\": \"" + b"a" * 100)
    time.sleep(0.2)
    s.close()  # gone mid-body
    time.sleep(0.5)
    assert _healthz(server["port"]) == 200
    new = log.records[before:]
    assert not [r for r in new if r.levelno >= logging.ERROR], [r.getMessage() for r in new]
    assert not any(r.exc_info for r in new)


def test_the_access_log_has_paths_without_query_strings(server):
    log = server["log"]
    before = len(log.records)
    secret = "secret-question-and-token-abc123"
    resp = httpx.get(f"http://127.0.0.1:{server['port']}/api/v1/search", params={"q": secret, "token": secret},
                     timeout=30)
    assert resp.status_code == 200
    access = [r.getMessage() for r in log.records[before:] if r.name == "uvicorn.access"]
    assert any("GET /api/v1/search HTTP/1.1" in m for m in access), access
    assert not any(secret in m for m in access)


def test_default_deadline_is_15_seconds():
    defaults = Settings(_env_file=None)
    assert defaults.request_timeout_s == 15 and defaults.keep_alive_s == 5 and defaults.max_connections == 256
