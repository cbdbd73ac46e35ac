"""The body limit, through the app: declared sizes and streamed (chunked) bodies."""
from __future__ import annotations

import json

from fastapi.testclient import TestClient

from policyqa.app import create_app

from .conftest import make_settings

LIMIT = 4096


def _client() -> TestClient:
    return TestClient(create_app(make_settings(max_body_bytes=LIMIT)))


def test_declared_content_length_over_the_limit_is_413():
    body = json.dumps({"query": "x" * (LIMIT + 10)}).encode()
    resp = _client().post("/api/v1/search", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert resp.json()["message"] == f"request body too large: limit is {LIMIT} bytes"


def test_streamed_body_without_length_is_cut_off():
    def chunks():
        yield b'{"query": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    resp = _client().post("/api/v1/search", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413


def test_invalid_content_length_is_400():
    client = _client()
    resp = client.post("/api/v1/search", content=b"{}", headers={"content-type": "application/json",
                                                                "content-length": "abc"})
    assert resp.status_code == 400


def test_small_bodies_pass_through():
    # Not ready (no index): the body was read and accepted, and the route answered 503.
    resp = _client().post("/api/v1/search", json={"query": "清洁取暖"})
    assert resp.status_code == 503
