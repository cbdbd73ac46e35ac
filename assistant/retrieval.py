"""What a request retrieves: the places and documents searched, each ranked by the one hybrid
retriever with the assistant's second-stage rankers, merged, headings after paragraphs.

search = the metadata filters resolved to documents (index.filters) -> one scope per place
searched: each place given, else each place the question names (corpus.hierarchy.scope:
安阳 -> 安阳市's documents and its counties'), or each place a question across places lists
(河南各市…) -> inside one scope, the documents the question names by title first
(assistant.naming) -> per scope the one hybrid retriever of the mode (`index.hybrid.for_mode`), fed
  - BM25: the question without its places, plus its synonym expansions,
  - dense: the same text,
  - in hybrid mode, the assistant's second-stage rankers (`assistant.rankers`)
-> the scopes' rankings interleaved round by round -> headings after the paragraphs for a
figure question (`after_headings`). Leads with nothing of their own are left out (`own_hits`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.answering.document import asked_fields
from assistant.answering.settings import AnswerSettings
from assistant.model import Question
from assistant.naming import named_documents
from assistant.rankers import ClauseReranker, rerankers_for
from assistant.request import Request
from assistant.target_model import Target
from assistant.targets import extract_targets
from corpus.hierarchy import scope
from corpus.model import Chunk
from index.filters import has_place, resolve as resolve_filters
from index.hybrid import Query, for_mode
from index.protocol import SearchBackend
from index.types import Filters, Hit


def clause_reranker(index: SearchBackend, settings: AnswerSettings) -> ClauseReranker | None:
    """The clause reranker over the backend's embedder and clause vectors (None when it has
    none, e.g. a backend that embeds remotely)."""
    embedder, vectors = index.embedder, index.clause_vectors
    if embedder is None or vectors is None:
        return None
    return ClauseReranker(embedder, vectors, settings.retrieval.clause_depth)


def own_hits(hits: Sequence[Hit]) -> list[Hit]:
    """`hits` without the leads that have nothing of their own: every clause of such a lead is
    repeated by the plan (corpus.leads leaves it no sentences), so the plan's clause answers."""
    return [h for h in hits if h.chunk.kind != "lead" or h.chunk.sentences]


# Chunks that name what follows and state none of its figures (see after_headings).
_NAMING_KINDS = ("heading", "notice")


def after_headings(q: Question, hits: Sequence[Hit]) -> list[Hit]:
    """For a figure or comparison question, headings and the covering notice after the other
    hits, each group in its order: a title or a section heading ("2022年能源工作指导意见",
    "二、主要目标") or a table's header row names what follows and states no figure, and the
    notice issuing a plan ("现将《2022年能源工作指导意见》印发给你们", "附件：《…》") quotes its
    title; their words match a question naming the document, and they would be served before
    the paragraph that answers. A question about the document itself (its date, issuer …:
    answering.document) may be answered by its title or its notice."""
    if q.analysis.kind not in ("figure", "comparison") or asked_fields(q):
        return list(hits)
    return ([h for h in hits if h.chunk.kind not in _NAMING_KINDS]
            + [h for h in hits if h.chunk.kind in _NAMING_KINDS])


def interleave(per_place: Sequence[Sequence[Hit]], top_k: int) -> list[Hit]:
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


