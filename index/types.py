"""The retriever contract shared by every backend (BM25, dense, hybrid, Milvus)."""
from __future__ import annotations

from collections.abc import Callable
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


# The metadata filter fields, named alike on every interface (API `filters`, CLI options, MCP
# arguments, Dify `metadata_condition` names, the chat page): index.filters resolves them.
METADATA_FIELDS: tuple[str, ...] = ("level", "province", "city", "doc_type", "year", "issuer")
# DocumentMeta.level values.
LEVELS: tuple[str, ...] = ("国家", "省", "市", "县")


@dataclass(frozen=True)
class Filters:
    """What a search may return; every field left empty (or None) restricts nothing, and the
    fields that are set must all hold.

    `cities`, `doc_ids` and `include_lead` are read from a chunk (`accepts`, and the Milvus
    expression of index.milvus). The metadata fields are read from a chunk's document:
    `index.filters.resolve` turns them into `doc_ids` against the documents, once, before any
    backend sees them, so every backend applies the same thing (a retriever handed unresolved
    metadata fields refuses them).
    """

    cities: tuple[str, ...] = ()  # full names as in DocumentMeta.city ("铁岭市"), exact
    doc_ids: tuple[str, ...] = ()
    include_lead: bool = True  # False: only the plan's own text (no news-style lead)
    # Metadata fields (index.filters):
    level: str = ""  # "国家" | "省" | "市" | "县" (DocumentMeta.level)
    province: str = ""  # a province: its documents and those of its cities and counties
    city: str = ""  # a place: its documents and those of the places inside it (全国: the national ones)
    doc_type: str = ""  # kind: 方案, 规划, 通知 … (or its class: 行动工作方案, 通知公告 …)
    year: int | None = None  # the year of the document's date
    issuer: str = ""  # an issuing body, or part of its name ("发改委", "国家发展改革委")

    @property
    def has_metadata(self) -> bool:
        """Whether a metadata field is set (the filters need `index.filters.resolve`)."""
        return any(getattr(self, name) not in ("", None) for name in METADATA_FIELDS)

    def predicate(self) -> Callable[[Chunk], bool]:
        """`accepts` as one function, for testing many chunks (sets built once)."""
        if self.has_metadata:
            raise ValueError("metadata filters must be resolved against the documents first (index.filters.resolve)")
        cities, doc_ids, leads = frozenset(self.cities), frozenset(self.doc_ids), self.include_lead

        def accepts(chunk: Chunk) -> bool:
            return ((not cities or chunk.city in cities) and (not doc_ids or chunk.doc_id in doc_ids)
                    and (leads or chunk.kind != "lead"))

        return accepts

    def accepts(self, chunk: Chunk) -> bool:
        return self.predicate()(chunk)


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
