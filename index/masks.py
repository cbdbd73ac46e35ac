"""Which chunks a `Filters` accepts, as a boolean array over a fixed chunk sequence.

`Filters.accepts` tests one chunk; a retriever asks about every chunk of its corpus on every
query, which in Python costs a call per chunk (tens of thousands in a library). `ChunkMasks`
reads each chunk's document, city and kind once, as small integer codes, so a query's mask is
a few vectorised lookups: its cost no longer grows with the Python work per chunk. It accepts
exactly what `Filters.accepts` accepts (tests/index/test_masks.py checks it on the corpus).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from corpus.model import Chunk
from index.types import Filters


def _codes(values: Sequence[str]) -> tuple[dict[str, int], np.ndarray]:
    """Each distinct value's code (first-seen order) and the code of every value."""
    table: dict[str, int] = {}
    codes = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int32, count=len(values))
    return table, codes


def _member(codes: np.ndarray, table: Mapping[str, int], wanted: Iterable[str]) -> np.ndarray:
    """Where `codes` is the code of one of `wanted` (values absent from `table` match nothing)."""
    lookup = np.zeros(len(table) + 1, dtype=bool)
    lookup[[table[w] for w in wanted if w in table]] = True
    return lookup[codes]


class ChunkMasks:
    """Filter masks over `chunks` (in their order)."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.size = len(chunks)
        self._doc_table, self._docs = _codes([c.doc_id for c in chunks])
        self._city_table, self._cities = _codes([c.city for c in chunks])
        self._lead = np.fromiter((c.kind == "lead" for c in chunks), dtype=bool, count=len(chunks))
        self._everything = np.ones(len(chunks), dtype=bool)
        self._everything.flags.writeable = False

    def mask(self, filters: Filters | None = None) -> np.ndarray:
        """Boolean array: which chunks `filters` accepts (read-only; all True without filters).
        ValueError for unresolved metadata fields, as `Filters.predicate`."""
        filters = filters or Filters()
        if filters.has_metadata:
            raise ValueError("metadata filters must be resolved against the documents first (index.filters.resolve)")
        if not (filters.cities or filters.doc_ids or not filters.include_lead):
            return self._everything
        mask = np.ones(self.size, dtype=bool)
        if filters.cities:
            mask &= _member(self._cities, self._city_table, filters.cities)
        if filters.doc_ids:
            mask &= _member(self._docs, self._doc_table, filters.doc_ids)
        if not filters.include_lead:
            mask &= ~self._lead
        mask.flags.writeable = False
        return mask
