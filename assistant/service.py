"""The Assistant facade used by the CLI, the API, the chat page and the eval harness.

search = resolve the conversation (assistant.conversation) -> the metadata filters resolved to
documents (index.filters) -> restrict to the places asked (the `cities` given, else the places
the question names, corpus.hierarchy: 安阳 -> 安阳市's documents and its counties') ->
the one hybrid retriever of the mode (`index.hybrid.for_mode`), fed
  - BM25: the resolved question plus its synonym expansions,
  - dense: the resolved question,
  - in hybrid mode, the assistant's second-stage rankers (`assistant.rankers`).
answer = search -> extractive composition with citations (`assistant.answer`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from assistant.answer import DEFAULT_OPTIONS, ComposeOptions, compose
from assistant.conversation import resolve
from assistant.leads import note_leads, note_ocr, own_hits
from assistant.metadata import asked_fields, metadata_answer
from assistant.model import Answer, Question, QueryAnalysis, SearchOutcome
from assistant.rankers import ClauseReranker, rerankers_for
from assistant.target_model import Target
from assistant.targets import extract_targets
from assistant.understanding import asked_parts, city_names, topic_of
from corpus.hierarchy import scope, strip_places
from corpus.model import Chunk, DocumentMeta
from corpus.places import resolve_city
from corpus.text import fold, matching
from index.clause_vectors import ClauseVectors
from assistant.naming import named_documents
from index.filters import has_place, matching_documents, resolve as resolve_filters
from index.hybrid import DEFAULT_SETTINGS, Query, RetrievalSettings, check_mode, for_mode
from index.types import Filters, Hit, SearchBackend

ANSWER_DEPTH = 20  # hits an answer may draw on (figures can sit below the first page)
LISTED_DEPTH = 3  # per place, for a question across places (QueryAnalysis.listed)


def _clause_reranker(index: SearchBackend, settings: RetrievalSettings) -> ClauseReranker | None:
    """The clause reranker over the backend's embedder (None when it has none, e.g. a
    backend that embeds remotely); clause vectors are cached in its data directory."""
    embedder = getattr(index, "embedder", None) or getattr(index.dense, "embedder", None)
    if embedder is None or not hasattr(embedder, "embed_passages"):
        return None
    vectors = getattr(index, "clause_vectors", None)
    if not isinstance(vectors, ClauseVectors):
        vectors = ClauseVectors(embedder, getattr(index, "data_dir", None))
    return ClauseReranker(embedder, vectors, settings.clause_depth)


def after_headings(q: Question, hits: Sequence[Hit]) -> list[Hit]:
    """For a figure or comparison question, headings after the other hits, each group in its
    order: a title or a section heading ("2022年能源工作指导意见", "二、主要目标") or a table's
    header row names what follows and states no figure; its words match a question naming the
    document, and it would be served before the paragraph that answers. A question about the
    document itself (its date, issuer …: assistant.metadata) may be answered by its title."""
    if q.analysis.kind not in ("figure", "comparison") or asked_fields(q):
        return list(hits)
    return [h for h in hits if h.chunk.kind != "heading"] + [h for h in hits if h.chunk.kind == "heading"]


def _interleave(per_place: Sequence[Sequence[Hit]], top_k: int) -> list[Hit]:
    """The first `top_k` hits of the places' rankings taken round by round, each round best
    first (a place whose plan states nothing comes after those that do), each chunk once."""
    hits: list[Hit] = []
    seen: set[str] = set()
    for rank in range(max((len(r) for r in per_place), default=0)):
        round_ = sorted((r[rank] for r in per_place if rank < len(r)), key=lambda h: -h.score)
        for hit in round_:
            if hit.chunk.chunk_id not in seen:
                seen.add(hit.chunk.chunk_id)
                hits.append(hit)
        if len(hits) >= top_k:
            break
    return hits[:top_k]


class Assistant:
    """Question answering over a `SearchBackend` (the local `index.engine.SearchIndex`)."""

    def __init__(self, index: SearchBackend, settings: RetrievalSettings | None = None) -> None:
        self.index = index
        self.settings = settings or DEFAULT_SETTINGS
        self._clauses = _clause_reranker(index, self.settings)
        self._known_words: tuple[object, frozenset[str]] | None = None
        self._chunks_seen: tuple[Chunk, ...] | None = None
        self._targets_by_chunk: dict[str, list[Target]] = {}
        self._targeted: tuple[Chunk, ...] = ()  # chunks with targets, in reading order
        self._silent_for: tuple[Chunk, ...] | None = None  # chunks `_silent` was counted over
        self._silent = 0
        # Question-clause similarity for answer composition: the clause reranker's vectors (one
        # cache), or the index's own embedder when there is no reranker.
        embedder = getattr(index, "embedder", None)
        self._vectors = (self._clauses.vectors if self._clauses is not None else
                         ClauseVectors(embedder, getattr(index, "data_dir", None)) if embedder is not None else None)
        self.compose_options: ComposeOptions = DEFAULT_OPTIONS
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
        # what the target reranker reads: a chunk without targets never ranks there
        self._targeted = tuple(c for c in chunks if c.chunk_id in by_chunk)

    @property
    def targets(self) -> list[Target]:
        self._refresh_targets()
        return [t for ts in self._targets_by_chunk.values() for t in ts]

    @property
    def cities(self) -> tuple[str, ...]:
        return city_names(self.index.documents)

    # --- search --------------------------------------------------------------

    def _cities(self, names: Iterable[str]) -> tuple[str, ...]:
        """Known full names for user-given names (铁岭 / 铁岭市); unknown names pass through."""
        return tuple(dict.fromkeys(resolve_city(name, self.cities) or name for name in names))

    def _rank(self, q: Question, filters: Filters, mode: str, top_k: int) -> list[Hit]:
        resolved = matching(q.resolved)
        core = strip_places(resolved, self.index.documents) or resolved
        query = Query(text=core, expansions=q.analysis.expansions)
        rerankers = rerankers_for(q, self._targeted, self._targets_by_chunk, self.settings, self._clauses)
        pipeline = for_mode(mode, self.index.bm25, self.index.dense, rerankers, settings=self.settings)
        # Leads with no clause of their own are dropped: ask for that many more.
        return own_hits(pipeline.search(query, top_k + self._silent_leads(), filters))[:top_k]

    def _silent_leads(self) -> int:
        chunks = self.index.chunks
        if self._silent_for is not chunks:
            self._silent_for = chunks
            self._silent = sum(1 for c in chunks if c.kind == "lead" and not c.sentences)
        return self._silent

    def _known(self) -> Callable[[str], bool] | None:
        """Words known to the corpus (BM25's vocabulary) or the lexicon, for follow-ups; None
        (the conversation's default) when the backend's BM25 exposes no vocabulary."""
        vocabulary = getattr(self.index.bm25, "vocabulary", None)
        if not callable(vocabulary):
            return None
        words = vocabulary()
        if self._known_words is None or self._known_words[0] is not words:
            from index.lexicon import synonym_groups, user_words

            lexicon = {fold(t) for g in synonym_groups() for t in g} | {fold(w) for w in user_words()}
            self._known_words = (words, frozenset(words) | lexicon)
        return self._known_words[1].__contains__

    def _question(self, query: str, history: Sequence[object]) -> Question:
        resolved, analysis = resolve(query, history, self.index.documents, self._known())
        topic = topic_of(matching(resolved), self.index.documents)
        parts = asked_parts(matching(resolved), self.index.documents)
        return Question(text=query, resolved=resolved, analysis=analysis, topic=topic, parts=parts)

    def _documents(self, filters: Filters | None) -> list[DocumentMeta]:
        """The documents `filters` lets through (index.filters; all without filters)."""
        documents = list(self.index.documents)
        if filters is None or not (filters.has_metadata or filters.doc_ids or filters.cities):
            return documents
        return matching_documents(filters, documents)

    def _scopes(self, q: Question, cities: Sequence[str], filters: Filters | None) -> list[Filters]:
        """One filter per place searched (each is ranked on its own, then interleaved): the
        metadata filters resolved to documents (index.filters), narrowed to each city given, or
        when neither they nor `cities` name places, to each place the question names
        (corpus.hierarchy.scope). [] when no document passes the filters."""
        documents = self.index.documents
        base = resolve_filters(filters, documents)
        if base is None:
            return []
        given = self._cities(cities)
        if given:
            return [replace(base, cities=(city,)) for city in given]
        if has_place(filters):
            return [base]
        ids = set(base.doc_ids)
        passing = [d for d in documents if not ids or d.doc_id in ids]
        if q.analysis.listed:  # "河南各市…": each listed place's own documents
            listed = [d for d in passing if d.city in q.analysis.listed]
            # "各省可再生能源发展规划中…": of each place, the documents the question names
            named = {n.doc_id for n in named_documents(q.resolved, listed, every=True)}
            if len(named) == len(listed):
                named = set()
            own = [tuple(d.doc_id for d in listed if d.city == place and (not named or d.doc_id in named))
                   for place in q.analysis.listed]
            return [replace(base, doc_ids=doc_ids) for doc_ids in own if doc_ids] or [base]
        scopes = [found for place in q.analysis.places if (found := scope(place, passing)) is not None]
        wanted = list(dict.fromkeys(found.doc_ids for found in scopes))
        return [replace(base, doc_ids=doc_ids) for doc_ids in wanted] or [base]

    def _named(self, q: Question, scope: Filters) -> tuple[str, ...]:
        """The documents inside `scope` the question names by title (assistant.naming), when
        they are not the whole scope; () otherwise."""
        inside = [d for d in self.index.documents
                  if (not scope.doc_ids or d.doc_id in scope.doc_ids) and (not scope.cities or d.city in scope.cities)]
        named = {n.doc_id for n in named_documents(q.resolved, inside)}
        ids = tuple(d.doc_id for d in inside if d.doc_id in named)
        return ids if ids and len(ids) < len(inside) else ()

    def _search(self, q: Question, top_k: int, cities: Sequence[str], mode: str,
                filters: Filters | None = None) -> list[Hit]:
        check_mode(mode)
        self._refresh_targets()
        scopes = self._scopes(q, cities, filters)
        if len(scopes) == 1 and (named := self._named(q, scopes[0])):
            # The documents the question names first, then the rest of the places searched.
            first = self._rank(q, replace(scopes[0], doc_ids=named), mode, top_k)
            hits = _interleave([first + self._rank(q, scopes[0], mode, top_k)], top_k)
        elif len(scopes) <= 1:
            hits = self._rank(q, scopes[0], mode, top_k) if scopes else []
        else:
            # One ranking per place, interleaved, so that every compared place is represented.
            # The interleaving reads each place's first top_k / places hits: each place is
            # ranked that deep (LISTED_DEPTH for "河南各市…" across many places), deeper only
            # when places fall short of it (few chunks, or chunks two places share).
            share = -(-top_k // len(scopes))
            per_place = [self._rank(q, f, mode, share) for f in scopes]
            hits = _interleave(per_place, top_k)
            if len(hits) < top_k and any(len(r) == share for r in per_place):
                per_place = [self._rank(q, f, mode, top_k) if len(r) == share else r
                             for f, r in zip(scopes, per_place)]
                hits = _interleave(per_place, top_k)
        # Headings after the paragraphs, once the places' rankings are merged (after_headings).
        return [replace(h, source="assistant") for h in after_headings(q, hits)]

    def search(
        self,
        query: str,
        history: Sequence[object] = (),
        top_k: int = 10,
        cities: Sequence[str] = (),
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> SearchOutcome:
        """Best-first clauses for `query` read in the context of the earlier user turns, among
        the documents `filters` lets through (index.filters; FilterError for an unknown value)."""
        if not matching(query or ""):
            raise ValueError("empty query")
        q = self._question(query, history)
        hits = self._search(q, top_k, cities, mode, filters) if top_k > 0 else []
        hits = self._metadata_first(q, hits, cities, top_k, filters)
        return SearchOutcome(query=query, resolved_query=q.resolved, analysis=q.analysis,
                             hits=tuple(hits))

    def _metadata_first(self, q: Question, hits: list[Hit], cities: Sequence[str], top_k: int,
                        filters: Filters | None = None) -> list[Hit]:
        """For a metadata question (文号, 印发日期 …), the lines its answer cites come first:
        search serves what the answer quotes (assistant.metadata)."""
        about = metadata_answer(q, self._documents(filters), self.index.document_chunks, self._cities(cities))
        if about is None or not about.citations or top_k <= 0:
            return hits
        cited = [Hit(chunk=c.chunk, score=1.0, source="assistant") for c in about.citations]
        ids = {h.chunk.chunk_id for h in cited}
        return (cited + [h for h in hits if h.chunk.chunk_id not in ids])[:top_k]

    # --- answer --------------------------------------------------------------

    def answer(
        self,
        question: str,
        history: Sequence[object] = (),
        cities: Sequence[str] = (),
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> Answer:
        """An extractive answer with numbered citations (see assistant.answer).

        `cities` restricts retrieval (the chat page's filter) and overrides places named in the
        question; so do the places of `filters` (its other fields narrow the documents and
        leave the question's places to apply); `mode` picks the retrieval mode behind the answer."""
        if not matching(question or ""):
            empty = QueryAnalysis(text="")
            return compose(Question(question or "", "", empty, ""), (), {})
        return self._answers(self._question(question, history), cities, mode, (self.compose_options,), filters)[0]

    def answer_variants(
        self,
        question: str,
        history: Sequence[object] = (),
        cities: Sequence[str] = (),
        mode: str = "hybrid",
        options: Sequence[ComposeOptions] = (DEFAULT_OPTIONS,),
        filters: Filters | None = None,
    ) -> list[Answer]:
        """The answer composed under each of `options` from one retrieval (the eval's
        leave-one-city-out choice of composer settings, eval.answer_loco)."""
        if not matching(question or ""):
            return [self.answer(question, history, cities, mode, filters)] * len(options)
        return self._answers(self._question(question, history), cities, mode, options, filters)

    def _answers(self, q: Question, cities: Sequence[str], mode: str, options: Sequence[ComposeOptions],
                 filters: Filters | None) -> list[Answer]:
        """The answers to the question read once (`_question`), under each of `options`: the
        document's own fields for a metadata question, else composed from one retrieval."""
        documents = self._documents(filters)
        about_document = metadata_answer(q, documents, self.index.document_chunks, self._cities(cities))
        if about_document is not None:  # 文号 / 印发日期 / 依据的文件 …: the document's own fields
            return [about_document] * len(options)
        # a question across places draws on every place's best hits
        hits = self._search(q, max(ANSWER_DEPTH, LISTED_DEPTH * len(q.analysis.listed)), cities, mode, filters)
        return [note_ocr(note_leads(compose(
            q,
            hits,
            self._targets_by_chunk,
            all_cities=city_names(documents),
            following=lambda chunk: self.index.neighbours(chunk.chunk_id, before=0, after=1),
            vectors=self._vectors,
            options=option,
        ))) for option in options]
