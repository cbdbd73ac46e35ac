"""Metadata filters on the HTTP routes (TestClient over documents of every level): POST
/api/v1/search and /api/v1/chat `filters`, Dify's `metadata_condition` and a place as
knowledge_id, and the 422s for values that name nothing."""
from __future__ import annotations

import pytest

from tests.assistant.api.conftest import DIFY_KEY
from tests.filter_cases import CASE_IDS, CHAT_QUESTION, FILTER_CASES, SEARCH_QUERY

pytestmark = pytest.mark.slow
DIFY = {"Authorization": f"Bearer {DIFY_KEY}"}


@pytest.mark.parametrize("filters, places", FILTER_CASES, ids=CASE_IDS)
def test_search_filters(levels_client, filters, places):
    resp = levels_client.post("/api/v1/search", json={"query": SEARCH_QUERY, "top_k": 50, "filters": filters})
    assert resp.status_code == 200, resp.text
    assert {r["city"] for r in resp.json()["results"]} == places  # only and every place passing


@pytest.mark.parametrize("filters, places", FILTER_CASES, ids=CASE_IDS)
def test_chat_filters(levels_client, filters, places):
    body = {"messages": [{"role": "user", "content": CHAT_QUESTION}], "filters": filters}
    resp = levels_client.post("/api/v1/chat", json=body)
    assert resp.status_code == 200, resp.text
    cited = {c["city"] for c in resp.json()["citations"]}
    assert cited and cited <= places


def test_without_filters_a_question_is_scoped_to_the_places_it_names(levels_client):
    def places(query: str) -> set[str]:
        return {r["city"] for r in levels_client.post("/api/v1/search", json={"query": query, "top_k": 50}).json()["results"]}

    assert places("安阳 节能降碳 能耗") == {"安阳市"}
    assert places("河南 节能降碳 能耗") == {"河南省", "安阳市", "三门峡市"}
    assert places("国家 节能降碳 能耗") == {"全国"}
    assert places("上海 节能降碳 能耗") == {"上海市", "徐汇区"}
    # A place filter overrides the places the question names; other filters narrow within them.
    body = {"query": "安阳 节能降碳 能耗", "top_k": 50}
    assert {r["city"] for r in levels_client.post(
        "/api/v1/search", json={**body, "filters": {"city": "上海"}}).json()["results"]} == {"上海市", "徐汇区"}
    assert {r["city"] for r in levels_client.post(
        "/api/v1/search", json={**body, "filters": {"level": "市"}}).json()["results"]} == {"安阳市"}
    assert levels_client.post("/api/v1/search", json={**body, "filters": {"year": 1999}}).json()["results"] == []


@pytest.mark.parametrize("filters, field, words", [
    ({"level": "乡"}, "filters.level", "国家"),
    ({"year": "2022"}, "filters.year", "integer"),  # a JSON string is not a year
    ({"year": 2022.5}, "filters.year", "integer"),
    ({"year": 3000}, "filters.year", "2100"),
    ({"province": "火星"}, "filters.province", "unknown province '火星'"),
    ({"province": "安阳"}, "filters.province", "unknown province"),
    ({"city": "火星"}, "filters.city", "unknown city '火星'"),
    ({"doc_type": "小说"}, "filters.doc_type", "unknown kind '小说'"),
    ({"kind": "方案"}, "filters.kind", "Extra inputs"),  # a misspelt field is refused, not ignored
])
def test_bad_filters_are_422_naming_the_field(levels_client, filters, field, words):
    for path, body in (("/api/v1/search", {"query": "能耗"}),
                       ("/api/v1/chat", {"messages": [{"role": "user", "content": "能耗"}]})):
        resp = levels_client.post(path, json={**body, "filters": filters})
        assert resp.status_code == 422, (path, resp.text)
        assert field in resp.json()["message"] and words in resp.json()["message"], resp.json()["message"]


def _dify(client, knowledge_id: str, conditions: list[dict] | None = None, logical: str = "and",
          query: str = SEARCH_QUERY):
    body: dict = {"knowledge_id": knowledge_id, "query": query, "retrieval_setting": {"top_k": 50, "score_threshold": 0}}
    if conditions is not None:
        body["metadata_condition"] = {"logical_operator": logical, "conditions": conditions}
    return client.post("/api/v1/dify/retrieval", json=body, headers=DIFY)


@pytest.mark.parametrize("filters, places", FILTER_CASES, ids=CASE_IDS)
def test_dify_metadata_condition_is_each_filter(levels_client, filters, places):
    (name, value), = filters.items()
    resp = _dify(levels_client, "all", [{"name": name, "comparison_operator": "is", "value": value}])
    assert resp.status_code == 200, resp.text
    assert {r["metadata"]["city"] for r in resp.json()["records"]} == places


@pytest.mark.parametrize("conditions, logical, places", [
    ([{"name": "year", "comparison_operator": "≥", "value": 2022}, {"name": "level", "comparison_operator": "is",
                                                                      "value": "国家"}], "and", {"全国"}),
    ([{"name": "year", "comparison_operator": "before", "value": "2022"}], "and", {"全国", "河南省"}),
    ([{"name": "city", "comparison_operator": "in", "value": ["安阳", "上海"]}], "and", {"安阳市", "上海市", "徐汇区"}),
    ([{"name": "province", "comparison_operator": "not in", "value": ["河南", "上海"]},
      {"name": "level", "comparison_operator": "is not", "value": "国家"}], "and", {"安顺市", "铁岭市", "定州市"}),
    ([{"name": "issuer", "comparison_operator": "is", "value": "发改委"},
      {"name": "doc_type", "comparison_operator": "is", "value": "方案"}], "or", None),  # None: see below
])
def test_dify_conditions_combine_and_compare_years(levels_client, conditions, logical, places):
    resp = _dify(levels_client, "all", conditions, logical)
    assert resp.status_code == 200, resp.text
    got = {r["metadata"]["city"] for r in resp.json()["records"]}
    if places is None:  # 发改委 (全国, 徐汇区) or a 方案 (the five cities and 河南省)
        assert got and got <= {"全国", "徐汇区", "安顺市", "三门峡市", "铁岭市", "安阳市", "定州市", "河南省"}
        assert "上海市" not in got
    else:  # some passing plans may be crowded out of the 50 best by larger ones
        assert got and got <= places and len(got) >= min(2, len(places))


def test_dify_knowledge_id_may_be_a_province(levels_client):
    resp = _dify(levels_client, "河南")
    assert resp.status_code == 200
    assert {r["metadata"]["city"] for r in resp.json()["records"]} == {"河南省", "安阳市", "三门峡市"}
    assert _dify(levels_client, "北京").json()["error_code"] == 2001  # a place holding no documents


@pytest.mark.parametrize("condition, words", [
    ({"name": "year", "comparison_operator": ">", "value": "abc"}, "whole number"),
    ({"name": "level", "comparison_operator": ">", "value": 1}, "year only"),
    ({"name": "kind", "comparison_operator": "is", "value": "方案"}, "name"),
])
def test_dify_bad_conditions_are_422(levels_client, condition, words):
    resp = _dify(levels_client, "all", [condition])
    assert resp.status_code == 422 and resp.json()["error_code"] == 422 and words in resp.json()["error_msg"]


def test_dify_unknown_values_match_nothing(levels_client):
    resp = _dify(levels_client, "all", [{"name": "province", "comparison_operator": "is", "value": "火星"}])
    assert resp.status_code == 200 and resp.json() == {"records": []}
