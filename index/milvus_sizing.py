"""Which retrieval backend and index type to use at a given corpus size.

The thresholds come from the measured scale curve (`python -m eval.scale`,
eval/results/bench-scale.json; docs/SCALING.md explains them). Sizes are in
*vectors* for the dense index (index.dense embeds long paragraphs as several
windows: about 1.35 windows per chunk on the built-in plans) and in chunks for BM25.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

# Exact search costs ~n·d multiply-adds a query: on one core of this machine about
# 8 ms at 100K vectors (~80 ms at 1M), so exact stays under the 20 ms p95 budget up to
# a few hundred thousand vectors in a quiet process; we switch well before that because
# the API shares its cores with BM25, the embedder and other requests.
FLAT_MAX_VECTORS = 50_000
# Above this, a single process stops being the right tool: the dense index alone is
# n·1.8 KB (HNSW), building it takes many minutes, and one replica cannot be scaled out.
LOCAL_MAX_CHUNKS = 2_000_000
HNSW_M = 32
HNSW_EF_SEARCH = 64  # recall@10 >= 0.98 on the clustered synthetic set up to 1M (see scale curve)
IVF_NPROBE = 16


@dataclass(frozen=True)
class DenseIndexChoice:
    index_type: Literal["flat", "hnsw", "ivf"]
    reason: str
    hnsw_m: int = HNSW_M
    ef_search: int = HNSW_EF_SEARCH
    nlist: int = 0  # ivf only
    nprobe: int = IVF_NPROBE  # ivf only


def ivf_nlist(n_vectors: int) -> int:
    """About 4·√n inverted lists (faiss guideline), at least 16, a multiple of 16."""
    return max(16, int(round(4 * math.sqrt(max(n_vectors, 1)) / 16)) * 16)


def recommend_dense_index(n_vectors: int, *, memory_constrained: bool = False) -> DenseIndexChoice:
    """faiss index type for `n_vectors` dense vectors (dim 384, inner product).

    flat (exact) while it is fast enough; then HNSW, which is the fastest at a given
    recall and needs no training; IVF when memory or build time matter more (about
    15% smaller than HNSW and several times faster to build, slightly slower queries).
    """
    if n_vectors < 0:
        raise ValueError("n_vectors must be >= 0")
    if n_vectors <= FLAT_MAX_VECTORS:
        return DenseIndexChoice("flat", f"exact search is fast enough up to {FLAT_MAX_VECTORS:,} vectors")
    if memory_constrained:
        return DenseIndexChoice("ivf", "smaller and faster to build than HNSW", nlist=ivf_nlist(n_vectors))
    return DenseIndexChoice("hnsw", "lowest latency at recall@10 >= 0.95, no training")


def recommend_bm25(n_chunks: int) -> Literal["bm25s"]:
    """bm25s at every size: sparse matrix scoring, ~1000x faster than rank-bm25 at 100K chunks."""
    if n_chunks < 0:
        raise ValueError("n_chunks must be >= 0")
    return "bm25s"


def recommend_backend(n_chunks: int) -> Literal["local", "milvus"]:
    """The in-process index up to LOCAL_MAX_CHUNKS chunks, Milvus (cluster) beyond."""
    if n_chunks < 0:
        raise ValueError("n_chunks must be >= 0")
    return "local" if n_chunks <= LOCAL_MAX_CHUNKS else "milvus"
