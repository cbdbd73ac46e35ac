"""The retriever contract shared by every backend (BM25, dense, hybrid, Milvus)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from corpus.model import Chunk

Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[str, ...] = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class Filters:
    """Metadata filters; an empty tuple means no restriction on that field."""

    cities: tuple[str, ...] = ()  # full names as in DocumentMeta.city ("铁岭市")
    doc_ids: tuple[str, ...] = ()
    include_lead: bool = False  # news-style lead text is not the plan's own text

    def accepts(self, chunk: Chunk) -> bool:
        if self.cities and chunk.city not in self.cities:
            return False
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        return self.include_lead or chunk.kind != "lead"


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk. `source` names the retriever that produced the score."""

    chunk: Chunk
    score: float
    source: str  # "bm25" | "dense" | "hybrid" | "milvus-..." | "assistant"


class Retriever(Protocol):
    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Best-first hits for `query`; at most `top_k`; only chunks `filters` accepts."""
        ...
