"""Whether the retrieved text is about what was asked: lexical evidence first, dense evidence
(the clause most like the question standing out from the deeper hits) when the question's words
are not the plan's."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.answering.evidence import coverage, indicator_terms
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS, AnswerSettings
from assistant.model import Question
from corpus.text import fold
from index.clause_vectors import ClauseVectors, chunk_clauses
from index.types import Hit


def relevant(q: Question, hits: Sequence[Hit], depth: int = 3, vectors: ClauseVectors | None = None,
             settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> bool:
    """Whether the best retrieved chunks are about what was asked: lexical evidence (an asked
    indicator's term, or enough of the topic's bigrams), else, with `vectors`, dense evidence
    (`dense_relevance`): a question in everyday words shares few characters with its clause."""
    terms = indicator_terms(q)
    for hit in hits[:depth]:
        read = hit.chunk.search_text or hit.chunk.text  # a table row: read with its header
        text = fold(read)
        if terms and any(t in text for t in terms):
            return True
        if q.topic and coverage(q.topic, read) >= settings.relevance_threshold:
            return True
    return vectors is not None and dense_relevance(q, hits, vectors, depth, settings) >= settings.dense_relevance


def dense_relevance(q: Question, hits: Sequence[Hit], vectors: ClauseVectors, depth: int = 3,
                    settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> float:
    """The question's best clause cosine among the first `depth` hits plus that cosine's margin
    over the median clause of the background hits (`AnswerSettings.dense_background`: 11-20): on-topic questions have a clause
    that stands out from the deeper hits, off-topic ones are about equally far from all.
    0 without hits."""
    top = [c for h in hits[:depth] for c in chunk_clauses(h.chunk)]
    if not top:
        return 0.0
    best = float(vectors.similarities(q.resolved, top).max())
    deep = [c for h in hits[settings.background] for c in chunk_clauses(h.chunk)]
    background = float(np.median(vectors.similarities(q.resolved, deep))) if deep else best
    return best + (best - background)
