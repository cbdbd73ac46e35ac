"""Dense retriever: faiss inner product over L2-normalised window vectors.

Paragraphs here run to several hundred characters, past what e5-small reads well (512
tokens, and quality drops well before that), so each chunk is embedded as one or more
windows of at most `WINDOW_CHARS` characters cut at sentence boundaries. Each window is
prefixed with the chunk's city and section headings, so a window deep inside a paragraph
still says what it is about; a chunk scores the max over its windows.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np

from corpus.language import WINDOW_CLAUSE
from corpus.model import Chunk
from corpus.text import matching
from index.embedders import Embedder
from index.masks import ChunkMasks
from index.types import Filters, Hit, chunk_weight

IndexType = Literal["flat", "hnsw", "ivf"]
INDEX_TYPES: tuple[str, ...] = ("flat", "hnsw", "ivf")
WINDOW_CHARS = 300
WINDOW_SCHEME = "v3-300-city-section-searchtext-spaced"  # in the manifest: a change forces re-embedding


def window_prefix(chunk: Chunk) -> str:
    """"city heading heading:" in matching text; the spaces between the parts are kept (the
    embedder reads "铁岭市 三、…" better than one run-on "铁岭市三、…")."""
    parts = [matching(part) for part in (chunk.city, *chunk.section)]
    return " ".join(p for p in parts if p) + ":"


def chunk_windows(chunk: Chunk, max_chars: int = WINDOW_CHARS) -> list[str]:
    """The texts embedded for `chunk` (matching text: a plan in Traditional script embeds like
    its Simplified twin; a table row's header context, a lead's own clauses: `Chunk.context`):
    prefix + up to `max_chars` of whole sentences each."""
    if chunk.context:
        sentences = [chunk.context]
    else:
        sentences = [matching(s) for s in (chunk.sentences or (chunk.text,))]
    pieces: list[str] = []
    for sentence in filter(None, sentences):
        pieces.extend(_split_long(sentence, max_chars))
    windows: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > max_chars:
            windows.append(current)
            current = ""
        current += piece
    if current or not windows:
        windows.append(current)
    prefix = window_prefix(chunk)
    return [prefix + w for w in windows]


def _split_long(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than `max_chars` is cut at commas, then hard-cut as a last resort."""
    if len(sentence) <= max_chars:
        return [sentence]
    out, current = [], ""
    for clause in WINDOW_CLAUSE.findall(sentence) or [sentence]:
        while len(clause) > max_chars:
            out.append(clause[:max_chars])
            clause = clause[max_chars:]
        if current and len(current) + len(clause) > max_chars:
            out.append(current)
            current = ""
        current += clause
    if current:
        out.append(current)
    return out


from index.sizing import IVF_NPROBE, ivf_nlist, recommend_dense_index  # noqa: E402


