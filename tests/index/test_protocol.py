"""index.protocol.SearchBackend: everything the assistant uses of a backend is declared, and the
local index has it (the Milvus backend: tests/index/test_milvus_backend.py)."""
from __future__ import annotations

from index.protocol import SearchBackend

MEMBERS = sorted(n for n in vars(SearchBackend) if not n.startswith("_"))


def backend_has_the_protocol(backend: object) -> None:
    missing = [n for n in MEMBERS if not hasattr(backend, n)]
    assert not missing, missing
    assert backend.embedder is not None and backend.clause_vectors is not None  # type: ignore[attr-defined]
    assert "清洁取暖" in backend.vocabulary() or len(backend.vocabulary()) > 1000  # type: ignore[attr-defined]


def test_the_protocol_declares_what_the_assistant_reads():
    assert {"embedder", "clause_vectors", "vocabulary", "bm25", "dense", "chunks", "documents"} <= set(MEMBERS)


def test_the_local_index_implements_it(search_index):
    backend_has_the_protocol(search_index)
