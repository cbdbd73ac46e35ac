"""The search backend protocol: everything the assistant uses of a backend, declared.

`index.engine.SearchIndex` (local) and `index.milvus_backend.MilvusBackend` implement it: the
chunks and documents of one corpus, a lexical and a dense retriever over them, chunk context,
the embedder (questions and clauses are embedded with the one the windows were), the clause
vectors (cached on disk beside the index) and the corpus's vocabulary (the words a follow-up's
topic may be made of). The assistant reads nothing else of a backend.
"""
from __future__ import annotations

from typing import Protocol

from corpus.model import Chunk, DocumentMeta
from index.clause_vectors import ClauseVectors
from index.embedders import Embedder
from index.types import Retriever


class SearchBackend(Protocol):
    @property
    def chunks(self) -> tuple[Chunk, ...]: ...

    @property
    def documents(self) -> tuple[DocumentMeta, ...]: ...

    @property
    def bm25(self) -> Retriever: ...

    @property
    def dense(self) -> Retriever: ...

    @property
    def embedder(self) -> Embedder | None:
        """The embedder of the dense windows (None: the backend embeds nothing locally)."""
        ...

    @property
    def clause_vectors(self) -> ClauseVectors | None:
        """Clause vectors over `embedder`, cached in the backend's data directory."""
        ...

    def vocabulary(self) -> frozenset[str]:
        """The corpus's words as the lexical retriever indexed them."""
        ...

    def get_chunk(self, chunk_id: str) -> Chunk: ...

    def neighbours(self, chunk_id: str, before: int = 1, after: int = 1) -> tuple[Chunk, ...]: ...

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]: ...
