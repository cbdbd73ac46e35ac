"""The serving backend, chosen by POLICYQA_BACKEND (policyqa.settings): `local` or `milvus`.

- `local`: `index.engine.SearchIndex`, the index in this process's data directory.
- `milvus`: `index.milvus_backend.MilvusBackend`, the shared store on the Milvus server or
  cluster at POLICYQA_MILVUS_URI, which every replica reads (docs/SCALING.md).

Both implement `index.protocol.SearchBackend`, so the assistant, the API and the chat page are
the same code over either.
"""
from __future__ import annotations

import os
from typing import Any

BACKENDS = ("local", "milvus")


def backend_kind(value: str | None = None) -> str:
    from policyqa.settings import load_settings

    kind = value or load_settings().backend
    if kind not in BACKENDS:
        raise ValueError(f"unknown backend {kind!r}; choose one of {', '.join(BACKENDS)}")
    return kind


def open_backend(data_dir: str | os.PathLike[str] | None = None, embedder: Any = None,
                 kind: str | None = None, **local_options: Any) -> Any:
    """The backend POLICYQA_BACKEND (or `kind`) names, opened over `data_dir`."""
    if backend_kind(kind) == "milvus":
        from index.milvus_backend import MilvusBackend

        return MilvusBackend.open(data_dir, embedder)
    from index.engine import SearchIndex

    return SearchIndex.open(data_dir, embedder=embedder, **local_options)
