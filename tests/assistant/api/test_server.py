"""The app under a real uvicorn on a free loopback port (started in a thread, stopped after)."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from policyqa.app import create_app
from assistant.api.server import make_server

from .conftest import make_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(search_index) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port; uvicorn serves on this socket
    port = sock.getsockname()[1]
    server = make_server(create_app(make_settings(), index=search_index), "127.0.0.1", port, log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive()


def test_real_server_answers_over_http(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/readyz").json()["status"] == "ready"
        resp = http.post("/api/v1/search", json={"query": "铁岭 2025年城镇清洁取暖率", "top_k": 3})
        assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
        assert "城镇清洁取暖率达到70%以上" in resp.json()["results"][0]["text"]
        assert "server" not in resp.headers  # no software banner


def test_real_server_refuses_oversized_and_malformed_bodies(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as http:
        big = http.post("/api/v1/search", content=b"x" * (300 * 1024), headers={"content-type": "application/json"})
        assert big.status_code == 413
        bad = http.post("/api/v1/search", content=b"\xff\xfe{", headers={"content-type": "application/json"})
        assert 400 <= bad.status_code < 500
