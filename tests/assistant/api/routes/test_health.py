from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app

from ..conftest import make_settings


def test_healthz_needs_no_index():
    # No `with`: the lifespan (which would start loading the index) does not run.
    client = TestClient(create_app(make_settings()))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_not_ready_answers_503_everywhere_but_healthz():
    client = TestClient(create_app(make_settings()))
    resp = client.get("/readyz")
    assert resp.status_code == 503 and resp.headers["retry-after"] == "5"
    assert resp.json()["message"] == "not ready: index is loading"
    for method, url, kwargs in [("GET", "/api/v1/documents", {}),
                                ("POST", "/api/v1/search", {"json": {"query": "清洁取暖"}}),
                                ("POST", "/api/v1/chat", {"json": {"messages": [{"role": "user", "content": "x"}]}})]:
        assert client.request(method, url, **kwargs).status_code == 503


@pytest.mark.slow
def test_readyz_reports_the_index(client, search_index):
    resp = client.get("/readyz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ready"
    assert body["corpus_hash"] and body["index_version"] and body["embedder"]
    assert body["documents"] == len(search_index.documents) and body["chunks"] == len(search_index.chunks)
