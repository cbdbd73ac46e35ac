"""MilvusBackend: the corpus of a shared Milvus store served as an `index.protocol.SearchBackend`.

With POLICYQA_BACKEND=milvus every API replica serves from one store (index.milvus_store) on
one Milvus server or cluster; nothing of the corpus lives in a replica's data directory
(uploads are validated and parsed there, then go to the store). A replica holds in memory:

- the chunk records and document metadata of every plan in the store (read from the
  collections: the documents list, the targets table and the chat page come from them);
- the client-side BM25 (index.bm25: bm25s, paragraph + best clause, the local index's exact
  scoring) over those chunks. Milvus 2.3 has no BM25 function; with the same BM25 on both
  backends the served ranking matches the local one;
- nothing dense: window vectors stay in Milvus, which answers the dense ranker (a chunk scores
  by its best window, grouped here because 2.3 has no grouping search).

A backend object is immutable: `refreshed()` returns a new one when the store holds other
plans than it does (an upload through any replica), so the API swaps snapshots as it does
for the local index.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.model import Chunk, Document, DocumentMeta, neighbours_at
from index.bm25 import BM25Retriever
from index.clause_vectors import ClauseVectors
from index.embedders import Embedder
from index.milvus import MilvusSettings, _embedder_id
from index.milvus_store import SharedStore, StoredPlan
from index.store import window_vectors
from index.types import Filters, Hit, chunk_weight

log = logging.getLogger("index.milvus")
BUILTIN_POSITION_STEP = 1  # built-in plans take positions 0..4; uploads take their arrival time


@dataclass(frozen=True)
class StoreManifest:
    """What /readyz reports about the served corpus (the local index's Manifest fields it reads)."""

    corpus_hash: str
    format_version: int
    built_at: str
    embedder_id: str


@dataclass(frozen=True)
class AddOutcome:
    doc_id: str
    chunks: int
    embedded: int
    duplicate: bool  # the same text was already in the store: nothing written


class MilvusDenseRetriever:
    """`index.types.Retriever`: the store's dense search, a chunk scored by its best window."""

    source = "dense"

    def __init__(self, store: SharedStore, embedder: Embedder, chunks: Sequence[Chunk], total_windows: int) -> None:
        self.store = store
        self.embedder = embedder
        self.chunks = tuple(chunks)
        self._position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.total_windows = total_windows

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        if top_k <= 0 or not query.strip() or not self.chunks:
            return []
        vector = self.embedder.embed_queries([query])[0]
        filters = filters or Filters()
        k = min(self.total_windows, max(64, top_k * 8))
        while True:
            best: dict[int, float] = {}
            try:
                rows = self.store.search_dense(vector, k, filters)
            except Exception as exc:  # noqa: BLE001 - Milvus unreachable: rank without dense evidence
                log.warning("dense search failed, ranking without it: %s: %s", type(exc).__name__, str(exc)[:200])
                return []
            for chunk_id, score in rows:
                i = self._position.get(chunk_id)  # rows of a plan not (yet) served are skipped
                if i is None:
                    continue
                score *= chunk_weight(self.chunks[i])  # a lead counts less, as in index.dense
                if score > best.get(i, -np.inf):
                    best[i] = score
            if len(best) >= top_k or len(rows) < k or k >= self.total_windows:
                break
            k = min(self.total_windows, k * 4)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:top_k]
        return [Hit(chunk=self.chunks[i], score=s, source=self.source) for i, s in ranked]