def make_faiss_index(vectors: np.ndarray, index_type: str = "flat") -> faiss.Index:
    """Inner-product faiss index over normalised `vectors` (cosine similarity).

    flat: exact, best below ~100k windows; hnsw: graph ANN for larger sets (no training);
    ivf: inverted lists, trained on the vectors themselves (needs a few dozen per list).
    """
    if index_type not in INDEX_TYPES:
        raise ValueError(f"unknown index_type {index_type!r}; choose from {', '.join(INDEX_TYPES)}")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    index: Any
    if index_type == "flat" or n == 0:
        index = faiss.IndexFlatIP(dim)
    elif index_type == "hnsw":
        # M and efSearch from the measured scale curve (index.sizing): recall@10 >= 0.95 vs exact.
        choice = recommend_dense_index(n)
        index = faiss.IndexHNSWFlat(dim, choice.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = choice.ef_search
    else:
        # faiss wants >= 39 training points per list; nlist ~ 4·sqrt(n) beyond that (index.sizing)
        nlist = max(1, min(ivf_nlist(n), n // 39))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = min(nlist, IVF_NPROBE)
    if n:
        index.add(vectors)
    return index


class DenseRetriever:
    """Semantic retriever: window vectors in faiss, chunk score = best window."""

    source = "dense"

    def __init__(
        self,
        chunks: Sequence[Chunk],
        window_owner: np.ndarray,
        index: faiss.Index,
        embedder: Embedder,
        index_type: str = "flat",
    ) -> None:
        self.chunks = tuple(chunks)
        self.window_owner = np.asarray(window_owner, dtype=np.int64)
        if index.ntotal != len(self.window_owner):
            raise ValueError(f"faiss index has {index.ntotal} vectors for {len(self.window_owner)} windows")
        self.index = index
        self.embedder = embedder
        self.index_type = index_type
        self._weights = np.fromiter((chunk_weight(c) for c in self.chunks), dtype=np.float32,
                                    count=len(self.chunks))
        self.masks = ChunkMasks(self.chunks)

    @classmethod
    def from_vectors(
        cls,
        chunks: Sequence[Chunk],
        window_owner: np.ndarray,
        vectors: np.ndarray,
        embedder: Embedder,
        index_type: str = "flat",
    ) -> "DenseRetriever":
        return cls(chunks, window_owner, make_faiss_index(vectors, index_type), embedder, index_type)

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        vector = self.embedder.embed_queries([query])[0]
        return self.retrieve_vector(vector, top_k, filters)

    def retrieve_vector(
        self, vector: np.ndarray, top_k: int = 10, filters: Filters | None = None
    ) -> list[Hit]:
        """Best chunks for a query vector among those `filters` accepts: the best windows,
        searching deeper (4x each round) until `top_k` chunks are found or all are seen. With
        filters, an exact (flat) index searches only the accepted chunks' windows (a faiss ID
        selector: the cost follows the windows searched, not the corpus); an approximate one
        skips the other windows among the best of all."""
        total = self.index.ntotal
        mask = self.masks.mask(filters)
        if top_k <= 0 or total == 0 or not mask.any():
            return []
        query = np.ascontiguousarray(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        searched, params = total, None
        if not mask.all() and isinstance(self.index, faiss.IndexFlat):
            windows = mask[self.window_owner]
            searched = int(windows.sum())
            if searched == 0:
                return []  # the accepted chunks have no embedded window yet (keyword search first)
            bitmap = np.packbits(windows, bitorder="little")  # faiss reads bit i of byte i // 8
            selector = faiss.IDSelectorBitmap(total, faiss.swig_ptr(bitmap))  # both kept alive for the search
            params = faiss.SearchParameters()
            params.sel = selector
        k = min(searched, max(64, top_k * 8))
        while True:
            scores, ids = self.index.search(query, k, params=params)
            owners, best = self._best_per_chunk(scores[0], ids[0], mask)
            if len(owners) >= top_k or k >= searched:
                break
            k = min(searched, k * 4)
        ranked = np.lexsort((owners, -best))[:top_k]  # best first, ties in reading order
        return [Hit(chunk=self.chunks[owners[i]], score=float(best[i]), source=self.source) for i in ranked]

    def _best_per_chunk(self, scores: np.ndarray, ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The chunks `mask` accepts among the owners of windows `ids` (-1: none) and each one's
        best window score times its weight (a lead counts less), in float64."""
        found = ids >= 0
        owners = self.window_owner[ids[found]]
        weighted = scores[found].astype(np.float64) * self._weights[owners].astype(np.float64)
        kept = mask[owners]
        owners, weighted = owners[kept], weighted[kept]
        order = np.lexsort((-weighted, owners))  # by chunk, its best window first
        owners, weighted = owners[order], weighted[order]
        first = np.ones(len(owners), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        return owners[first], weighted[first]

    # --- persistence ---------------------------------------------------------

    def save(self, index_path: Path, owner_path: Path) -> None:
        faiss.write_index(self.index, str(index_path))
        np.save(owner_path, self.window_owner.astype(np.int32), allow_pickle=False)

    @classmethod
    def load(
        cls, index_path: Path, owner_path: Path, chunks: Sequence[Chunk], embedder: Embedder,
        index_type: str = "flat",
    ) -> "DenseRetriever":
        index = faiss.read_index(str(index_path))
        owner = np.load(owner_path, allow_pickle=False)
        if len(owner) and int(owner.max()) >= len(chunks):
            raise ValueError("window map points past the last chunk")
        return cls(chunks, owner, index, embedder, index_type)
