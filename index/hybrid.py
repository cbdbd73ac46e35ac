"""The one hybrid retriever: rankers fused by weighted reciprocal rank fusion, then rerankers.

Every search in the project goes through `HybridRetriever`: `SearchIndex.search`, the
assistant (what the API and the chat page serve), the Milvus backend and the eval. A mode
is a choice of rankers (`for_mode`): bm25 alone, dense alone, or both fused. Extra evidence
(figures stated for the asked indicator, clause-level matches) plugs in as a `Reranker`: it
reads the fused first-stage candidates and returns its own ranking, which is fused with the
first-stage lists in the same weighted RRF.

    stage 1: lists_i = ranker_i.rank(query, depth, filters)
             base    = RRF(lists, weights)                      (all candidates)
    stage 2: lists  += reranker_j.rerank(query, base, filters, depth)
             hits    = RRF(lists, weights, top_k)

With one ranker and no rerankers the ranker's own list (and scores) is returned.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from index.fusion import reciprocal_rank_fusion
from index.types import MODES, Filters, Hit, Mode, Retriever

# Candidates each ranker contributes before fusion (and that rerankers see).
DEPTH = 50
# Weighted RRF. BM25 (paragraph + best passage) is the stronger retriever on these plans, so
# dense counts half and a small k lets first places decide; dense mostly breaks near-ties
# and lifts chunks BM25 misses (paraphrases) into the first page.
RRF_K = 5
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 0.5


@dataclass(frozen=True)
class Query:
    """What the rankers read. `text` is the question as searched (matching text, cities
    removed once a filter holds them); `lexical` is BM25's text (e.g. `text` plus synonym
    expansions), `text` when empty."""

    text: str
    lexical: str = ""

    @property
    def lexical_text(self) -> str:
        return self.lexical or self.text


class Ranker(Protocol):
    """A first-stage ranking of the chunks `filters` accepts, best first, at most `depth`."""

    @property
    def name(self) -> str: ...

    def rank(self, query: Query, depth: int, filters: Filters) -> list[Hit]: ...


class Reranker(Protocol):
    """A ranking built from the fused first-stage `candidates` (and any evidence of its own)."""

    @property
    def name(self) -> str: ...

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]: ...


P = TypeVar("P")


@dataclass(frozen=True)
class Weighted(Generic[P]):
    part: P
    weight: float


@dataclass(frozen=True)
class LexicalRanker:
    """A retriever fed the lexical side of the query (BM25)."""

    retriever: Retriever
    name: str = "bm25"

    def rank(self, query: Query, depth: int, filters: Filters) -> list[Hit]:
        return self.retriever.retrieve(query.lexical_text, depth, filters)


@dataclass(frozen=True)
class SemanticRanker:
    """A retriever fed the question text itself (dense: synonyms would only blur the vector)."""

    retriever: Retriever
    name: str = "dense"

    def rank(self, query: Query, depth: int, filters: Filters) -> list[Hit]:
        return self.retriever.retrieve(query.text, depth, filters)


class HybridRetriever:
    """Weighted RRF over `rankers`, then over their lists plus the `rerankers`' lists."""

    def __init__(
        self,
        rankers: Sequence[Weighted[Ranker]],
        rerankers: Sequence[Weighted[Reranker]] = (),
        rrf_k: int = RRF_K,
        depth: int = DEPTH,
    ) -> None:
        if not rankers:
            raise ValueError("a hybrid retriever needs at least one ranker")
        self.rankers = tuple(rankers)
        self.rerankers = tuple(rerankers)
        self.rrf_k = rrf_k
        self.depth = depth

    def search(self, query: Query, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Best-first hits for `query` among the chunks `filters` accepts."""
        if top_k <= 0 or not query.text.strip():
            return []
        filters = filters or Filters()
        depth = max(self.depth, top_k)
        if len(self.rankers) == 1 and not self.rerankers:
            return self.rankers[0].part.rank(query, top_k, filters)[:top_k]
        lists = [r.part.rank(query, depth, filters) for r in self.rankers]
        weights = [r.weight for r in self.rankers]
        if self.rerankers:
            base = reciprocal_rank_fusion(lists, k=self.rrf_k, weights=weights)
            for r in self.rerankers:
                lists.append(r.part.rerank(query, base, filters, depth))
                weights.append(r.weight)
        return reciprocal_rank_fusion(lists, k=self.rrf_k, weights=weights, top_k=top_k)

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """`index.types.Retriever`: a plain text query (no separate lexical side)."""
        return self.search(Query(query), top_k, filters)


def check_mode(mode: str) -> Mode:
    """`mode` as a Mode, or ValueError naming the valid ones."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
    return mode  # type: ignore[return-value]


def for_mode(
    mode: str,
    bm25: Retriever,
    dense: Retriever,
    rerankers: Sequence[Weighted[Reranker]] = (),
    rrf_k: int = RRF_K,
    depth: int = DEPTH,
) -> HybridRetriever:
    """The pipeline of one retrieval mode: bm25 / dense alone, or hybrid (both, fused, then
    `rerankers`). Rerankers apply to hybrid only: the single-retriever modes are baselines."""
    mode = check_mode(mode)
    lexical: Weighted[Ranker] = Weighted(LexicalRanker(bm25), BM25_WEIGHT)
    semantic: Weighted[Ranker] = Weighted(SemanticRanker(dense), DENSE_WEIGHT)
    if mode == "bm25":
        return HybridRetriever([lexical], rrf_k=rrf_k, depth=depth)
    if mode == "dense":
        return HybridRetriever([semantic], rrf_k=rrf_k, depth=depth)
    return HybridRetriever([lexical, semantic], rerankers, rrf_k=rrf_k, depth=depth)
