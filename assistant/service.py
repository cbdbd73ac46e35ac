"""The Assistant facade used by the CLI, the API, the chat page and the eval harness.

A question's path, each step one module, in this order:
  1. the request read once and typed (assistant.request: the follow-up resolved, the question
     analysed, the places given resolved, the documents the filters let through);
  2. a question about a document itself (文号, 印发日期 …) answered from its fields
     (answering.document), else
  3. retrieval (assistant.retrieval: the places searched, the one hybrid retriever with the
     assistant's rankers per place, merged);
  4. the answer composed from the hits (answering.compose: extractive, with citations).
Search is steps 1 and 3, with the lines a document-fact answer would cite served first.
"""
from __future__ import annotations

from collections.abc import Sequence

from assistant.answering.compose import compose
from assistant.answering.document import metadata_answer
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS, AnswerSettings
from assistant.highlight import highlights
from assistant.model import Answer, SearchOutcome
from assistant.request import Request, RequestReader
from assistant.retrieval import Retrieval
from assistant.target_model import Target
from assistant.understanding import city_names
from corpus.model import Chunk
from index.clause_vectors import ClauseVectors
from index.protocol import SearchBackend
from index.types import Filters, Hit


class Assistant:
    """Question answering over a `SearchBackend` (the local `index.engine.SearchIndex`)."""

    def __init__(self, index: SearchBackend, settings: AnswerSettings | None = None) -> None:
        self.index = index
        self.settings = settings or DEFAULT_ANSWER_SETTINGS
        self.reader = RequestReader(index)
        self.retrieval = Retrieval(index, self.settings)
        # Question-clause similarity for answer composition: the backend's clause vectors
        # (one cache with the clause reranker's).
        self.vectors: ClauseVectors | None = index.clause_vectors

    @property
    def targets(self) -> list[Target]:
        self.retrieval.refresh()
        return [t for ts in self.retrieval.targets_by_chunk.values() for t in ts]

    @property
    def cities(self) -> tuple[str, ...]:
        return city_names(self.index.documents)

    # --- search --------------------------------------------------------------

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
        request = self.reader.read(query, history, cities, mode, filters)
        if request.empty:
            raise ValueError("empty query")
        q = request.question
        hits = self.retrieval.search(request, top_k) if top_k > 0 else []
        # For a document-fact question the lines its answer cites come first: search serves
        # what the answer quotes.
        about = metadata_answer(q, request.documents, self.index.document_chunks, request.cities)
        if about is not None and about.citations and top_k > 0:
            cited = [Hit(chunk=c.chunk, score=1.0, source="assistant") for c in about.citations]
            ids = {h.chunk.chunk_id for h in cited}
            hits = (cited + [h for h in hits if h.chunk.chunk_id not in ids])[:top_k]
        return SearchOutcome(query=query, resolved_query=q.resolved, analysis=q.analysis, hits=tuple(hits),
                             highlights=highlights(hits, q.resolved))

    # --- answer --------------------------------------------------------------

    def answer(
        self,
        question: str,
        history: Sequence[object] = (),
        cities: Sequence[str] = (),
        mode: str = "hybrid",
        filters: Filters | None = None,
    ) -> Answer:
        """An extractive answer with numbered citations (see assistant.answering).

        `cities` restricts retrieval (the chat page's filter) and overrides places named in the
        question; so do the places of `filters` (its other fields narrow the documents and
        leave the question's places to apply); `mode` picks the retrieval mode behind the answer."""
        return self._answers(self.reader.read(question, history, cities, mode, filters), (self.settings,))[0]

    def answer_variants(
        self,
        question: str,
        history: Sequence[object] = (),
        cities: Sequence[str] = (),
        mode: str = "hybrid",
        variants: Sequence[AnswerSettings] = (DEFAULT_ANSWER_SETTINGS,),
        filters: Filters | None = None,
    ) -> list[Answer]:
        """The answer composed under each of `variants` (their composer settings) from one
        retrieval (the eval's leave-one-city-out choice of composer settings, eval.answer_loco)."""
        return self._answers(self.reader.read(question, history, cities, mode, filters), variants)

    def _answers(self, request: Request, variants: Sequence[AnswerSettings]) -> list[Answer]:
        """The answers to the request under each of `variants`: the document's own fields for a
        document-fact question, else composed from one retrieval."""
        q = request.question
        if request.empty:
            return [compose(q, (), {})] * len(variants)
        about_document = metadata_answer(q, request.documents, self.index.document_chunks, request.cities)
        if about_document is not None:  # 文号 / 印发日期 / 依据的文件 …: the document's own fields
            return [about_document] * len(variants)
        self._embed_once(request)
        hits = self.retrieval.search(request)
        return [compose(q, hits, self.retrieval.targets_by_chunk, all_cities=request.all_cities,
                        following=self._following, vectors=self.vectors, settings=variant) for variant in variants]

    def _embed_once(self, request: Request) -> None:
        """The query texts an answer embeds, in one batch: ranking's (dense, hybrid) and the
        clause scores' (assistant.model.Question). The embedder keeps them for the calls that
        follow; on two cores a batch of two costs about 1.4x one text, two calls 2x."""
        q = request.question
        texts = ([q.ranked_text] if request.mode != "bm25" else []) + ([q.resolved] if self.vectors is not None else [])
        embedder = self.index.embedder
        if embedder is not None and len(set(texts)) > 1:
            embedder.embed_queries(list(dict.fromkeys(texts)))

    def _following(self, chunk: Chunk) -> Sequence[Chunk]:
        """The paragraph after `chunk` (a responsibility note may stand there)."""
        return self.index.neighbours(chunk.chunk_id, before=0, after=1)
