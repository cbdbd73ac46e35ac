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


# --- RetrievalSettings, score fusion, query-adaptive dense weight, weighted expansions ---------

from index.fusion import score_fusion  # noqa: E402
from index.hybrid import DEFAULT_SETTINGS, LexicalRanker, RetrievalSettings  # noqa: E402


def test_settings_validate_and_round_trip():
    with pytest.raises(ValueError, match="fusion"):
        RetrievalSettings(fusion="max")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weights"):
        RetrievalSettings(dense_weight=-1)
    custom = DEFAULT_SETTINGS.replace(fusion="score", dense_boost=1.0)
    assert RetrievalSettings.from_dict(custom.as_dict()) == custom
    assert RetrievalSettings.from_dict({"unknown": 1}) == DEFAULT_SETTINGS


def test_score_fusion_normalises_each_list():
    big = [Hit(CHUNKS["a"], 100.0, "x"), Hit(CHUNKS["b"], 50.0, "x"), Hit(CHUNKS["c"], 0.0, "x")]
    small = [Hit(CHUNKS["c"], 4.0, "y"), Hit(CHUNKS["b"], 2.0, "y"), Hit(CHUNKS["a"], 0.0, "y")]
    fused = score_fusion([big, small], weights=[1.0, 1.0])
    # a: 1 + 0, b: 0.5 + 0.5, c: 0 + 1 -> ties keep first appearance; raw 100s do not dominate
    assert [h.chunk.chunk_id for h in fused] == ["a", "b", "c"]
    assert [round(h.score, 6) for h in fused] == [1.0, 1.0, 1.0]
    fused = score_fusion([big, small], weights=[1.0, 2.0])
    assert [h.chunk.chunk_id for h in fused] == ["c", "b", "a"]


def test_dense_speaks_louder_when_bm25s_first_hit_shares_little_with_the_question():
    bm25, dense = ListRetriever("abc", []), ListRetriever("cab", [])
    plain = for_mode("hybrid", bm25, dense).search(Query("问题"), top_k=3)
    assert plain[0].chunk.chunk_id == "a"  # BM25 (weight 1) over dense (0.5)
    boosted = for_mode("hybrid", bm25, dense, settings=DEFAULT_SETTINGS.replace(dense_boost=2.0))
    # BM25's first chunk ("a") holds none of the question's bigrams: dense weight 0.5 + 2.0
    assert boosted.search(Query("问题"), top_k=3)[0].chunk.chunk_id == "c"
    # ... but not when it covers the question: chunk "a" reads "a", the query too
    assert boosted.search(Query("a"), top_k=3)[0].chunk.chunk_id == "a"


@dataclass
class ExpandingRetriever(ListRetriever):
    def retrieve_expanded(self, query, expansions, weight, top_k=10, filters=None):
        self.asked.append((f"{query}+{'/'.join(expansions)}@{weight}", top_k))
        return [Hit(CHUNKS[c], 1.0, "list") for c in self.order][:top_k]


def test_expansions_are_weighted_when_the_retriever_can_and_appended_otherwise():
    weighted = ExpandingRetriever("abc", [])
    LexicalRanker(weighted, expansion_weight=0.3).rank(Query("问", expansions=("同义",)), 5, Filters())
    assert weighted.asked[-1] == ("问+同义@0.3", 5)
    plain = ListRetriever("abc", [])
    LexicalRanker(plain, expansion_weight=0.3).rank(Query("问", expansions=("同义",)), 5, Filters())
    assert plain.asked[-1] == ("问 同义", 5)
    LexicalRanker(plain, expansion_weight=0.0).rank(Query("问", expansions=("同义",)), 5, Filters())
    assert plain.asked[-1] == ("问", 5)


def test_a_zero_weight_reranker_is_not_run():
    calls = []

    @dataclass(frozen=True)
    class Counting:
        name: str = "counting"

        def rerank(self, query, candidates, filters, depth):
            calls.append(1)
            return list(candidates)

    for_mode("hybrid", ListRetriever("abc", []), ListRetriever("cab", []), [Weighted(Counting(), 0.0)]).search(Query("问"), 3)
    assert calls == []
