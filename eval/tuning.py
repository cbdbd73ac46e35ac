"""Choosing `index.hybrid.RetrievalSettings` on training questions only.

Protocol (README, "Retrieval accuracy"):
- the defaults in `index.hybrid.RetrievalSettings` are the settings this module chooses on
  the whole training split (`python -m eval tune` prints them; the test split is never read);
- leave-one-city-out (LOCO): for each of the five cities C, settings are chosen on the
  training questions none of whose cities is C, then every question whose cities include C
  (train and test side) is scored with them. A cross-city question is in the fold of each of
  its cities, so the pooled LOCO figure counts it once per fold.

Search is cheap to repeat once retrieval is cached: `CachedBackend` wraps an index and
memoises the BM25 and dense retrievers' answers per (query, depth, filters), so every
setting re-runs only fusion, the second-stage rankers and query understanding over the same
first-stage lists (exactly what an uncached run computes). Selection is coordinate ascent
over `GRID` from the current defaults (each parameter in turn, best value kept, two passes),
memoising each visited setting's per-question ranks, so folds share most of the work.
The objective is mean Hit@1 + mean Recall@5 + 0.5 * MRR@10 (the gated metrics first).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.model import Chunk, DocumentMeta
from eval.questions import Question
from eval.split import Split
from index.hybrid import DEFAULT_SETTINGS, RetrievalSettings
from index.types import Filters, Hit, Retriever

FOLDS: tuple[str, ...] = ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市")
FETCH = 64  # a cached retrieval asks for at least this many hits and serves prefixes

# The values coordinate ascent tries per parameter (per mode family: see `grid_for`).
GRID: dict[str, tuple[Any, ...]] = {
    "fusion": ("rrf", "score"),
    "rrf_k": (5, 20, 60),
    "dense_weight": (0.5, 0.8, 1.0),
    "dense_boost": (0.0, 0.5, 1.0, 2.0),
    "expansion_weight": (0.0, 0.3, 0.6, 1.0),
    "target_weight": (0.5, 1.0, 1.5),
    "sentence_weight": (0.5, 1.0, 1.5),
    "clause_weight": (0.0, 0.5, 1.0, 1.5),
}
_FAMILY_PARAMS = {
    "hybrid": tuple(GRID),
    "bm25": ("expansion_weight",),
    "dense": (),
    "plain-hybrid": ("fusion", "rrf_k", "dense_weight", "dense_boost"),
    "plain-bm25": (),
    "plain-dense": (),
}


def grid_for(mode: str) -> dict[str, tuple[Any, ...]]:
    """The parameters that matter for `mode` (an empty grid: nothing to choose)."""
    return {name: GRID[name] for name in _FAMILY_PARAMS.get(mode, ())}


class CachedRetriever:
    """A retriever whose answers are memoised per (query, depth, filters) (exact: a deeper
    answer's prefix is the shallower answer)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._memo: dict[tuple[Any, ...], tuple[list[Hit], int]] = {}
        if hasattr(inner, "retrieve_expanded"):
            self.retrieve_expanded = self._retrieve_expanded

    def __getattr__(self, name: str) -> Any:  # embedder, chunks ... of the wrapped retriever
        return getattr(self.inner, name)

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        key = ("plain", query, filters)
        return self._get(key, top_k, lambda n: self.inner.retrieve(query, n, filters))

    def _retrieve_expanded(self, query: str, expansions: Sequence[str], weight: float, top_k: int = 10,
                           filters: Filters | None = None) -> list[Hit]:
        key = ("expanded", query, tuple(expansions), weight, filters)
        return self._get(key, top_k, lambda n: self.inner.retrieve_expanded(query, expansions, weight, n, filters))

    def _get(self, key: tuple[Any, ...], top_k: int, fetch: Callable[[int], list[Hit]]) -> list[Hit]:
        have = self._memo.get(key)
        if have is None or have[1] < top_k:
            n = max(top_k, FETCH)
            have = (fetch(n), n)
            self._memo[key] = have
        return have[0][:top_k]


class CachedBackend:
    """A `SearchBackend` over `index` whose retrievers are cached (`CachedRetriever`)."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self._bm25 = CachedRetriever(index.bm25)
        self._dense = CachedRetriever(index.dense)

    def __getattr__(self, name: str) -> Any:  # embedder, data_dir, clause_vectors, manifest ...
        return getattr(self.index, name)

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self.index.chunks

    @property
    def documents(self) -> tuple[DocumentMeta, ...]:
        return self.index.documents

    @property
    def bm25(self) -> Retriever:
        return self._bm25

    @property
    def dense(self) -> Retriever:
        return self._dense

    def get_chunk(self, chunk_id: str) -> Chunk:
        return self.index.get_chunk(chunk_id)

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> tuple[Chunk, ...]:
        return self.index.neighbours(chunk_id, before, after)

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]:
        return self.index.document_chunks(doc_id)

    def search(self, query: str, mode: str = "hybrid", top_k: int = 10, filters: Filters | None = None,
               settings: RetrievalSettings | None = None, **kwargs: Any) -> list[Hit]:
        """`SearchIndex.search` over the cached retrievers."""
        from index.engine import plain_search

        return plain_search(self, query, mode, top_k, filters, settings=settings, **kwargs)


# --- quick per-question scores -------------------------------------------------------------

Ranks = tuple[int | None, ...]


def quick_scores(ranks: Ranks) -> tuple[float, float, float]:
    """(Hit@1, Recall@5, RR@10) from one question's gold ranks (eval.metrics' definitions:
    Hit@1 wants all n golds in the top n; RR is the first gold's reciprocal rank)."""
    from eval.metrics import hit_at

    found = [r for r in ranks if r is not None]
    hit1 = float(hit_at(ranks, 1))
    recall5 = sum(1 for r in found if r <= 5) / len(ranks) if ranks else 0.0
    first = min((r for r in found if r <= 10), default=None)
    return hit1, recall5, (1.0 / first if first else 0.0)


def objective(rows: Iterable[Any]) -> float:
    """Mean Hit@1 + mean Recall@5 + 0.5 * mean RR@10 over runs (objects with `gold_ranks`)."""
    rows = list(rows)
    if not rows:
        return 0.0
    totals = [0.0, 0.0, 0.0]
    for run in rows:
        for i, v in enumerate(quick_scores(tuple(run.gold_ranks))):
            totals[i] += v
    n = len(rows)
    return totals[0] / n + totals[1] / n + 0.5 * totals[2] / n


# settings, questions -> qid -> that question's run (eval.runner.QuestionRun: chunks, gold ranks)
RankFn = Callable[[RetrievalSettings, Sequence[Question]], dict[str, Any]]


@dataclass
class Tuner:
    """Coordinate ascent for one mode, memoising every visited setting's ranks per question."""

    mode: str
    rank: RankFn
    start: RetrievalSettings = DEFAULT_SETTINGS
    passes: int = 2
    memo: dict[RetrievalSettings, dict[str, Any]] = field(default_factory=dict)

    def ranks(self, settings: RetrievalSettings, questions: Sequence[Question]) -> dict[str, Any]:
        have = self.memo.setdefault(settings, {})
        todo = [q for q in questions if q.id not in have]
        if todo:
            have.update(self.rank(settings, todo))
        return {q.id: have[q.id] for q in questions}

    def score(self, settings: RetrievalSettings, questions: Sequence[Question]) -> float:
        return objective(self.ranks(settings, questions).values())

    def choose(self, questions: Sequence[Question]) -> tuple[RetrievalSettings, float]:
        """The best setting found for `questions` (ties keep the earlier, i.e. the start)."""
        grid = grid_for(self.mode)
        best = self.start
        best_score = self.score(best, questions)
        if not questions:
            return best, best_score
        for _ in range(self.passes):
            improved = False
            for name, values in grid.items():
                for value in values:
                    if getattr(best, name) == value:
                        continue
                    candidate = best.replace(**{name: value})
                    s = self.score(candidate, questions)
                    if s > best_score + 1e-9:
                        best, best_score, improved = candidate, s, True
            if not improved:
                break
        return best, best_score


def fold_train(questions: Sequence[Question], split: Split, city: str) -> tuple[Question, ...]:
    """The training questions of a LOCO fold: train side, none of whose cities is `city`."""
    return tuple(q for q in split.select(questions, "train") if city not in q.cities)


def fold_questions(questions: Sequence[Question], city: str) -> tuple[Question, ...]:
    """The questions a LOCO fold scores: every question whose cities include `city`."""
    return tuple(q for q in questions if city in q.cities)


def settings_diff(settings: RetrievalSettings, base: RetrievalSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """The fields of `settings` that differ from `base`."""
    a, b = settings.as_dict(), base.as_dict()
    return {k: v for k, v in a.items() if b.get(k) != v}
