"""The one hybrid retriever: modes as choices of rankers, weighted RRF, second-stage rerankers."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from corpus.model import Chunk
from index.fusion import reciprocal_rank_fusion
from index.hybrid import DEPTH, RRF_K, HybridRetriever, Query, Weighted, check_mode, for_mode
from index.types import MODES, Filters, Hit


def _chunk(cid: str, city: str = "安顺市") -> Chunk:
    return Chunk(chunk_id=cid, doc_id="t", city=city, province="", title="t", section=(), section_path="",
                 paragraph=1, section_paragraph=1, text=cid, match_text=cid, start=0, end=len(cid),
                 sentences=(cid,))


CHUNKS = {cid: _chunk(cid, "铁岭市" if cid == "e" else "安顺市") for cid in "abcde"}


@dataclass
class ListRetriever:
    """A retriever that returns a fixed order and records what it was asked."""

    order: str
    asked: list[tuple[str, int]]

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        self.asked.append((query, top_k))
        hits = [Hit(CHUNKS[c], 1.0 / (i + 1), "list") for i, c in enumerate(self.order)]
        return [h for h in hits if (filters or Filters()).accepts(h.chunk)][:top_k]


@dataclass(frozen=True)
class Reverse:
    name: str = "reverse"

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]:
        return list(reversed(candidates))


def test_single_modes_return_the_retrievers_own_list_and_scores():
    bm25, dense = ListRetriever("abc", []), ListRetriever("cba", [])
    hits = for_mode("bm25", bm25, dense).search(Query("问", lexical="问 同义"), top_k=2)
    assert [h.chunk.chunk_id for h in hits] == ["a", "b"] and hits[0].score == 1.0
    assert bm25.asked == [("问 同义", 2)] and dense.asked == []  # bm25 reads the lexical side
    hits = for_mode("dense", bm25, dense).search(Query("问", lexical="问 同义"), top_k=2)
    assert [h.chunk.chunk_id for h in hits] == ["c", "b"] and dense.asked == [("问", 2)]


def test_hybrid_is_weighted_rrf_of_both_at_depth():
    bm25, dense = ListRetriever("abcd", []), ListRetriever("dcba", [])
    hits = for_mode("hybrid", bm25, dense).search(Query("问"), top_k=3)
    expected = reciprocal_rank_fusion([bm25.retrieve("", 99), dense.retrieve("", 99)], k=RRF_K,
                                      weights=(1.0, 0.5), top_k=3)
    assert [h.chunk.chunk_id for h in hits] == [h.chunk.chunk_id for h in expected]
    assert all(h.source == "hybrid" for h in hits)
    assert bm25.asked[0] == ("问", DEPTH) and dense.asked[0] == ("问", DEPTH)


def test_rerankers_see_the_fused_candidates_and_vote_in_the_same_fusion():
    bm25, dense = ListRetriever("abcd", []), ListRetriever("abcd", [])
    plain = for_mode("hybrid", bm25, dense).search(Query("问"), top_k=4)
    reranked = for_mode("hybrid", bm25, dense, [Weighted(Reverse(), 10.0)]).search(Query("问"), top_k=4)
    assert [h.chunk.chunk_id for h in plain] == list("abcd")
    assert [h.chunk.chunk_id for h in reranked] == list("dcba")  # a heavy reranker decides


def test_filters_reach_every_ranker():
    bm25, dense = ListRetriever("abcde", []), ListRetriever("edcba", [])
    hits = for_mode("hybrid", bm25, dense).search(Query("问"), 5, Filters(cities=("铁岭市",)))
    assert [h.chunk.chunk_id for h in hits] == ["e"]


def test_empty_queries_and_bad_modes():
    bm25 = ListRetriever("abc", [])
    assert for_mode("hybrid", bm25, bm25).search(Query("  "), 5) == []
    assert for_mode("hybrid", bm25, bm25).search(Query("问"), 0) == []
    assert HybridRetriever([Weighted(_Lex(bm25), 1.0)]).retrieve("问", 2)[0].chunk.chunk_id == "a"
    with pytest.raises(ValueError, match="choose from bm25, dense, hybrid"):
        check_mode("sparse")
    with pytest.raises(ValueError):
        HybridRetriever([])
    assert MODES == ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class _Lex:
    retriever: ListRetriever
    name: str = "lex"

    def rank(self, query: Query, depth: int, filters: Filters) -> list[Hit]:
        return self.retriever.retrieve(query.lexical_text, depth, filters)
