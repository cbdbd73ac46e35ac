"""Fusion of ranked lists (pure functions): reciprocal rank fusion and normalised score fusion."""
from __future__ import annotations

from collections.abc import Sequence

from corpus.model import Chunk
from index.types import Hit


def _weights(rankings: Sequence[Sequence[Hit]], weights: Sequence[float] | None) -> Sequence[float]:
    """One weight per ranking (1 each by default)."""
    if weights is None:
        return [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    return weights


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
    weights = _weights(rankings, weights)
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


def score_fusion(
    rankings: Sequence[Sequence[Hit]],
    weights: Sequence[float] | None = None,
    top_k: int | None = None,
) -> list[Hit]:
    """Normalised score fusion: score(d) = sum_i w_i * (s_i(d) - min_i) / (max_i - min_i),
    each list min-max normalised over its own hits (a list whose scores are all equal gives
    each of its hits 1; a chunk missing from a list gets 0 from it). Scores of different
    retrievers (BM25, cosine, a reranker's evidence) are thus put on one 0..1 scale per query
    ("CombSUM" with min-max normalisation, Fox & Shaw 1994; Lee, SIGIR 1997). Ties keep the
    order of first appearance. Returned hits carry the fused score and source "hybrid"."""
    weights = _weights(rankings, weights)
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for ranking, weight in zip(rankings, weights):
        best: dict[str, float] = {}
        for hit in ranking:
            cid = hit.chunk.chunk_id
            chunks.setdefault(cid, hit.chunk)
            if cid not in best:  # a list that repeats a chunk counts its first (best) score
                best[cid] = float(hit.score)
        if not best:
            continue
        lo, hi = min(best.values()), max(best.values())
        for cid, value in best.items():
            norm = 1.0 if hi <= lo else (value - lo) / (hi - lo)
            scores[cid] = scores.get(cid, 0.0) + weight * norm
        for cid in chunks:
            scores.setdefault(cid, 0.0)
    order = sorted(scores, key=lambda cid: -scores[cid])
    if top_k is not None:
        order = order[: max(top_k, 0)]
    return [Hit(chunk=chunks[cid], score=scores[cid], source="hybrid") for cid in order]
