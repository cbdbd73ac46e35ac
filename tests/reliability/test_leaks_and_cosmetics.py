"""What responses must not carry (absolute paths, whole inputs) and the small HTTP manners:
HEAD on GET routes, an Allow header listing every method of a path, `top_k: true` refused."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app

from .helpers import make_settings

pytestmark = pytest.mark.slow


def test_a_load_failure_does_not_reveal_the_data_dir(tmp_path):
    data_dir = tmp_path / "private-data-dir"
    data_dir.mkdir()
    (data_dir / "index").write_text("not a directory")  # the index can be neither read nor built
    with TestClient(create_app(make_settings(data_dir=data_dir)), raise_server_exceptions=False) as client:
        deadline = time.monotonic() + 120
        while "failed" not in (body := client.get("/readyz").text) and time.monotonic() < deadline:
            time.sleep(0.1)
        resp = client.get("/readyz")
    assert resp.status_code == 503 and "index failed to load" in resp.json()["message"]
    assert str(tmp_path) not in resp.text and "private-data-dir" not in resp.text, resp.text
    assert "<data dir>" in resp.text


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "url": "/api/v1/search", "json": {"query": "清洁取暖", "cities": ["x" * 200_000]}},
    {"method": "GET", "url": "/api/v1/search", "params": {"q": "清洁取暖", "city": "北" * 2000}},
    {"method": "GET", "url": "/api/v1/targets", "params": {"city": "y" * 5000}},
    {"method": "GET", "url": "/api/v1/documents/" + "z" * 5000},
    {"method": "GET", "url": "/api/v1/chunks/" + "w" * 5000},
], ids=["search-city-200kb", "search-get-city", "targets-city", "document-id", "chunk-id"])
def test_errors_echo_at_most_a_short_part_of_the_input(api, request_kwargs):
    resp = api.request(**request_kwargs)
    assert resp.status_code in (404, 422)
    assert len(resp.content) < 2048, len(resp.content)
    sent = str(request_kwargs)
    echoed = max((ch for ch in "xyzw北" if ch * 41 in sent), key=len)
    assert echoed * 41 not in resp.text  # at most 40 characters of the input come back


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/api/v1/documents", "/api/v1/search?q=清洁取暖"])
def test_head_on_get_routes_is_200_without_a_body(api, path):
    head, get = api.head(path), api.get(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE"])
def test_405_lists_every_method_of_the_path(api, method):
    resp = api.request(method, "/api/v1/documents")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("value", [True, False, "5", 5.0])
def test_top_k_must_be_a_json_integer(api, value):
    resp = api.post("/api/v1/search", json={"query": "清洁取暖", "top_k": value})
    assert resp.status_code == 422 and resp.json()["message"].startswith("top_k:")
    assert api.post("/api/v1/search", json={"query": "清洁取暖", "top_k": 2}).status_code == 200
