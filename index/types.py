"""The retriever contract shared by every backend (BM25, dense, hybrid, Milvus)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, get_args

from corpus.model import Chunk, DocumentMeta

# A news lead (Chunk.kind == "lead": a news site's text around a reposted plan) is retrieved
# at this weight: every retriever multiplies a lead chunk's score by it, so the plan's own
# clause outranks a lead that repeats it, and a figure stated only in a lead is still found.
LEAD_WEIGHT = 0.6

# The retrieval modes, defined once: every layer (CLI, API, chat page, eval, Milvus) uses these.
Mode = Literal["bm25", "dense", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)


@dataclass(frozen=True)
class Filters:
    """Metadata filters; an empty tuple means no restriction on that field."""

    cities: tuple[str, ...] = ()  # full names as in DocumentMeta.city ("铁岭市")
    doc_ids: tuple[str, ...] = ()
    include_lead: bool = True  # False: only the plan's own text (no news-style lead)

    def accepts(self, chunk: Chunk) -> bool:
        if self.cities and chunk.city not in self.cities:
            return False
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        return self.include_lead or chunk.kind != "lead"


def chunk_weight(chunk: Chunk) -> float:
    """The factor a retriever applies to the chunk's score (LEAD_WEIGHT for a lead, else 1)."""
    return LEAD_WEIGHT if chunk.kind == "lead" else 1.0


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


class SearchBackend(Protocol):
    """What the assistant searches and reads from: the chunks and documents of one corpus,
    a lexical and a dense retriever over them, and chunk context. `index.engine.SearchIndex`
    is the local implementation."""

    @property
    def chunks(self) -> tuple[Chunk, ...]: ...

    @property
    def documents(self) -> tuple[DocumentMeta, ...]: ...

    @property
    def bm25(self) -> Retriever: ...

    @property
    def dense(self) -> Retriever: ...

    def get_chunk(self, chunk_id: str) -> Chunk: ...

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> tuple[Chunk, ...]: ...

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]: ...
