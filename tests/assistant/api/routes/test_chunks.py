from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def _tieling(client):
    return client.get("/api/v1/documents/tieling").json()["paragraphs"]


def test_chunk_with_neighbours(client):
    paragraphs = _tieling(client)
    middle = paragraphs[5]
    resp = client.get(f"/api/v1/chunks/{middle['chunk_id']}", params={"before": 2, "after": 1})
    assert resp.status_code == 200
    body = resp.json()
    assert body["chunk"] == middle
    assert [c["chunk_id"] for c in body["before"]] == [p["chunk_id"] for p in paragraphs[3:5]]
    assert [c["chunk_id"] for c in body["after"]] == [paragraphs[6]["chunk_id"]]


def test_first_and_last_paragraphs_have_one_side(client):
    paragraphs = _tieling(client)
    first = client.get(f"/api/v1/chunks/{paragraphs[0]['chunk_id']}").json()
    last = client.get(f"/api/v1/chunks/{paragraphs[-1]['chunk_id']}").json()
    assert first["before"] == [] and len(first["after"]) == 1
    assert last["after"] == [] and len(last["before"]) == 1


def test_search_result_ids_resolve(client):
    hit = client.get("/api/v1/search", params={"q": "铁岭 2025年城镇清洁取暖率", "top_k": 1}).json()["results"][0]
    chunk = client.get(f"/api/v1/chunks/{hit['chunk_id']}").json()["chunk"]
    assert chunk["text"] == hit["text"] and chunk["citation"] == hit["citation"]


@pytest.mark.parametrize("chunk_id", ["nope", "tieling-0000000000", "%00", "铁岭", "a" * 300])
def test_unknown_chunk_is_404(client, chunk_id):
    resp = client.get(f"/api/v1/chunks/{chunk_id}")
    assert resp.status_code == 404
    assert "unknown chunk_id" in resp.json()["message"]


@pytest.mark.parametrize("params", [{"before": -1}, {"after": 11}, {"before": "x"}])
def test_bad_context_sizes_are_422(client, params):
    chunk_id = _tieling(client)[3]["chunk_id"]
    resp = client.get(f"/api/v1/chunks/{chunk_id}", params=params)
    assert resp.status_code == 422
    assert resp.json()["message"].startswith(next(iter(params)))
