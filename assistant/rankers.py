"""The assistant's second-stage rankers (`index.hybrid.Reranker`): evidence that a chunk
answers the question, beyond what BM25 and dense see. They are fused with the first-stage
rankings in the one hybrid retriever (`index.hybrid.HybridRetriever`), each at the weight
`index.hybrid.RetrievalSettings` (in `answering.settings.AnswerSettings`) gives it (chosen on the training split, eval.tuning).

- `TargetReranker` (figure and comparison questions): chunks whose extracted targets state a
  figure for the asked indicator, best match first, then the candidates that at least name
  it, then every other candidate in first-stage order. The last part matters: the target
  grammar (assistant.targets) misses some figures, and a chunk left out of this list would
  get nothing from a heavily weighted ranking, i.e. be demoted below every chunk the grammar
  does read; kept in first-stage order it only loses ground to better evidence.
- `SentenceReranker` (other questions): the candidates re-ordered by their best single
  sentence's share of the question's topic (the answer to a measure question is one
  sentence, which paragraph-level scores dilute), synonyms read as their canonical name on
  both sides (a sentence written with the plan's abbreviation is not demoted).
- `ClauseReranker` (every question, when the backend has an embedder): the first
  `clause_depth` candidates re-ordered by their best clause's dense similarity to the
  question (index.clause_vectors): semantic evidence at the granularity of the answer,
  which neither the paragraph-level BM25 nor the 300-character dense windows have. No
  Chinese cross-encoder is packaged on the registries this project installs from, so the
  reranker is built from the embedder the index already has.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answering.evidence import coverage, target_match
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS, AnswerSettings
from assistant.model import Question
from assistant.target_model import Target
from assistant.understanding import canonical_terms, group_of
from corpus.model import Chunk
from corpus.text import fold, matching
from index.clause_vectors import ClauseVectors
from index.embedders import Embedder
from index.hybrid import DEFAULT_SETTINGS, Query, Reranker, Weighted
from index.types import Filters, Hit

@dataclass(frozen=True)
class TargetReranker:
    question: Question
    chunks: Sequence[Chunk]  # those with targets (any others are skipped), in reading order
    targets: Mapping[str, Sequence[Target]]  # chunk id -> its targets
    settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS
    name: str = "targets"

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]:
        q = self.question
        accepts = filters.predicate()
        scored: list[tuple[float, int, Hit]] = []
        for i, chunk in enumerate(self.chunks):
            if not accepts(chunk):
                continue
            section = chunk.section[-1] if chunk.section else ""
            found = self.targets.get(chunk.chunk_id, ())
            best = max((target_match(t, q, section, self.settings) for t in found), default=0.0)
            if best >= self.settings.match_threshold:
                scored.append((-best, i, Hit(chunk=chunk, score=best, source=self.name)))
        ranking = [hit for _, _, hit in sorted(scored, key=lambda s: (s[0], s[1]))][:depth]
        ranked = {h.chunk.chunk_id for h in ranking}
        groups = [tuple(fold(t) for t in group_of(name)) for name in q.analysis.indicators]
        mentions, rest = [], []
        for order, hit in enumerate(candidates):
            if hit.chunk.chunk_id in ranked:
                continue
            text = fold(hit.chunk.text)
            named = sum(any(t in text for t in group) for group in groups) if groups else 0
            if named:
                mentions.append((-named, order, hit))  # naming more of what was asked first
            else:
                rest.append(hit)
        n = max(len(groups), 1)
        ranking += [Hit(chunk=hit.chunk, score=self.settings.match_threshold * -neg / (n + 1), source=self.name)
                    for neg, _, hit in sorted(mentions, key=lambda m: (m[0], m[1]))]
        ranking += [Hit(chunk=hit.chunk, score=0.0, source=self.name) for hit in rest]
        return ranking


@dataclass(frozen=True)
class SentenceReranker:
    question: Question
    name: str = "sentences"

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]:
        # Synonyms count as the same words (canonical names on both sides): a sentence that
        # writes "PM2.5和O3" covers a question about "细颗粒物和臭氧".
        topic = canonical_terms(matching(self.question.topic))

        def best(hit: Hit) -> float:
            return max((coverage(topic, canonical_terms(matching(s))) for s in hit.chunk.sentences), default=0.0)

        scored = sorted(((best(h), i, h) for i, h in enumerate(candidates)), key=lambda item: (-item[0], item[1]))
        return [Hit(chunk=h.chunk, score=s, source=self.name) for s, _, h in scored]


@dataclass(frozen=True)
class ClauseReranker:
    """The first `clause_depth` candidates by their best clause's cosine with the question."""

    embedder: Embedder
    vectors: ClauseVectors
    clause_depth: int = DEFAULT_SETTINGS.clause_depth
    name: str = "clauses"

    def rerank(self, query: Query, candidates: Sequence[Hit], filters: Filters, depth: int) -> list[Hit]:
        head = list(candidates[: self.clause_depth])
        if not head or not query.text.strip():
            return []
        vector = self.embedder.embed_queries([query.text])[0]
        sims = self.vectors.best(vector, [h.chunk for h in head])
        scored = sorted(((s, i, h) for i, (s, h) in enumerate(zip(sims, head))), key=lambda item: (-item[0], item[1]))
        return [Hit(chunk=h.chunk, score=s, source=self.name) for s, _, h in scored]


def rerankers_for(
    q: Question,
    chunks: Sequence[Chunk],
    targets: Mapping[str, Sequence[Target]],
    settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS,
    clauses: ClauseReranker | None = None,
) -> list[Weighted[Reranker]]:
    """The second stage for `q`: figures for figure and comparison questions, the best
    sentence for the others (none when the question has no topic); the clause reranker
    (when given) for every question."""
    out: list[Weighted[Reranker]] = []
    retrieval = settings.retrieval
    if q.analysis.kind in ("figure", "comparison"):
        out.append(Weighted(TargetReranker(q, chunks, targets, settings), retrieval.target_weight))
    elif q.topic:
        out.append(Weighted(SentenceReranker(q), retrieval.sentence_weight))
    if clauses is not None and retrieval.clause_weight > 0:
        if clauses.clause_depth != retrieval.clause_depth:
            clauses = ClauseReranker(clauses.embedder, clauses.vectors, retrieval.clause_depth)
        out.append(Weighted(clauses, retrieval.clause_weight))
    return out
