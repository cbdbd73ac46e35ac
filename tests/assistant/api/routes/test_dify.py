"""Dify External Knowledge API, sent as Dify sends it (POST {endpoint}/retrieval with a bearer
key) to a real server on loopback: records, knowledge ids, metadata conditions, the spec's errors."""
from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app

from ..conftest import DIFY_KEY, make_settings

pytestmark = pytest.mark.slow

ENDPOINT = "/api/v1/dify"  # what a user registers in Dify; Dify appends /retrieval
TIELING_CLAUSE = "城镇清洁取暖率达到70%以上"


@pytest.fixture(scope="module")
def dify(live_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, timeout=60, headers={"Authorization": f"Bearer {DIFY_KEY}"}) as http:
        yield http


def _retrieve(http: httpx.Client, knowledge_id: str, query: str, top_k: int = 5, threshold: float = 0.0,
              **extra) -> httpx.Response:
    body = {"knowledge_id": knowledge_id, "query": query,
            "retrieval_setting": {"top_k": top_k, "score_threshold": threshold}, **extra}
    return http.post(f"{ENDPOINT}/retrieval", json=body)


def test_city_knowledge_returns_the_clause_first(dify):
    resp = _retrieve(dify, "铁岭", "2025年城镇清洁取暖率", top_k=3, threshold=0.5)
    assert resp.status_code == 200
    records = resp.json()["records"]
    assert 1 <= len(records) <= 3
    first = records[0]
    assert set(first) == {"content", "score", "title", "metadata"}
    assert TIELING_CLAUSE in first["content"] and first["score"] == 1.0
    assert first["title"] == "铁岭市“十四五”节能减排综合工作方案"
    meta = first["metadata"]
    assert meta["city"] == "铁岭市" and meta["doc_id"] == "tieling"
    assert meta["citation"] == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"
    assert {"chunk_id", "section", "section_path", "highlight"} <= set(meta)
    assert all(r["metadata"]["city"] == "铁岭市" and 0.5 <= r["score"] <= 1.0 for r in records)
    assert [r["score"] for r in records] == sorted((r["score"] for r in records), reverse=True)


def test_knowledge_ids_name_a_city_a_document_or_all(dify):
    for knowledge_id in ("铁岭市", "tieling", "all"):
        records = _retrieve(dify, knowledge_id, "铁岭 2025年城镇清洁取暖率", top_k=2).json()["records"]
        assert TIELING_CLAUSE in records[0]["content"], knowledge_id
    other = _retrieve(dify, "anyang", "城镇清洁取暖", top_k=4).json()["records"]
    assert other and all(r["metadata"]["doc_id"] == "anyang" for r in other)


def test_same_ranking_as_the_search_endpoint(dify):
    records = _retrieve(dify, "安阳", "清洁取暖", top_k=5).json()["records"]
    native = dify.post("/api/v1/search", json={"query": "清洁取暖", "cities": ["安阳"], "top_k": 5}).json()
    assert [r["metadata"]["chunk_id"] for r in records] == [r["chunk_id"] for r in native["results"]]


def test_threshold_and_top_k_bound_the_records(dify):
    loose = _retrieve(dify, "all", "清洁取暖", top_k=8, threshold=0.0).json()["records"]
    strict = _retrieve(dify, "all", "清洁取暖", top_k=8, threshold=0.9).json()["records"]
    assert len(loose) == 8 and 1 <= len(strict) < len(loose)
    assert all(r["score"] >= 0.9 for r in strict)
    assert len(_retrieve(dify, "all", "清洁取暖", top_k=500).json()["records"]) == 50  # read as at most 50


