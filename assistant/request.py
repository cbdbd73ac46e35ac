"""A request read once: the question in its conversation, the places and documents it may
draw on, and the retrieval mode, typed (`Request`), before anything is searched.

read = the mode checked (index.hybrid.check_mode) -> the follow-up resolved into a
self-contained question and analysed (assistant.conversation: places, year, indicators, kind,
expansions; the words a topic may be made of are the corpus's vocabulary and the lexicon) ->
its topic and the parts it asks for (assistant.understanding) -> the places given resolved to
the documents' full names (corpus.places) -> the documents the filters let through
(index.filters). Everything after reads the `Request`; nothing reads the question again.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.conversation import resolve
from assistant.model import QueryAnalysis, Question
from assistant.understanding import asked_parts, city_names, topic_of
from corpus.hierarchy import strip_places
from corpus.model import DocumentMeta
from corpus.places import resolve_city
from corpus.text import fold, matching
from index.filters import matching_documents
from index.hybrid import check_mode
from index.lexicon import synonym_groups, user_words
from index.protocol import SearchBackend
from index.types import Filters


@dataclass(frozen=True)
class Request:
    """One question as the assistant serves it."""

    question: Question
    cities: tuple[str, ...]  # places given by the caller (the chat page's filter), full names
    mode: str  # bm25 | dense | hybrid
    filters: Filters | None
    documents: tuple[DocumentMeta, ...]  # those the filters let through (all without filters)
    all_cities: tuple[str, ...]  # the places of those documents
    empty: bool  # nothing was asked (blank, or punctuation only)


class RequestReader:
    """Reads requests against one backend's documents and vocabulary."""

    def __init__(self, index: SearchBackend) -> None:
        self.index = index
        self._known_words: tuple[object, frozenset[str]] | None = None

    def _known(self) -> Callable[[str], bool]:
        """Words known to the corpus (its vocabulary) or the lexicon, for follow-ups."""
        words = self.index.vocabulary()
        if self._known_words is None or self._known_words[0] is not words:
            lexicon = {fold(t) for g in synonym_groups() for t in g} | {fold(w) for w in user_words()}
            self._known_words = (words, frozenset(words) | lexicon)
        return self._known_words[1].__contains__

    def question(self, query: str, history: Sequence[object] = ()) -> Question:
        """The question read in its conversation (an empty analysis for a blank question)."""
        if not matching(query or ""):
            return Question(query or "", "", QueryAnalysis(text=""), "")
        documents = self.index.documents
        resolved, analysis = resolve(query, history, documents, self._known())
        topic = topic_of(matching(resolved), documents)
        parts = asked_parts(matching(resolved), documents)
        search_text = strip_places(matching(resolved), documents) or matching(resolved)
        return Question(text=query, resolved=resolved, analysis=analysis, topic=topic, parts=parts,
                        search_text=search_text)

    def read(self, query: str, history: Sequence[object] = (), cities: Sequence[str] = (),
             mode: str = "hybrid", filters: Filters | None = None) -> Request:
        """The request typed; ValueError for an unknown mode, FilterError for an unknown filter value."""
        check_mode(mode)
        documents = self.index.documents
        known = city_names(documents)
        given = tuple(dict.fromkeys(resolve_city(name, known) or name for name in cities))
        passing = documents
        if filters is not None and (filters.has_metadata or filters.doc_ids or filters.cities):
            passing = tuple(matching_documents(filters, documents))
        question = self.question(query, history)
        return Request(question=question, cities=given, mode=mode, filters=filters, documents=tuple(passing),
                       all_cities=city_names(passing), empty=not question.analysis.text)
