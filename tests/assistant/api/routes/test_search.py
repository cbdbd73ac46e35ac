from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the real index and embedder

URL = "/api/v1/search"
TARGET = "城镇清洁取暖率达到70%以上"
TIELING_TITLE = "《铁岭市“十四五”节能减排综合工作方案》"


def test_figure_query_returns_the_clause_first_with_its_citation(client):
    resp = client.post(URL, json={"query": "铁岭 2025年城镇清洁取暖率"})
    assert resp.status_code == 200
    body = resp.json()
    first = body["results"][0]
    assert TARGET in first["text"]
    assert first["city"] == "铁岭市" and first["doc_id"] == "tieling"
    assert first["citation"].startswith(TIELING_TITLE) and "第" in first["citation"]
    assert TARGET in first["highlight"] and first["highlight"] in first["text"]
    assert len(body["results"]) == 10  # default top_k
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_get_form_matches_post(client):
    resp = client.get(URL, params={"q": "铁岭 2025年城镇清洁取暖率", "top_k": 3})
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert len(results) == 3 and TARGET in results[0]["text"]


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_every_mode_answers(client, mode):
    resp = client.post(URL, json={"query": "城镇清洁取暖率", "mode": mode, "top_k": 5})
    assert resp.status_code == 200
    assert 1 <= len(resp.json()["results"]) <= 5


def test_city_filter_accepts_short_and_full_names(client):
    resp = client.post(URL, json={"query": "清洁取暖", "cities": ["安阳", "铁岭市"], "top_k": 20})
    assert resp.status_code == 200
    cities = {r["city"] for r in resp.json()["results"]}
    assert cities and cities <= {"安阳市", "铁岭市"}
    resp = client.get(URL, params=[("q", "清洁取暖"), ("city", "定州")])
    assert {r["city"] for r in resp.json()["results"]} == {"定州市"}


def test_unknown_city_is_refused_with_the_known_ones(client):
    resp = client.post(URL, json={"query": "清洁取暖", "cities": ["北京"]})
    assert resp.status_code == 422
    body = resp.json()
    assert body["message"].startswith("cities[0]: unknown city '北京'")
    assert "铁岭市" in body["message"] and body["detail"][0]["loc"] == ["body", "cities", 0]


def test_history_resolves_a_follow_up(client):
    resp = client.post(URL, json={"query": "那安阳呢？", "history": ["铁岭 2025年城镇清洁取暖率"]})
    assert resp.status_code == 200
    body = resp.json()
    assert body["query"] == "那安阳呢？"
    assert "安阳" in body["resolved_query"] and body["resolved_query"] != body["query"]
    assert body["results"][0]["city"] == "安阳市"


@pytest.mark.parametrize("query", [
    "<script>alert(1)</script> 清洁取暖",
    "清洁取暖 🔥🔥",
    "清洁\x00取暖\x07\u200b",
    "' OR 1=1; --",
    "a" * 500,
])
def test_odd_but_valid_queries_are_answered(client, query):
    resp = client.post(URL, json={"query": query, "top_k": 3})
    assert resp.status_code == 200, resp.text
    assert isinstance(resp.json()["results"], list)


@pytest.mark.parametrize("payload, field", [
    ({"query": ""}, "query"),
    ({"query": "   \n\t"}, "query"),
    ({"query": "a" * 501}, "query"),
    ({"query": "x", "top_k": 0}, "top_k"),
    ({"query": "x", "top_k": -1}, "top_k"),
    ({"query": "x", "top_k": 10**9}, "top_k"),
    ({"query": "x", "top_k": "abc"}, "top_k"),
    ({"query": "x", "top_k": 2.5}, "top_k"),
    ({"query": "x", "mode": "fuzzy"}, "mode"),
    ({"query": "x", "cities": "铁岭"}, "cities"),
    ({"query": "x", "history": ["earlier"] * 1000}, "history"),
    ({"query": "x", "history": ["a" * 501]}, "history[0]"),
    ({"query": "x", "colour": "red"}, "colour"),
    ({}, "query"),
])
def test_invalid_parameters_name_the_field(client, payload, field):
    resp = client.post(URL, json=payload)
    assert resp.status_code == 422
    body = resp.json()
    assert body["message"].startswith(f"{field}:"), body["message"]
    assert body["detail"] and {"loc", "msg", "type"} <= set(body["detail"][0])


def test_history_limit_is_named(client):
    resp = client.post(URL, json={"query": "x", "history": ["earlier"] * 1000})
    assert "at most 20 earlier turns" in resp.json()["message"]


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x", "top_k": "abc"}, {"q": "x", "top_k": 51}, {}])
def test_get_form_validates_too(client, params):
    assert client.get(URL, params=params).status_code == 422


@pytest.mark.parametrize("content, headers", [
    (b'{"query": "x",', {"content-type": "application/json"}),  # malformed JSON
    (b"query=x", {"content-type": "application/x-www-form-urlencoded"}),  # wrong content type
    (b"query", {"content-type": "text/plain"}),
    (b'{"query": "\xff\xfe\xb0"}', {"content-type": "application/json"}),  # not UTF-8
    (b"", {"content-type": "application/json"}),
    (b"[1, 2]", {"content-type": "application/json"}),
    (b"null", {"content-type": "application/json"}),
])
def test_unreadable_bodies_are_client_errors(client, content, headers):
    resp = client.post(URL, content=content, headers=headers)
    assert 400 <= resp.status_code < 500, resp.text
    assert "message" in resp.json()


def test_oversized_body_is_413(client):
    resp = client.post(URL, json={"query": "x", "history": ["y" * 1000] * 300})
    assert resp.status_code == 413
    assert "limit" in resp.json()["message"]


def test_documented_example_is_a_real_response(client):
    """docs/API.md and the OpenAPI example show what the server really answers (score included)."""
    import json
    import re
    from pathlib import Path

    from assistant.api.schemas import EXAMPLE_CHUNK, SearchResult

    docs = (Path(__file__).resolve().parents[4] / "docs" / "API.md").read_text(encoding="utf-8")
    block = re.search(r"### `POST /api/v1/search`.*?```json\n(.*?)```", docs, re.S).group(1)
    documented = json.loads(block)["results"][0]
    real = client.post(URL, json={"query": "铁岭 2025年城镇清洁取暖率", "top_k": 3}).json()["results"][0]
    for field in ("chunk_id", "doc_id", "city", "section", "section_path", "citation", "highlight", "score"):
        assert documented[field] == real[field], field
    example = SearchResult.model_json_schema()["examples"][0]
    for field in ("chunk_id", "section", "citation", "score"):
        assert example[field] == real[field] == (EXAMPLE_CHUNK.get(field, real[field])), field
