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

# Exact search costs n·d multiply-adds a query: measured on one (shared) core here,
# p50 1.2 ms at 10K vectors, 17.5 ms at 100K, 219 ms at 1M. Past ~50K it eats most of
# a 20 ms budget that the query embedding and BM25 also need.
FLAT_MAX_VECTORS = 50_000
# Above this, a single process stops being the right tool: the dense index alone is
# n·1.8 KB (HNSW), building it takes many minutes, and one replica cannot be scaled out.
LOCAL_MAX_CHUNKS = 2_000_000
HNSW_M = 32
# Measured recall@10 (clustered synthetic vectors): 100K: ef 64 -> 0.99; 1M: ef 64 -> 0.93,
# ef 128 -> 0.98 (p95 0.8 ms). Uniform random vectors need ef 512 already at 10K.
HNSW_EF_SMALL, HNSW_EF_LARGE, HNSW_EF_SWITCH = 64, 128, 200_000
IVF_NPROBE = 16  # generous: 1M clustered reached 0.95 at nprobe 1, 0.995 at 16 (p95 2.7 ms)


@dataclass(frozen=True)
class DenseIndexChoice:
    index_type: Literal["flat", "hnsw", "ivf"]
    reason: str
    hnsw_m: int = HNSW_M
    ef_search: int = HNSW_EF_SMALL
    nlist: int = 0  # ivf only
    nprobe: int = IVF_NPROBE  # ivf only


def ivf_nlist(n_vectors: int) -> int:
    """About 4·√n inverted lists (faiss guideline), at least 16, a multiple of 16."""
    return max(16, int(round(4 * math.sqrt(max(n_vectors, 1)) / 16)) * 16)


def recommend_dense_index(n_vectors: int, *, memory_constrained: bool = False) -> DenseIndexChoice:
    """faiss index type for `n_vectors` dense vectors (dim 384, inner product).

    flat (exact) while it is fast enough; then HNSW, which is the fastest at a given
    recall and needs no training; IVF when memory or build time matter more (about
    15% smaller than HNSW, 3x faster to build at 1M: 144 s vs 460 s; but its recall depends
    on the data clustering - on uniform vectors it missed 0.95 even at nprobe 256 of 400).
    """
    if n_vectors < 0:
        raise ValueError("n_vectors must be >= 0")
    if n_vectors <= FLAT_MAX_VECTORS:
        return DenseIndexChoice("flat", f"exact search is fast enough up to {FLAT_MAX_VECTORS:,} vectors")
    if memory_constrained:
        return DenseIndexChoice("ivf", "smaller and faster to build than HNSW", nlist=ivf_nlist(n_vectors))
    ef = HNSW_EF_SMALL if n_vectors <= HNSW_EF_SWITCH else HNSW_EF_LARGE
    return DenseIndexChoice("hnsw", "recall@10 >= 0.95 under 1 ms at 1M vectors, no training", ef_search=ef)


def recommend_bm25(n_chunks: int) -> Literal["bm25s"]:
    """bm25s at every size: 430-550x faster than rank-bm25 (p50, 10K-100K chunks), p95 23 ms at 1M."""
    if n_chunks < 0:
        raise ValueError("n_chunks must be >= 0")
    return "bm25s"


def recommend_backend(n_chunks: int) -> Literal["local", "milvus"]:
    """The in-process index up to LOCAL_MAX_CHUNKS chunks, Milvus (cluster) beyond."""
    if n_chunks < 0:
        raise ValueError("n_chunks must be >= 0")
    return "local" if n_chunks <= LOCAL_MAX_CHUNKS else "milvus"
