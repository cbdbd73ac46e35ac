"""Whose figure: the places an answer speaks for (those the question names, those compared,
else the place whose document states the asked figure best)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answering.clauses import admits, area_qualifiers, candidate_clauses, qualifiers
from assistant.answering.evidence import accepted_clauses, coverage, indicator_terms, score_clauses, target_match
from assistant.answering.settings import AnswerSettings
from assistant.model import Question
from assistant.target_model import Target
from corpus.language import ASKS_WHEN
from corpus.text import fold
from index.clause_vectors import ClauseVectors
from index.types import Hit


def _scored_best(q: Question, city: str, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]],
                 settings: AnswerSettings) -> tuple[float, Target, Hit] | None:
    """The target of `city` among the hits that best states what was asked, with its score."""
    best: tuple[float, Target, Hit] | None = None
    for rank, hit in enumerate(h for h in hits if h.chunk.city == city):
        section = hit.chunk.section[-1] if hit.chunk.section else ""
        for target in targets.get(hit.chunk.chunk_id, ()):
            match = target_match(target, q, section, settings)
            if match < settings.match_threshold:
                continue
            score = match + 0.3 / (rank + 1)  # retrieval order breaks near-ties
            if best is None or score > best[0]:
                best = (score, target, hit)
    if best is None and not indicator_terms(q) and q.topic:
        # No recognised indicator: accept the clause of the best hits that shares most of the
        # question's wording ("庄稼秸秆回收利用的比例" ~ "秸秆综合利用率稳定在93%以上").
        for rank, hit in enumerate([h for h in hits if h.chunk.city == city][:2]):
            for target in targets.get(hit.chunk.chunk_id, ()):
                score = coverage(q.topic, target.clause) + 0.1 / (rank + 1)
                if coverage(q.topic, target.clause) >= settings.loose_threshold and (best is None or score > best[0]):
                    best = (score, target, hit)
    return best


def place_hits(hits: Sequence[Hit], city: str) -> list[Hit]:
    """The hits of one place, in their order."""
    return [h for h in hits if h.chunk.city == city]


def answer_places(q: Question, hits: Sequence[Hit], all_cities: Sequence[str],
                  targets: Mapping[str, Sequence[Target]], vectors: ClauseVectors | None,
                  settings: AnswerSettings) -> tuple[str, ...]:
    """The places the answer speaks for: those the question names; for a comparison, those it
    lists (else every place); for a figure question naming none, the place of the best-ranked
    hit stating the asked figure by name or wording (`_evidence_place`), else the place whose
    targets state it best; else the first hit's place."""
    if q.analysis.kind == "figure" and not q.analysis.cities and hits:
        found = _evidence_place(q, hits, targets, vectors, settings)
        if found:
            return found
    return _named_places(q, hits, all_cities, targets, settings)


def _named_places(q: Question, hits: Sequence[Hit], all_cities: Sequence[str],
                  targets: Mapping[str, Sequence[Target]], settings: AnswerSettings) -> tuple[str, ...]:
    if q.analysis.cities:
        return q.analysis.cities
    if q.analysis.kind == "comparison":
        return q.analysis.listed or tuple(all_cities)
    if not hits:
        return ()
    if q.analysis.kind == "figure":
        # No city named (e.g. a county): the city whose plan states the best-matching figure.
        scored = [(found[0], city) for city in dict.fromkeys(h.chunk.city for h in hits)
                  if (found := _scored_best(q, city, hits, targets, settings))]
        if scored:
            return (max(scored)[1],)
    return (hits[0].chunk.city,)


def _evidence_place(q: Question, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]],
                   vectors: ClauseVectors | None, settings: AnswerSettings) -> tuple[str, ...]:
    """No city named (a county, a river basin): the city of the best-ranked hit holding a
    clause that states the asked figure by name or wording (not by similarity alone)."""
    named = qualifiers(q) + area_qualifiers(q, targets, {h.chunk.city for h in hits})
    when = bool(ASKS_WHEN.search(q.analysis.text))
    for hit in hits[: settings.candidate_depth]:
        scored = score_clauses(q, candidate_clauses([hit], targets, 1), vectors, settings)
        admitted = [s for s in scored if admits(s.clause, named, fold(q.analysis.text))]
        if any(s.lexical >= settings.accept for s in accepted_clauses(q, admitted, when, settings)):
            return (hit.chunk.city,)
    return ()
