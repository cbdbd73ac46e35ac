"""THE answer to a question from its retrieved hits: relevance, the places answered for, the
composer of the question's kind, the checks every answer passes, the notes on its sources.

compose = relevant? (answering.relevance) -> whose figure (answering.places) -> one composer per
answer kind: figure and comparison (answering.figures), responsibility (answering.responsibility),
measure (answering.measures) -> every figure of the text found in a citation
(answering.citations.figures_supported; else the measure answer, which quotes and asserts
nothing) -> notes for quotes from a news lead or OCR'd text (answering.citations).
Questions about a document itself (文号, 印发日期 …) are answered before retrieval, from its
fields (answering.document).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answering.citations import EMPTY_TEXT, NOT_FOUND_TEXT, figures_supported, note_leads, note_ocr
from assistant.answering.figures import figure_answer
from assistant.answering.measures import measure_answer
from assistant.answering.places import answer_places
from assistant.answering.relevance import relevant
from assistant.answering.responsibility import Following, responsibility_answer
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS, AnswerSettings
from assistant.model import Answer, Question
from assistant.target_model import Target
from index.clause_vectors import ClauseVectors
from index.types import Hit


def compose(
    q: Question,
    hits: Sequence[Hit],
    targets: Mapping[str, Sequence[Target]],
    all_cities: Sequence[str] = (),
    following: Following | None = None,
    vectors: ClauseVectors | None = None,
    settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS,
) -> Answer:
    """The answer to `q` from best-first `hits`; `targets` maps chunk ids to their targets."""
    if not q.analysis.text:
        return Answer(question=q.text, resolved_query="", kind="empty", text=EMPTY_TEXT)
    if not hits or not relevant(q, hits, vectors=vectors, settings=settings):
        return Answer(question=q.text, resolved_query=q.resolved, kind="not_found", text=NOT_FOUND_TEXT)
    cities = answer_places(q, hits, all_cities, targets, vectors, settings)
    kind = q.analysis.kind
    if kind in ("figure", "comparison"):
        answer = figure_answer(q, hits, targets, cities, vectors, settings)
    elif kind == "responsibility":
        answer = responsibility_answer(q, hits, cities, following)
    else:
        answer = measure_answer(q, hits, cities, vectors)
    if not answer.text or not figures_supported(answer):
        # Defensive: never show a number the citations do not contain.
        answer = measure_answer(q, hits, cities, vectors)
    return note_ocr(note_leads(answer))