class MilvusBackend:
    """One consistent view of the shared store: the plans it held at the last refresh."""

    def __init__(self, store: SharedStore, embedder: Embedder, data_dir: Path,
                 plans: Sequence[StoredPlan], chunks_by_plan: dict[str, tuple[Chunk, ...]],
                 bm25: BM25Retriever | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.data_dir = data_dir
        self.plans = tuple(plans)
        self._chunks_by_plan = dict(chunks_by_plan)
        self._chunks = tuple(c for p in self.plans for c in self._chunks_by_plan[p.text_hash])
        self._documents = tuple(p.meta for p in self.plans)
        self._bm25 = bm25 if bm25 is not None else BM25Retriever(self._chunks)
        self._dense = MilvusDenseRetriever(store, embedder, self._chunks, sum(p.windows for p in self.plans))
        self._by_id = {c.chunk_id: (i, c) for i, c in enumerate(self._chunks)}
        self._add_lock = threading.Lock()
        self._clause_vectors: ClauseVectors | None = None
        self.loaded_at = time.time()

    # -- opening and refreshing ----------------------------------------------------------
    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, embedder: Embedder | None = None,
             settings: MilvusSettings | None = None, seed: bool = True) -> MilvusBackend:
        """Connect, create the collections if missing, store the built-in plans if they are
        not there yet (embedding only windows the data dir's embedding cache lacks), load."""
        from index.embedders import make_embedder
        from index.paths import resolve_data_dir

        path = resolve_data_dir(data_dir)
        embedder = embedder or make_embedder()
        settings = settings or MilvusSettings.from_env(path)
        store = SharedStore(settings, embedder.dim)
        caps = store.capabilities
        log.info("%s", describe_paths(store))
        backend = cls(store, embedder, path, (), {})
        if seed:
            from corpus.catalog import builtin_documents

            for position, document in enumerate(builtin_documents()):
                backend.put(document, position * BUILTIN_POSITION_STEP)
        return backend.serving_stored()

    @classmethod
    def mirror(cls, search_index: Any, settings: MilvusSettings) -> MilvusBackend:
        """A backend over a store holding exactly `search_index`'s plans (the eval's `milvus`
        mode: the same corpus as the local modes, corpus variants included). The collection is
        named after the corpus (`corpus_key`), so a variant never mixes with the built-in corpus;
        vectors come from the index's embedding cache (nothing is re-embedded)."""
        import dataclasses

        settings = dataclasses.replace(settings, collection=f"{settings.collection}_{corpus_key(search_index.chunks)}")
        store = SharedStore(settings, search_index.embedder.dim)
        backend = cls(store, search_index.embedder, Path(search_index.data_dir), (), {})
        for position, meta in enumerate(search_index.documents):
            backend.put(Document(meta, search_index.document_chunks(meta.doc_id)), position)
        return backend.serving_stored()

    def serving_stored(self) -> MilvusBackend:
        """A backend over whatever the store holds now (the seed, other replicas' uploads),
        served from the start once the Bounded searches are sure to see it."""
        stored = self.store.plans()
        if stored and self.store.grace_s:
            time.sleep(self.store.grace_s)
        for p in stored:
            self.store.first_seen[p.text_hash] = 0.0
        return self.refreshed() or self

    def refreshed(self) -> MilvusBackend | None:
        """A backend over the store's current plans; None when they are the ones served.

        A plan is served once it has been in the store for the store's grace time (seen by
        this replica's refreshes): searches read at Bounded consistency (index.milvus_store)."""
        now = time.time()
        stored = self.store.plans()
        for p in stored:
            self.store.first_seen.setdefault(p.text_hash, now)
        served = {p.text_hash for p in self.plans}
        plans = [p for p in stored if p.text_hash in served
                 or now - self.store.first_seen[p.text_hash] >= self.store.grace_s]
        if [p.text_hash for p in plans] == [p.text_hash for p in self.plans]:
            return None
        foreign = sorted({p.embedder for p in plans} - {_embedder_id(self.embedder)})
        if foreign:
            raise RuntimeError(f"collection {self.store.settings.collection} holds vectors of another embedder "
                               f"({', '.join(foreign)}); use another POLICYQA_MILVUS_COLLECTION")
        chunks = {p.text_hash: self._chunks_by_plan.get(p.text_hash) or tuple(self.store.plan_chunks(p.text_hash))
                  for p in plans}
        return MilvusBackend(self.store, self.embedder, self.data_dir, plans, chunks)

    @property
    def pending(self) -> bool:
        """Plans seen in the store but not served yet (waiting out the grace time)."""
        served = {p.text_hash for p in self.plans}
        return any(h not in served for h in self.store.first_seen)

    # -- writes --------------------------------------------------------------------------
    def put(self, document: Document, position: int | None = None, embedder: Embedder | None = None) -> AddOutcome:
        """Store one parsed plan (its windows embedded with `embedder`, default the serving one,
        through the data dir's embedding cache); a plan already stored is a duplicate."""
        from corpus.catalog import text_hash

        th = text_hash(document)
        chunks = document.chunks
        with self._add_lock:
            if self.store.has_plan(th):
                return AddOutcome(document.meta.doc_id, len(chunks), 0, True)
            owner, vectors, embedded = window_vectors(chunks, embedder or self.embedder, self.data_dir)
            pos = time.time_ns() if position is None else position
            added = self.store.add_plan(th, document.meta, chunks, owner, vectors, pos, _embedder_id(self.embedder))
        return AddOutcome(document.meta.doc_id, len(chunks), embedded, not added)

    # -- SearchBackend -------------------------------------------------------------------
    @property
    def chunks(self) -> tuple[Chunk, ...]:
        return self._chunks

    @property
    def documents(self) -> tuple[DocumentMeta, ...]:
        return self._documents

    @property
    def bm25(self) -> BM25Retriever:
        return self._bm25

    @property
    def dense(self) -> MilvusDenseRetriever:
        return self._dense

    @property
    def clause_vectors(self) -> ClauseVectors:
        """Clause vectors over the serving embedder, cached in the data directory."""
        if self._clause_vectors is None:
            self._clause_vectors = ClauseVectors(self.embedder, self.data_dir)
        return self._clause_vectors

    def vocabulary(self) -> frozenset[str]:
        return self._bm25.vocabulary()

    @property
    def manifest(self) -> StoreManifest:
        import hashlib

        h = hashlib.sha256("".join(p.text_hash for p in self.plans).encode()).hexdigest()
        built = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.loaded_at))
        return StoreManifest(corpus_hash=h, format_version=0, built_at=built, embedder_id=_embedder_id(self.embedder))

    def get_chunk(self, chunk_id: str) -> Chunk:
        return self._by_id[chunk_id][1]

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]:
        return tuple(c for c in self._chunks if c.doc_id == doc_id)

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> tuple[Chunk, ...]:
        return neighbours_at(self._chunks, self._by_id[chunk_id][0], before, after)

    def close(self) -> None:
        self.store.close()


def describe_paths(store: SharedStore) -> str:
    """One line for the log: the server's capabilities and the retrieval path each part takes."""
    caps = store.capabilities
    why = ("the server's BM25 function is not used: it has no clause-level evidence" if caps.bm25_function
           else "the server has no BM25 function")
    return (f"milvus backend: {caps.describe()}, collection {store.settings.collection}; BM25 path: client "
            f"(bm25s over the stored chunk texts, paragraph + best clause; {why}); dense path: server search "
            f"({store.settings.dense_index}), a chunk scored by its best window")


def corpus_key(chunks: Sequence[Chunk]) -> str:
    """Short hash of what a store of these chunks holds (ids, display and matching text)."""
    import hashlib

    h = hashlib.sha256()
    for c in chunks:
        for part in (c.chunk_id, c.text, c.search_text, c.kind):
            h.update(part.encode("utf-8"))
            h.update(b"\x1f")
    return h.hexdigest()[:12]
