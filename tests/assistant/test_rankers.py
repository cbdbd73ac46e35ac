"""Second-stage rankers on the real corpus and embedder: the clause reranker reads the
answering clause; the target ranking keeps the candidates it cannot read."""
from __future__ import annotations

import pytest

from assistant.rankers import ClauseReranker, TargetReranker
from index.hybrid import Query
from index.types import Filters

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("question,city,mark", [
    ("农田里多薄的塑料薄膜不准用", "安顺市", "0.01mm"),
    ("饭馆的油烟治理有什么要求", "安顺市", "油烟净化"),
    ("炼焦厂的废热回收有什么要求", "定州市", "余热回收一体化"),
])
def test_clause_similarity_puts_the_answering_clause_first(search_index, question, city, mark):
    reranker = ClauseReranker(search_index.embedder, search_index.clause_vectors, 30)
    filters = Filters(cities=(city,))
    candidates = search_index.search(question, "hybrid", 30, filters)
    ranked = reranker.rerank(Query(question), candidates, filters, 30)
    assert len(ranked) == min(30, len(candidates))
    assert mark in ranked[0].chunk.text
    assert ranked[0].score >= ranked[-1].score and ranked[0].source == "clauses"


def test_clause_reranker_reads_only_its_depth(search_index):
    reranker = ClauseReranker(search_index.embedder, search_index.clause_vectors, 5)
    candidates = search_index.search("细颗粒物和臭氧协同治理", "hybrid", 20, Filters(cities=("安阳市",)))
    ranked = reranker.rerank(Query("细颗粒物和臭氧协同治理"), candidates, Filters(), 20)
    assert {h.chunk.chunk_id for h in ranked} == {h.chunk.chunk_id for h in candidates[:5]}


def test_target_ranking_keeps_every_candidate(search_index):
    """A chunk whose figure the target grammar misses is not dropped from the target ranking
    (it would get nothing from a list weighted 1.5): it follows, in first-stage order."""
    from assistant.service import Assistant

    assistant = Assistant(search_index)
    q = assistant.reader.question("安顺到2025年单位地区生产总值能耗要下降多少？")
    filters = Filters(cities=("安顺市",))
    candidates = search_index.search(q.resolved, "hybrid", 40, filters)
    ranked = TargetReranker(q, search_index.chunks, assistant.retrieval.targets_by_chunk).rerank(
        Query(q.resolved), candidates, filters, 50)
    ids = [h.chunk.chunk_id for h in ranked]
    assert set(ids) >= {h.chunk.chunk_id for h in candidates}
    assert len(ids) == len(set(ids))
    assert "下降13%以上" in ranked[0].chunk.text  # the stated figure first
