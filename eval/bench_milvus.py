"""Eval modes `milvus-bm25`, `milvus-dense`, `milvus-hybrid` (the Milvus backend).

    python -m eval run --modes hybrid,milvus-hybrid --plugin eval.bench_milvus

Each mode searches the Milvus collection mirroring the local index (built on first
use from the local index's vectors: nothing is re-embedded). Queries go through the
same preparation as the local plain modes (history prepended, then
`index.engine.auto_city_filter`), so the two backends are compared on retrieval alone.
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from index.types import Hit

MILVUS_EVAL_MODES = ("milvus-bm25", "milvus-dense", "milvus-hybrid", "milvus-hybrid-ranker")

_collections: dict[int, Any] = {}  # one collection per SearchIndex object in this process


def collection_for(index: Any) -> Any:
    """The Milvus collection mirroring `index` (opened, and built if needed, once)."""
    from index.milvus import open_milvus

    key = id(index)
    if key not in _collections:
        _collections[key] = open_milvus(index)
    return _collections[key]


def make_milvus_search(index: Any, mode: str, fusion: str = "client") -> Callable[[str, tuple[str, ...], int], Sequence[Hit]]:
    """Search callable for the eval runner: (question, history, top_k) -> hits."""
    from eval.runner import naive_query
    from index.engine import auto_city_filter
    from index.milvus import MilvusRetriever

    coll = collection_for(index)
    if fusion != coll.settings.fusion:  # same collection, other fusion strategy
        coll = copy.copy(coll)
        coll.settings = dataclasses.replace(coll.settings, fusion=fusion)
    retriever = MilvusRetriever(coll, mode)

    def search(question: str, history: tuple[str, ...], top_k: int) -> Sequence[Hit]:
        query, filters = auto_city_filter(naive_query(question, history), index.documents)
        return retriever.retrieve(query, top_k, filters)

    return search


def register_milvus_modes(register: Callable[..., None] | None = None) -> None:
    """Register the three Milvus modes with the eval runner (idempotent)."""
    from eval.runner import ModeUnavailable, available_modes, register_mode

    register = register or register_mode

    def factory(mode: str, fusion: str):
        def make(ctx):
            try:
                import pymilvus  # noqa: F401
            except ImportError as err:
                raise ModeUnavailable(f"pymilvus is not installed ({err})") from None
            return make_milvus_search(ctx.index, mode, fusion)

        return make

    for name in MILVUS_EVAL_MODES:
        if name in available_modes():
            continue
        mode = name.removeprefix("milvus-").removesuffix("-ranker")
        fusion = "milvus" if name.endswith("-ranker") else "client"
        what = "hybrid_search + RRFRanker" if fusion == "milvus" else mode
        register(name, factory(mode, fusion), f"Milvus ({what}); milvus-lite in the data dir or POLICYQA_MILVUS_URI")


register_milvus_modes()
