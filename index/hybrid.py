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

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from corpus.text import bigrams
from index.fusion import reciprocal_rank_fusion, score_fusion
from index.types import MODES, Filters, Hit, Mode, Retriever

# The defaults of `RetrievalSettings` (chosen on the training split by eval.tuning; see the
# README's retrieval protocol). Candidates each ranker contributes before fusion (and that
# rerankers see):
DEPTH = 50
# Weighted RRF: score = sum_i w_i / (k + rank_i).
RRF_K = 5
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 0.5

Fusion = Literal["rrf", "score"]
FUSIONS: tuple[str, ...] = ("rrf", "score")


@dataclass(frozen=True)
class RetrievalSettings:
    """Every choice of the retrieval pipeline, in one typed record. The defaults are the
    settings chosen on the training split (eval.tuning); leave-one-city-out folds choose
    their own on four cities. `index.hybrid.for_mode`, `index.engine.SearchIndex.search`
    and `assistant.service.Assistant` all take one.

    - fusion: "rrf" (weighted reciprocal rank fusion, k = rrf_k) or "score" (each list's
      scores min-max normalised over its own candidates, weighted sum; a chunk missing from
      a list gets 0 from it).
    - bm25_weight / dense_weight: the first-stage weights.
    - dense_boost: query-adaptive fusion. The dense weight used for one query is
      dense_weight + dense_boost * (1 - coverage), where coverage is the share of the query's
      character bigrams found in BM25's first hit: when BM25's best chunk shares little of
      the question's wording (a paraphrase), dense speaks louder.
    - expansion_weight: BM25 weight of synonym expansion terms relative to the query's own
      terms (index.bm25.BM25Retriever.retrieve_expanded); 0 disables expansion.
    - target_weight / sentence_weight / clause_weight: the second-stage rankers'
      (assistant.rankers) weights in the final fusion; clause_depth: how many fused
      candidates the clause reranker reads.
    """

    fusion: Fusion = "rrf"
    rrf_k: int = RRF_K
    depth: int = DEPTH
    bm25_weight: float = BM25_WEIGHT
    dense_weight: float = DENSE_WEIGHT
    dense_boost: float = 0.0
    expansion_weight: float = 0.6
    target_weight: float = 1.5
    sentence_weight: float = 1.5
    clause_weight: float = 0.0
    clause_depth: int = 30

    def __post_init__(self) -> None:
        if self.fusion not in FUSIONS:
            raise ValueError(f"unknown fusion {self.fusion!r}; choose from {', '.join(FUSIONS)}")
        if self.rrf_k < 0 or self.depth < 1 or self.clause_depth < 1:
            raise ValueError("rrf_k must be >= 0, depth and clause_depth >= 1")
        weights = (self.bm25_weight, self.dense_weight, self.dense_boost, self.expansion_weight,
                   self.target_weight, self.sentence_weight, self.clause_weight)
        if any(w < 0 for w in weights):
            raise ValueError("weights must be >= 0")

    def replace(self, **changes: Any) -> "RetrievalSettings":
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "RetrievalSettings":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


DEFAULT_SETTINGS = RetrievalSettings()


@dataclass(frozen=True)
class Query:
    """What the rankers read. `text` is the question as searched (matching text, cities
    removed once a filter holds them); `lexical` is BM25's text (e.g. `text` plus synonym
    expansions), `text` when empty; `expansions` are terms BM25 adds at a lower weight
    (`RetrievalSettings.expansion_weight`) when its retriever can weight terms."""

    text: str
    lexical: str = ""
    expansions: tuple[str, ...] = ()

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
    """A retriever fed the lexical side of the query (BM25). Expansion terms are weighted
    by `expansion_weight` when the retriever offers `retrieve_expanded` (the local BM25);
    otherwise they are appended to the text at full weight."""

    retriever: Retriever
    name: str = "bm25"
    expansion_weight: float = 0.6

    def rank(self, query: Query, depth: int, filters: Filters) -> list[Hit]:
        expanded = getattr(self.retriever, "retrieve_expanded", None)
        if expanded is not None and query.expansions:
            return expanded(query.lexical_text, query.expansions, self.expansion_weight, depth, filters)
        if query.expansions and self.expansion_weight > 0:
            return self.retriever.retrieve(" ".join((query.lexical_text, *query.expansions)), depth, filters)
        return self.retriever.retrieve(query.lexical_text, depth, filters)


