"""SearchIndex: the one object callers hold (CLI, API, assistant, eval).

It serves BM25, dense and hybrid (RRF) search over the persisted index, gives chunk
context (neighbours, whole documents) and adds documents incrementally.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from corpus.model import Chunk, DocumentMeta
from index.bm25 import BM25Retriever
from index.dense import DenseRetriever
from index.embedders import Embedder, make_embedder
from index.fusion import reciprocal_rank_fusion
from index.paths import resolve_data_dir
from index.store import LoadedIndex, Manifest, ensure_index, load_index
from index.tokenizer import normalize
from index.types import MODES, Filters, Hit

CANDIDATES = 50  # per retriever, before fusion
# Hybrid fusion: weighted RRF. BM25 (paragraph + best passage) is the stronger retriever on
# these plans, so dense counts half and a small k lets first places decide; dense mostly
# breaks near-ties and lifts chunks BM25 misses (paraphrases) into the first page.
RRF_K = 5
DENSE_WEIGHT = 0.5


@dataclass(frozen=True)
class AddReport:
    doc_id: str
    chunks: int
    embedded: int  # windows embedded for this add (0 for a duplicate)
    duplicate: bool


def _city_names(meta: DocumentMeta) -> tuple[str, ...]:
    return tuple(dict.fromkeys((meta.city, meta.city_short)))


def detect_cities(query: str, documents: Sequence[DocumentMeta]) -> tuple[str, ...]:
    """Corpus cities named in `query` (铁岭 / 铁岭市 / 铁岭的 / 鐵嶺 -> 铁岭市), in order of mention."""
    text = normalize(query)
    found: dict[str, int] = {}
    for meta in documents:
        for name in _city_names(meta):
            pos = text.find(normalize(name))
            if name and pos >= 0:
                found[meta.city] = min(pos, found.get(meta.city, pos))
    return tuple(sorted(found, key=lambda city: found[city]))


def strip_cities(query: str, documents: Sequence[DocumentMeta], cities: Sequence[str]) -> str:
    """`query` without the names of `cities` (once a filter holds them, they only add noise)."""
    text = normalize(query)
    names = sorted({normalize(n) for m in documents if m.city in cities for n in _city_names(m)},
                   key=len, reverse=True)
    for name in names:
        text = text.replace(name, " ")
    return " ".join(text.split())


class SearchIndex:
    """Facade over the persisted index of `data_dir` (see docs/ARCHITECTURE.md)."""

    def __init__(self, data_dir: Path, embedder: Embedder, state: LoadedIndex) -> None:
        self.data_dir = data_dir
        self.embedder = embedder
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

    def get_chunk(self, chunk_id: str) -> Chunk:
        """The chunk with this id; KeyError if unknown."""
        return self._positions()[chunk_id][1]

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]:
        """Chunks of one document in reading order (empty for an unknown doc_id)."""
        return tuple(c for c in self.chunks if c.doc_id == doc_id)

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> tuple[Chunk, ...]:
        """Up to `before` chunks before and `after` chunks after `chunk_id` in the same
        document, in reading order, the chunk itself excluded."""
        index, chunk = self._positions()[chunk_id]
        chunks = self.chunks
        lo, hi = index, index
        while lo > 0 and index - lo < before and chunks[lo - 1].doc_id == chunk.doc_id:
            lo -= 1
        while hi + 1 < len(chunks) and hi - index < after and chunks[hi + 1].doc_id == chunk.doc_id:
            hi += 1
        return chunks[lo:index] + chunks[index + 1 : hi + 1]

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
        rrf_k: int = RRF_K,
        auto_filter: bool = True,
        candidates: int = CANDIDATES,
    ) -> list[Hit]:
        """Best-first hits. With `auto_filter`, a query naming corpus cities (and no explicit
        city filter) is restricted to those cities and searched without the city names.
        Hybrid fuses the top `candidates` of BM25 and dense with weighted RRF (k = `rrf_k`,
        dense weighted DENSE_WEIGHT)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
        if not query or not query.strip() or top_k <= 0:
            return []
        state = self._state
        filters = filters or Filters()
        if auto_filter and not filters.cities:
            cities = detect_cities(query, state.documents)
            if cities:
                filters = replace(filters, cities=cities)
                query = strip_cities(query, state.documents, cities) or query
        if mode == "bm25":
            return state.bm25.retrieve(query, top_k, filters)
        if mode == "dense":
            return state.dense.retrieve(query, top_k, filters)
        depth = max(candidates, top_k)
        rankings = [state.bm25.retrieve(query, depth, filters), state.dense.retrieve(query, depth, filters)]
        return reciprocal_rank_fusion(rankings, k=rrf_k, weights=(1.0, DENSE_WEIGHT), top_k=top_k)

    # --- updates -------------------------------------------------------------

    def add_document(self, path: str | os.PathLike[str], **meta: str) -> AddReport:
        """Ingest one plan (corpus.ingest) and refresh the index; only new windows are embedded.

        `meta`: city (required), province, title, doc_number, date, issuer, doc_id.
        Raises corpus.errors.IngestError for unreadable or refused input."""
        from corpus.ingest import ingest_file

        with self._lock:
            result = ingest_file(Path(path), self.data_dir, **meta)
            doc_id = result.document.meta.doc_id
            n_chunks = len(result.document.chunks)
            if result.duplicate and doc_id in {m.doc_id for m in self.documents}:
                return AddReport(doc_id, n_chunks, 0, True)
            report = ensure_index(self.data_dir, self.embedder)
            self._state = load_index(self.data_dir, self.embedder)
            return AddReport(doc_id, n_chunks, report.embedded, result.duplicate)

    def refresh(self) -> bool:
        """Pick up an index another process rebuilt; True if the state changed."""
        state = load_index(self.data_dir, self.embedder)
        changed = state.manifest != self._state.manifest
        self._state = state
        return changed
