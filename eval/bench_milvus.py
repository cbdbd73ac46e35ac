"""Eval modes over Milvus.

`milvus`: what the API serves with POLICYQA_BACKEND=milvus (`Assistant.search` over
`index.milvus_backend.MilvusBackend`, hybrid): the served pipeline of the `hybrid` row, with
the corpus read from a Milvus store (POLICYQA_MILVUS_URI: a server, else milvus-lite in the
data dir). `python -m eval.bench_milvus` writes the parity table: eval/results/milvus-server.*
(a real Milvus server it starts, scripts/milvus-server.sh) and eval/results/milvus-lite.*.

`milvus-bm25`, `milvus-dense`, `milvus-hybrid` (index.milvus: milvus-lite's BM25 function):

    python -m eval run --modes hybrid,milvus-hybrid --plugin eval.bench_milvus

Each mode searches the Milvus collection mirroring the local index (built on first
use from the local index's vectors: nothing is re-embedded). Queries go through the
same preparation as the local plain modes (history prepended, then
`index.engine.auto_place_filter`), so the two backends are compared on retrieval alone.
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
    from index.engine import auto_place_filter
    from index.milvus import MilvusRetriever

    coll = collection_for(index)
    if fusion != coll.settings.fusion:  # same collection, other fusion strategy
        coll = copy.copy(coll)
        coll.settings = dataclasses.replace(coll.settings, fusion=fusion)
    retriever = MilvusRetriever(coll, mode)

    def search(question: str, history: tuple[str, ...], top_k: int) -> Sequence[Hit]:
        query, filters = auto_place_filter(naive_query(question, history), index.documents)
        return retriever.retrieve(query, top_k, filters) if filters is not None else []

    return search


_backends: dict[int, Any] = {}  # one MilvusBackend per SearchIndex object in this process


def backend_for(index: Any) -> Any:
    """The Milvus serving backend over a store mirroring `index` (built once per index)."""
    from index.milvus import MilvusSettings
    from index.milvus_backend import MilvusBackend

    key = id(index)
    if key not in _backends:
        _backends[key] = MilvusBackend.mirror(index, MilvusSettings.from_env(index.data_dir))
    return _backends[key]


def make_served_milvus_search(index: Any) -> Callable[[str, tuple[str, ...], int], Sequence[Hit]]:
    """The `milvus` mode: Assistant.search over the Milvus backend, as the API serves it."""
    from assistant.service import Assistant

    assistant = Assistant(backend_for(index))

    def search(question: str, history: tuple[str, ...], top_k: int) -> Sequence[Hit]:
        return assistant.search(question, history=history, top_k=top_k, mode="hybrid").hits

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

    def served(ctx):
        try:
            import pymilvus  # noqa: F401
        except ImportError as err:
            raise ModeUnavailable(f"pymilvus is not installed ({err})") from None
        return make_served_milvus_search(ctx.index)

    if "milvus" not in available_modes():
        register("milvus", served, "hybrid as the API serves it with POLICYQA_BACKEND=milvus "
                 "(Assistant over MilvusBackend; POLICYQA_MILVUS_URI or milvus-lite)")
    for name in MILVUS_EVAL_MODES:
        if name in available_modes():
            continue
        mode = name.removeprefix("milvus-").removesuffix("-ranker")
        fusion = "milvus" if name.endswith("-ranker") else "client"
        what = "hybrid_search + RRFRanker" if fusion == "milvus" else mode
        register(name, factory(mode, fusion), f"Milvus ({what}); milvus-lite in the data dir or POLICYQA_MILVUS_URI")


register_milvus_modes()


def main(argv: list[str] | None = None) -> int:
    """The parity table: `hybrid` (local) next to `milvus` on a real Milvus server and on
    milvus-lite -> eval/results/milvus-server.* and eval/results/milvus-lite.*."""
    import argparse
    import os
    import tempfile
    from pathlib import Path

    from eval.__main__ import main as eval_main

    parser = argparse.ArgumentParser(prog="python -m eval.bench_milvus", description=main.__doc__)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--only", choices=("server", "lite"), default=None)
    args = parser.parse_args(argv)
    common = ["run", "--plugin", "eval.bench_milvus", "--modes", "hybrid,milvus"]
    if args.data_dir is not None:
        common += ["--data-dir", str(args.data_dir)]
    code = 0
    if args.only in (None, "server"):
        from eval.replicas import milvus_server

        with tempfile.TemporaryDirectory(prefix="policyqa-milvus-eval-") as tmp, milvus_server(Path(tmp)) as server:
            os.environ["POLICYQA_MILVUS_URI"] = server.uri
            try:
                code |= eval_main([*common, "--name", "milvus-server"])
            finally:
                os.environ.pop("POLICYQA_MILVUS_URI", None)
                _backends.clear()
    if args.only in (None, "lite"):
        with tempfile.TemporaryDirectory(prefix="policyqa-milvus-lite-") as tmp:
            os.environ["POLICYQA_MILVUS_URI"] = str(Path(tmp) / "milvus.db")
            try:
                code |= eval_main([*common, "--name", "milvus-lite"])
            finally:
                os.environ.pop("POLICYQA_MILVUS_URI", None)
                _backends.clear()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
