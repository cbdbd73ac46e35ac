"""SearchIndex: the one object callers hold (CLI, API, assistant, eval).

It holds the persisted index (BM25 and dense retrievers over the chunks), serves plain
search through the one hybrid pipeline (`index.hybrid`), gives chunk context (neighbours,
whole documents) and adds documents incrementally. It implements `index.protocol.SearchBackend`.
"""
from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus.model import Chunk, Document, DocumentMeta, neighbours_at
from corpus.hierarchy import question_places, strip_places
from corpus.text import matching
from index.bm25 import BM25Retriever
from index.dense import DenseRetriever
from index.embedders import Embedder, make_embedder
from index.filters import has_place, resolve as resolve_filters
from index.clause_vectors import ClauseVectors
from index.hybrid import Query, RetrievalSettings, for_mode
from index.paths import resolve_data_dir
from index.store import LoadedIndex, Manifest, ensure_index, load_index
from index.types import Filters, Hit


@dataclass(frozen=True)
class AddReport:
    doc_id: str
    chunks: int
    embedded: int  # windows embedded for this add (0 for a duplicate)
    duplicate: bool
    warnings: tuple[Any, ...] = ()  # corpus.inspection.ReadWarning: what to check in what was read
    meta: DocumentMeta | None = None  # the document's metadata as stored (given + read)


def _page_progress(done: int, total: int) -> None:
    """Reading progress of a PDF on stderr: every 10 pages and the last."""
    if done == total or done % 10 == 0:
        print(f"reading page {done}/{total}", file=sys.stderr, flush=True)


def auto_place_filter(
    query: str, documents: Sequence[DocumentMeta], filters: Filters | None = None
) -> tuple[str, Filters | None]:
    """The plain search's only query understanding. The metadata filters are resolved to
    doc_ids (index.filters.resolve); then, unless they name places themselves, a query naming
    places is restricted to the documents of those places (corpus.hierarchy.question_places:
    安阳 -> 安阳市's documents and its counties'; 河南 -> the province's, its cities' and
    counties'; 全国 / 国家 -> the national ones) and searched without their names. Returns the
    matching text to search and the filters; None for the filters when no document passes
    them (nothing to search). FilterError for an unknown filter value."""
    text = matching(query)
    resolved = resolve_filters(filters, documents)
    if resolved is None or has_place(filters):
        return text, resolved
    ids = set(resolved.doc_ids)
    passing = [d for d in documents if not ids or d.doc_id in ids]
    places = question_places(text, passing)
    if not places.scopes:
        return text, resolved
    scoped = tuple(dict.fromkeys(i for s in places.scopes for i in s.doc_ids))
    return strip_places(text, passing) or text, replace(resolved, doc_ids=scoped)


def plain_search(
    backend: Any,
    query: str,
    mode: str = "hybrid",
    top_k: int = 10,
    filters: Filters | None = None,
    auto_filter: bool = True,
    settings: RetrievalSettings | None = None,
    rrf_k: int | None = None,
    depth: int | None = None,
) -> list[Hit]:
    """`SearchIndex.search` over any backend with `bm25`, `dense` and `documents` (the eval's
    tuning runs it over cached retrievers)."""
    pipeline = for_mode(mode, backend.bm25, backend.dense, rrf_k=rrf_k, depth=depth, settings=settings)
    if not query or not query.strip() or top_k <= 0:
        return []
    if auto_filter:
        text, resolved = auto_place_filter(query, backend.documents, filters)
    else:
        text, resolved = matching(query), resolve_filters(filters, backend.documents)
    if resolved is None:
        return []
    return pipeline.search(Query(text), top_k, resolved)


