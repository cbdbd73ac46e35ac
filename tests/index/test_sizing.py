"""Backend and index-type recommendations by corpus size."""
from __future__ import annotations

import pytest

from index.sizing import (
    FLAT_MAX_VECTORS,
    LOCAL_MAX_CHUNKS,
    ivf_nlist,
    recommend_backend,
    recommend_bm25,
    recommend_dense_index,
)


def test_dense_index_by_size():
    assert recommend_dense_index(300).index_type == "flat"
    assert recommend_dense_index(FLAT_MAX_VECTORS).index_type == "flat"
    mid = recommend_dense_index(FLAT_MAX_VECTORS + 1)
    big = recommend_dense_index(1_000_000)
    assert mid.index_type == big.index_type == "hnsw"
    assert big.ef_search > mid.ef_search  # larger graphs need a wider search for the same recall
    ivf = recommend_dense_index(1_000_000, memory_constrained=True)
    assert ivf.index_type == "ivf" and ivf.nlist == ivf_nlist(1_000_000) == 4000


def test_backend_and_bm25_by_size():
    assert recommend_backend(229) == "local"
    assert recommend_backend(LOCAL_MAX_CHUNKS + 1) == "milvus"
    assert recommend_bm25(10**7) == "bm25s"
    with pytest.raises(ValueError):
        recommend_dense_index(-1)