@pytest.mark.parametrize("conditions, logical, cities", [
    ([{"name": "city", "comparison_operator": "in", "value": ["铁岭", "安阳"]}], "and", {"铁岭市", "安阳市"}),
    ([{"name": "city", "comparison_operator": "is", "value": "安顺"}], "and", {"安顺市"}),
    ([{"name": "city", "comparison_operator": "contains", "value": "门峡"}], "and", {"三门峡市"}),
    ([{"name": "doc_id", "comparison_operator": "is", "value": "dingzhou"},
      {"name": "city", "comparison_operator": "is", "value": "铁岭"}], "or", {"定州市", "铁岭市"}),
    ([{"name": "city", "comparison_operator": "not in", "value": ["铁岭", "安阳", "安顺"]}], "and", {"三门峡市", "定州市"}),
])
def test_metadata_conditions_filter_by_city_and_doc_id(dify, conditions, logical, cities):
    condition = {"logical_operator": logical, "conditions": conditions}
    records = _retrieve(dify, "all", "清洁取暖", top_k=20, metadata_condition=condition).json()["records"]
    assert records and {r["metadata"]["city"] for r in records} <= cities
    assert {r["metadata"]["city"] for r in records} == cities  # every allowed plan has a clause on it


def test_nothing_matches_gives_empty_records(dify):
    condition = {"conditions": [{"name": "city", "comparison_operator": "is", "value": "铁岭"}]}
    resp = _retrieve(dify, "anyang", "清洁取暖", metadata_condition=condition)
    assert resp.status_code == 200 and resp.json() == {"records": []}
    assert _retrieve(dify, "all", "？？！！").json() == {"records": []}


@pytest.mark.parametrize("headers, code", [
    ({}, 1001),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, 1001),
    ({"Authorization": "Bearer"}, 1001),
    ({"Authorization": "Bearer wrong-key-0123456789"}, 1002),
])
def test_bad_authorization_is_403_with_the_spec_codes(live_url, headers, code):
    body = {"knowledge_id": "铁岭", "query": "清洁取暖", "retrieval_setting": {"top_k": 3, "score_threshold": 0.5}}
    resp = httpx.post(f"{live_url}{ENDPOINT}/retrieval", json=body, headers=headers, timeout=30)
    assert resp.status_code == 403
    assert resp.json()["error_code"] == code and resp.json()["error_msg"]


def test_unknown_knowledge_is_404_2001(dify):
    resp = _retrieve(dify, "火星", "清洁取暖")
    assert resp.status_code == 404
    assert resp.json()["error_code"] == 2001 and "铁岭市" in resp.json()["error_msg"]


@pytest.mark.parametrize("body, field", [
    ({"knowledge_id": "铁岭", "query": "清洁取暖"}, "retrieval_setting"),
    ({"knowledge_id": "铁岭", "query": "  ", "retrieval_setting": {"top_k": 3, "score_threshold": 0}}, "query"),
    ({"knowledge_id": "铁岭", "query": "x", "retrieval_setting": {"top_k": 0, "score_threshold": 0}}, "top_k"),
    ({"knowledge_id": "铁岭", "query": "x", "retrieval_setting": {"top_k": 3, "score_threshold": 2}},
     "score_threshold"),
    ({"knowledge_id": "all", "query": "x", "retrieval_setting": {"top_k": 3, "score_threshold": 0},
      "metadata_condition": {"conditions": [{"name": "author", "comparison_operator": "is", "value": "x"}]}},
     "name"),
    ({"knowledge_id": "all", "query": "x", "retrieval_setting": {"top_k": 3, "score_threshold": 0},
      "metadata_condition": {"conditions": [{"name": "city", "comparison_operator": "is"}]}}, "value"),
])
def test_invalid_requests_are_422_in_the_same_shape(dify, body, field):
    resp = dify.post(f"{ENDPOINT}/retrieval", json=body)
    assert resp.status_code == 422
    assert resp.json()["error_code"] == 422 and field in resp.json()["error_msg"]


def test_without_a_configured_key_no_authorization_is_needed(search_index):
    client = TestClient(create_app(make_settings(), index=search_index))
    body = {"knowledge_id": "铁岭", "query": "2025年城镇清洁取暖率", "retrieval_setting": {"top_k": 1, "score_threshold": 0}}
    resp = client.post(f"{ENDPOINT}/retrieval", json=body)
    assert resp.status_code == 200 and TIELING_CLAUSE in resp.json()["records"][0]["content"]