class SearchIndex:
    """Facade over the persisted index of `data_dir` (see docs/ARCHITECTURE.md)."""

    def __init__(self, data_dir: Path, embedder: Embedder, state: LoadedIndex) -> None:
        self.data_dir = data_dir
        self.embedder = embedder
        self._clause_vectors: ClauseVectors | None = None
        self._state = state
        self._lock = threading.Lock()  # serialises add_document within this process

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str] | None = None,
        embedder: Embedder | None = None,
        build: bool = True,
        progress: bool = False,
        check_corpus: bool = True,
        on_progress=None,
    ) -> "SearchIndex":
        """Load the index; with `build`, first build or refresh it if anything changed.
        With `check_corpus=False` (and no build) the last good index is served even when plans
        were added or changed since it was built (see `index.store.load_index`).

        Without `build`: IndexMissingError / IndexCorruptError / IndexMismatchError."""
        path = resolve_data_dir(data_dir)
        embedder = embedder or make_embedder()
        if build:
            ensure_index(path, embedder, progress=progress, on_progress=on_progress)
        return cls(path, embedder, load_index(path, embedder, check_corpus=check_corpus or build))

    @classmethod
    def in_memory(cls, documents: Sequence[Document], embedder: Embedder, cache_dir: str | os.PathLike[str]) -> "SearchIndex":
        """An index over exactly `documents`, built in memory (index.store.memory_index);
        vectors come from (and new ones go to) the embedding cache of the data dir `cache_dir`.
        It serves search and answers; `add_document` / `refresh` would read `cache_dir`'s own
        corpus instead, so it is for fixed corpora (transformed plans in tests and the eval)."""
        from index.store import memory_index

        return cls(Path(cache_dir), embedder, memory_index(list(documents), embedder, Path(cache_dir)))

    # --- state ---------------------------------------------------------------

    @property
    def bm25(self) -> BM25Retriever:
        return self._state.bm25

    @property
    def dense(self) -> DenseRetriever:
        return self._state.dense

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self._state.chunks

    @property
    def documents(self) -> tuple[DocumentMeta, ...]:
        return self._state.documents

    @property
    def manifest(self) -> Manifest:
        return self._state.manifest

    @property
    def version_path(self) -> Path:
        """The version dir this index was loaded from (index.store; the data dir for an index
        built in memory)."""
        return self._state.path

    def get_chunk(self, chunk_id: str) -> Chunk:
        """The chunk with this id; KeyError if unknown."""
        return self._positions()[chunk_id][1]

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]:
        """Chunks of one document in reading order (empty for an unknown doc_id)."""
        state = self._state
        cached = getattr(self, "_document_cache", None)
        if cached is None or cached[0] is not state:
            by_doc: dict[str, list[Chunk]] = {}
            for c in state.chunks:
                by_doc.setdefault(c.doc_id, []).append(c)
            cached = (state, {d: tuple(cs) for d, cs in by_doc.items()})
            self._document_cache = cached
        return cached[1].get(doc_id, ())

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> tuple[Chunk, ...]:
        """Up to `before` chunks before and `after` chunks after `chunk_id` in the same
        document, in reading order, the chunk itself excluded."""
        return neighbours_at(self.chunks, self._positions()[chunk_id][0], before, after)

    def _positions(self) -> dict[str, tuple[int, Chunk]]:
        state = self._state
        cached = getattr(self, "_position_cache", None)
        if cached is None or cached[0] is not state:
            cached = (state, {c.chunk_id: (i, c) for i, c in enumerate(state.chunks)})
            self._position_cache = cached
        return cached[1]

    # --- search --------------------------------------------------------------

    def search(
        self,
        query: str,
        mode: str = "hybrid",
        top_k: int = 10,
        filters: Filters | None = None,
        rrf_k: int | None = None,
        auto_filter: bool = True,
        depth: int | None = None,
        settings: RetrievalSettings | None = None,
    ) -> list[Hit]:
        """Best-first hits of one retrieval mode (`index.hybrid.for_mode`) for a plain query.

        With `auto_filter`, a query naming places (and no place filter) is restricted to
        those places' documents and searched without the names (`auto_place_filter`);
        metadata filters (level, province, city, doc_type, year, issuer) are resolved to
        doc_ids first (index.filters).
        The assistant adds query understanding on top of the same pipeline. `settings`
        (index.hybrid.RetrievalSettings, default the chosen ones) holds fusion and weights."""
        return plain_search(self, query, mode, top_k, filters, auto_filter, settings, rrf_k, depth)

    def vocabulary(self) -> frozenset[str]:
        """The corpus's words as BM25 indexed them."""
        return self.bm25.vocabulary()

    @property
    def clause_vectors(self) -> ClauseVectors:
        """Clause vectors for the clause reranker (index.clause_vectors), cached in the data
        directory; one instance per index, shared by every Assistant over it."""
        if self._clause_vectors is None:
            self._clause_vectors = ClauseVectors(self.embedder, self.data_dir)
        return self._clause_vectors

    # --- updates -------------------------------------------------------------

    def add_document(self, path: str | os.PathLike[str], progress: bool = False, **meta: Any) -> AddReport:
        """Ingest one plan and refresh the index (index.bulk.add_files, the one import pipeline);
        only new windows are embedded (with `progress`, reported on stderr).

        `meta`: city (read from the document when not given), province, title, doc_number, date,
        issuer, doc_id. Raises corpus.errors.IngestError for unreadable or refused input."""
        from corpus.errors import IngestError
        from index.bulk import add_files

        with self._lock:
            bulk = add_files(self.data_dir, [Path(path)], self.embedder, meta=meta, progress=progress,
                             on_page=_page_progress if progress else None)
            result = bulk.results[0]
            if result.status == "refused":
                raise IngestError(result.reason)
            if bulk.lexical_builds or (bulk.build is not None and bulk.build.rebuilt):
                self._state = load_index(self.data_dir, self.embedder)
            doc_id = result.meta.doc_id if result.meta is not None else ""
            embedded = bulk.build.embedded if bulk.build is not None else 0
            return AddReport(doc_id, result.chunks, embedded, result.status == "duplicate", result.warnings,
                             result.meta)

    def refresh(self) -> bool:
        """Pick up an index another process rebuilt; True if the state changed."""
        state = load_index(self.data_dir, self.embedder)
        changed = state.manifest != self._state.manifest
        self._state = state
        return changed
