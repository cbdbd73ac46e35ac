"""Clause vectors: every sentence (long ones cut at commas) of a chunk embedded on its own,
for the clause reranker (assistant.rankers.ClauseReranker), and the vectors of any clause
text the answer composer scores against a question (`vectors`, `similarities`:
assistant.answering.evidence), one cache for both.

The dense retriever scores a chunk by its best 300-character window; the answer to a
question is usually one clause of a long paragraph, which a window dilutes. Clause vectors
are embedded with the index's embedder (passage side, prefixed like the dense windows with
the chunk's city and headings), lazily for the chunks a query reads, and cached on disk in
the data directory's passage-vector cache (index.embedding_cache: keyed by the text's
sha256, so a clause is embedded once per embedder, across processes and rebuilds).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corpus.model import Chunk
from corpus.text import matching
from index.dense import _split_long, window_prefix
from index.embedders import Embedder
from index.embedding_cache import EmbeddingCache, text_key
from index.paths import EMBEDDINGS_DIR

CLAUSE_CHARS = 120  # a sentence longer than this is cut at commas
TEXT_CACHE = 20000  # clause texts kept in memory (the plans' clauses repeat across questions)


def chunk_clauses(chunk: Chunk, max_chars: int = CLAUSE_CHARS) -> list[str]:
    """The texts embedded for `chunk`'s clauses (matching text, window prefix)."""
    if chunk.context:
        pieces = [chunk.context]
    else:
        pieces = [p for s in (chunk.sentences or (chunk.text,)) for p in _split_long(matching(s), max_chars)]
    prefix = window_prefix(chunk)
    return [prefix + p for p in pieces if p.strip()] or [prefix + matching(chunk.text)]


class ClauseVectors:
    """Clause vectors of chunks, embedded on first use, cached in memory and (with
    `data_dir`) on disk."""

    def __init__(self, embedder: Embedder, data_dir: Path | None = None) -> None:
        self.embedder = embedder
        self._disk = (EmbeddingCache(Path(data_dir) / EMBEDDINGS_DIR, embedder.id, embedder.dim)
                      if data_dir is not None else None)
        self._by_chunk: dict[str, np.ndarray] = {}
        self._by_text: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def ensure(self, chunks: Sequence[Chunk]) -> None:
        """Embed the clauses of `chunks` that are not cached yet (one batch)."""
        todo = [c for c in dict.fromkeys(chunks) if c.chunk_id not in self._by_chunk]
        if not todo:
            return
        with self._lock:
            texts = {c.chunk_id: chunk_clauses(c) for c in todo if c.chunk_id not in self._by_chunk}
            keys = {cid: [text_key(t) for t in ts] for cid, ts in texts.items()}
            by_key = {k: t for cid, ts in texts.items() for k, t in zip(keys[cid], ts)}
            cached = self._embed(by_key)
            for cid, ks in keys.items():
                self._by_chunk[cid] = np.stack([cached[k] for k in ks]).astype(np.float32)

    def best(self, query_vector: np.ndarray, chunks: Sequence[Chunk]) -> list[float]:
        """Each chunk's best clause cosine with the (normalised) query vector."""
        self.ensure(chunks)
        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        return [float((self._by_chunk[c.chunk_id] @ q).max()) for c in chunks]

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors of clause texts as given (no prefix), cached in memory by text and
        on disk by the text's hash."""
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._by_text))
        if missing:
            keys = [text_key(t) for t in missing]
            found = self._embed(dict(zip(keys, missing)))
            with self._lock:
                for text, key in zip(missing, keys):
                    self._by_text[text] = np.asarray(found[key], dtype=np.float32)
                while len(self._by_text) > TEXT_CACHE:
                    self._by_text.popitem(last=False)
        with self._lock:
            return np.stack([self._by_text[t] if t in self._by_text else self._embed_one(t) for t in texts])

    def _embed(self, by_key: dict[str, str]) -> dict[str, np.ndarray]:
        """Vectors of texts by key: from the disk cache, the rest embedded (and stored)."""
        found: dict[str, np.ndarray] = {}
        missing = list(by_key)
        if self._disk is not None:
            missing = self._disk.missing(by_key)
            have = [k for k in by_key if k not in set(missing)]
            found.update(zip(have, self._disk.get_many(have)))
        if missing:
            fresh = np.asarray(self.embedder.embed_passages([by_key[k] for k in missing]), dtype=np.float32)
            found.update(zip(missing, fresh))
            if self._disk is not None:
                try:
                    self._disk.add(missing, fresh)
                except OSError:  # a read-only data dir: keep the vectors in memory only
                    pass
        return found

    def _embed_one(self, text: str) -> np.ndarray:
        # Evicted between the fill above and this read (more than TEXT_CACHE new texts at once).
        return np.asarray(self.embedder.embed_passages([text]), dtype=np.float32)[0]

    def similarities(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine of the question (query side) with each clause text (passage side)."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        query = np.asarray(self.embedder.embed_queries([question]), dtype=np.float32)[0]
        return self.vectors(texts) @ query