class Retrieval:
    """Search over one backend, with what the second-stage rankers read kept per chunk set:
    the targets of each chunk (re-read when the backend's chunks change, e.g. after `add`)."""

    def __init__(self, index: SearchBackend, settings: AnswerSettings) -> None:
        self.index = index
        self.settings = settings
        self.clauses = clause_reranker(index, settings)
        self.targets_by_chunk: dict[str, list[Target]] = {}
        self._targeted: tuple[Chunk, ...] = ()  # chunks with targets, in reading order
        self._chunks_seen: tuple[Chunk, ...] | None = None
        self._silent_for: tuple[Chunk, ...] | None = None  # chunks `_silent` was counted over
        self._silent = 0
        self.refresh()

    def refresh(self) -> None:
        """Re-extract targets when the index's chunks changed (e.g. after add_document)."""
        chunks = self.index.chunks
        if chunks is self._chunks_seen:
            return
        by_chunk: dict[str, list[Target]] = {}
        for target in extract_targets(chunks):
            by_chunk.setdefault(target.chunk_id, []).append(target)
        self.targets_by_chunk, self._chunks_seen = by_chunk, chunks
        # what the target reranker reads: a chunk without targets never ranks there
        self._targeted = tuple(c for c in chunks if c.chunk_id in by_chunk)

    def depth(self, q: Question) -> int:
        """How many hits an answer draws on: answer_depth, or listed_depth per place listed."""
        return max(self.settings.answer_depth, self.settings.listed_depth * len(q.analysis.listed))

    def _rank(self, q: Question, filters: Filters, mode: str, top_k: int) -> list[Hit]:
        query = Query(text=q.ranked_text, expansions=q.analysis.expansions)
        rerankers = rerankers_for(q, self._targeted, self.targets_by_chunk, self.settings, self.clauses)
        pipeline = for_mode(mode, self.index.bm25, self.index.dense, rerankers, settings=self.settings.retrieval)
        # Leads with no clause of their own are dropped: ask for that many more.
        return own_hits(pipeline.search(query, top_k + self._silent_leads(), filters))[:top_k]

    def _silent_leads(self) -> int:
        chunks = self.index.chunks
        if self._silent_for is not chunks:
            self._silent_for = chunks
            self._silent = sum(1 for c in chunks if c.kind == "lead" and not c.sentences)
        return self._silent

    def _scopes(self, request: Request) -> list[Filters]:
        """One filter per place searched (each is ranked on its own, then interleaved): the
        metadata filters resolved to documents (index.filters), narrowed to each city given, or
        when neither they nor the request's cities name places, to each place the question names
        (corpus.hierarchy.scope). [] when no document passes the filters."""
        q, filters = request.question, request.filters
        documents = self.index.documents
        base = resolve_filters(filters, documents)
        if base is None:
            return []
        if request.cities:
            return [replace(base, cities=(city,)) for city in request.cities]
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

    def _own(self, q: Question, scope: Filters) -> tuple[str, ...]:
        """The documents inside `scope` placed at the one place the question names, when the
        scope also holds documents of places inside it (河北省's own plans within 河北省's scope,
        which holds 石家庄市's too): a city's plan copying the province's sentence must not answer
        for the province. () otherwise."""
        if len(q.analysis.places) != 1 or not scope.doc_ids:
            return ()
        place = q.analysis.places[0]
        inside = [d for d in self.index.documents if d.doc_id in scope.doc_ids]
        own = tuple(d.doc_id for d in inside if d.city == place)
        return own if own and len(own) < len(inside) else ()

    def search(self, request: Request, top_k: int | None = None) -> list[Hit]:
        """The request's best `top_k` hits, best first (module doc); by default as many as an
        answer draws on (`depth`)."""
        q, mode = request.question, request.mode
        top_k = self.depth(q) if top_k is None else top_k
        self.refresh()
        scopes = self._scopes(request)
        if len(scopes) == 1 and (named := self._named(q, scopes[0]) or self._own(q, scopes[0])):
            # The documents the question names first (else the named place's own documents
            # before those of the places inside it), then the rest of the places searched.
            first = self._rank(q, replace(scopes[0], doc_ids=named), mode, top_k)
            hits = interleave([first + self._rank(q, scopes[0], mode, top_k)], top_k)
        elif len(scopes) <= 1:
            hits = self._rank(q, scopes[0], mode, top_k) if scopes else []
        else:
            # One ranking per place, interleaved, so that every compared place is represented.
            # The interleaving reads each place's first top_k / places hits: each place is
            # ranked that deep (listed_depth for "河南各市…" across many places), deeper only
            # when places fall short of it (few chunks, or chunks two places share).
            share = -(-top_k // len(scopes))
            per_place = [self._rank(q, f, mode, share) for f in scopes]
            hits = interleave(per_place, top_k)
            if len(hits) < top_k and any(len(r) == share for r in per_place):
                per_place = [self._rank(q, f, mode, top_k) if len(r) == share else r
                             for f, r in zip(scopes, per_place)]
                hits = interleave(per_place, top_k)
        # Headings after the paragraphs, once the places' rankings are merged (after_headings).
        return [replace(h, source="assistant") for h in after_headings(q, hits)]
