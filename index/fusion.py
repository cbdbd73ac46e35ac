"""Reciprocal rank fusion (pure function)."""
from __future__ import annotations

from collections.abc import Sequence

from corpus.model import Chunk
from index.types import Hit


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Hit]],
    k: int = 60,
    weights: Sequence[float] | None = None,
    top_k: int | None = None,
) -> list[Hit]:
    """Fuse best-first rankings: score(d) = sum_i w_i / (k + rank_i(d)), rank 1-based.

    Cormack, Clarke & Buettcher, "Reciprocal Rank Fusion outperforms Condorcet and individual
    rank learning methods" (SIGIR 2009). Only ranks are used, so BM25 scores and cosine
    similarities need no calibration. k = 60 is the paper's value: it damps the head of each
    list so that one retriever's first place does not outweigh agreement between retrievers
    (with k = 60, ranks 1 and 10 differ by only ~13%). A chunk missing from a list gets
    nothing from it. Ties keep the order of first appearance (list order, then rank).
    Returned hits carry the fused score and source "hybrid".
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking, weight in zip(rankings, weights):
        seen: set[str] = set()
        for hit in ranking:
            cid = hit.chunk.chunk_id
            if cid in seen:  # a list that repeats a chunk counts its best rank only
                continue
            seen.add(cid)
            rank = len(seen)  # 1-based, after de-duplication
            chunks.setdefault(cid, hit.chunk)
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    order = sorted(scores, key=lambda cid: -scores[cid])  # stable: first appearance breaks ties
    if top_k is not None:
        order = order[: max(top_k, 0)]
    return [Hit(chunk=chunks[cid], score=scores[cid], source="hybrid") for cid in order]
