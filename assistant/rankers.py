"""The assistant's second-stage rankers (`index.hybrid.Reranker`): evidence that a chunk
answers the question, beyond what BM25 and dense see. They are fused with the first-stage
rankings in the one hybrid retriever (`index.hybrid.HybridRetriever`).

- `TargetReranker` (figure and comparison questions): chunks whose extracted targets state a
  figure for the asked indicator, best match first, then the candidates that at least name
  it (a clause pairing the indicator with a number outranks one that only mentions it).
- `SentenceReranker` (other questions): the candidates re-ordered by their best single
  sentence's share of the question's topic (the answer to a measure question is one
  sentence, which paragraph-level scores dilute).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.evidence import MATCH_THRESHOLD, coverage, target_match
from assistant.model import Question
from assistant.targets import Target
from assistant.understanding import group_of
from corpus.model import Chunk
from corpus.text import fold
from index.hybrid import Query, Reranker, Weighted
from index.types import Filters, Hit

TARGET_WEIGHT = 1.5  # the target ranking: a precise signal, weighted above either retriever
SENTENCE_WEIGHT = 1.5


@dataclass(frozen=True)
class TargetReranker:
    question: Question
    chunks: Sequence[Chunk]
    targets: Mapping[str, Sequence[Target]]  # chunk id -> its targets
    name: str = "targets"

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]:
        q = self.question
        scored: list[tuple[float, int, Hit]] = []
        for i, chunk in enumerate(self.chunks):
            if not filters.accepts(chunk):
                continue
            section = chunk.section[-1] if chunk.section else ""
            found = self.targets.get(chunk.chunk_id, ())
            best = max((target_match(t, q, section) for t in found), default=0.0)
            if best >= MATCH_THRESHOLD:
                scored.append((-best, i, Hit(chunk=chunk, score=best, source=self.name)))
        ranking = [hit for _, _, hit in sorted(scored, key=lambda s: (s[0], s[1]))][:depth]
        groups = [tuple(fold(t) for t in group_of(name)) for name in q.analysis.indicators]
        if groups:
            stated = {h.chunk.chunk_id for h in ranking}
            mentions = []
            for order, hit in enumerate(candidates):
                text = fold(hit.chunk.text)
                named = sum(any(t in text for t in group) for group in groups)
                if named and hit.chunk.chunk_id not in stated:
                    mentions.append((-named, order, hit))  # naming more of what was asked first
            ranking += [hit for _, _, hit in sorted(mentions, key=lambda m: (m[0], m[1]))]
        return ranking


@dataclass(frozen=True)
class SentenceReranker:
    question: Question
    name: str = "sentences"

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]:
        topic = self.question.topic

        def best(hit: Hit) -> float:
            return max((coverage(topic, s) for s in hit.chunk.sentences), default=0.0)

        scored = sorted(enumerate(candidates), key=lambda item: (-best(item[1]), item[0]))
        return [hit for _, hit in scored]


def rerankers_for(
    q: Question, chunks: Sequence[Chunk], targets: Mapping[str, Sequence[Target]]
) -> list[Weighted[Reranker]]:
    """The second stage for `q`: figures for figure and comparison questions, the best
    sentence for the others (none when the question has no topic)."""
    if q.analysis.kind in ("figure", "comparison"):
        return [Weighted(TargetReranker(q, chunks, targets), TARGET_WEIGHT)]
    if q.topic:
        return [Weighted(SentenceReranker(q), SENTENCE_WEIGHT)]
    return []