@dataclass(frozen=True)
class SemanticRanker:
    """A retriever fed the question text itself (dense: synonyms would only blur the vector)."""

    retriever: Retriever
    name: str = "dense"

    def rank(self, query: Query, depth: int, filters: Filters) -> list[Hit]:
        return self.retriever.retrieve(query.text, depth, filters)


def coverage(query: str, chunk_text: str) -> float:
    """Share of the query's character bigrams found in `chunk_text` (0 for an empty query)."""
    wanted = set(bigrams(query))
    if not wanted:
        return 0.0
    return len(wanted & set(bigrams(chunk_text))) / len(wanted)


class HybridRetriever:
    """Fusion (`settings.fusion`) over `rankers`, then over their lists plus the `rerankers'`
    lists. A ranker named "dense" next to a ranker named "bm25" gets the query-adaptive
    weight of `settings.dense_boost`."""

    def __init__(
        self,
        rankers: Sequence[Weighted[Ranker]],
        rerankers: Sequence[Weighted[Reranker]] = (),
        rrf_k: int | None = None,
        depth: int | None = None,
        settings: RetrievalSettings | None = None,
    ) -> None:
        if not rankers:
            raise ValueError("a hybrid retriever needs at least one ranker")
        settings = settings or DEFAULT_SETTINGS
        if rrf_k is not None and rrf_k != settings.rrf_k:
            settings = settings.replace(rrf_k=rrf_k)
        if depth is not None and depth != settings.depth:
            settings = settings.replace(depth=depth)
        self.settings = settings
        self.rankers = tuple(rankers)
        self.rerankers = tuple(rerankers)
        self.rrf_k = settings.rrf_k
        self.depth = settings.depth

    def _fuse(self, lists: Sequence[Sequence[Hit]], weights: Sequence[float], top_k: int | None = None) -> list[Hit]:
        if self.settings.fusion == "score":
            return score_fusion(lists, weights=weights, top_k=top_k)
        return reciprocal_rank_fusion(lists, k=self.rrf_k, weights=weights, top_k=top_k)

    def _weights(self, query: Query, lists: Sequence[Sequence[Hit]]) -> list[float]:
        """The rankers' weights for this query (dense raised when BM25's first hit covers
        little of the question, `RetrievalSettings.dense_boost`)."""
        weights = [r.weight for r in self.rankers]
        boost = self.settings.dense_boost
        names = [r.part.name for r in self.rankers]
        if boost > 0 and "bm25" in names and "dense" in names:
            top = lists[names.index("bm25")]
            cover = coverage(query.text, top[0].chunk.search_text or top[0].chunk.match_text) if top else 0.0
            weights[names.index("dense")] += boost * (1.0 - cover)
        return weights

    def search(self, query: Query, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Best-first hits for `query` among the chunks `filters` accepts."""
        if top_k <= 0 or not query.text.strip():
            return []
        filters = filters or Filters()
        depth = max(self.depth, top_k)
        if len(self.rankers) == 1 and not self.rerankers:
            return self.rankers[0].part.rank(query, top_k, filters)[:top_k]
        lists = [r.part.rank(query, depth, filters) for r in self.rankers]
        weights = self._weights(query, lists)
        if self.rerankers:
            base = self._fuse(lists, weights)
            for r in self.rerankers:
                if r.weight > 0:
                    lists.append(r.part.rerank(query, base, filters, depth))
                    weights.append(r.weight)
        return self._fuse(lists, weights, top_k)

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
    rrf_k: int | None = None,
    depth: int | None = None,
    settings: RetrievalSettings | None = None,
) -> HybridRetriever:
    """The pipeline of one retrieval mode: bm25 / dense alone, or hybrid (both, fused, then
    `rerankers`). Rerankers apply to hybrid only: the single-retriever modes are baselines.
    `settings` (default: `DEFAULT_SETTINGS`) holds weights, fusion, depth; `rrf_k` / `depth`
    override it."""
    mode = check_mode(mode)
    s = settings or DEFAULT_SETTINGS
    lexical: Weighted[Ranker] = Weighted(LexicalRanker(bm25, expansion_weight=s.expansion_weight), s.bm25_weight)
    semantic: Weighted[Ranker] = Weighted(SemanticRanker(dense), s.dense_weight)
    if mode == "bm25":
        return HybridRetriever([lexical], rrf_k=rrf_k, depth=depth, settings=s)
    if mode == "dense":
        return HybridRetriever([semantic], rrf_k=rrf_k, depth=depth, settings=s)
    return HybridRetriever([lexical, semantic], rerankers, rrf_k=rrf_k, depth=depth, settings=s)
