"""The document library: the indexed documents listed, filtered, searched by title and counted
by level, province, kind and year. One module for the 文件库 tab of the chat page and
`GET /api/v1/documents`, so that both list the same documents in the same order with the same
counts.

- Filters are the search's own metadata filters (index.filters.matching_documents: a province
  holds its cities' and counties' documents, a kind its class …); an unknown value is a
  FilterError, as in a search.
- The title search reads matching text (corpus.text.matching: full-width and Traditional script
  read the same); every word given must occur in the title (or in the 文号).
- A facet's count of a value is the number of documents that filter on that value would keep
  (index.filters.document_holds), so a count never disagrees with what choosing it shows.
- Order: by level (国家, 省, 市, 县, then unknown), province (GB/T 2260 order), place, newest
  first, title.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.hierarchy import doc_place
from corpus.model import DocumentMeta
from corpus.places import NATIONAL
from corpus.text import matching
from index.filters import document_holds, matching_documents
from index.types import LEVELS, Filters

FACETS: tuple[str, ...] = ("level", "province", "doc_type", "year")  # the counts, in order
FACET_LABELS = {"level": "级别", "province": "省份", "doc_type": "文种", "year": "年份"}
UNKNOWN = "未注明"  # a facet value the document does not state (no level, no date …)
MAX_QUERY = 100  # characters of a title search


@dataclass(frozen=True)
class FacetCount:
    value: str  # the filter value ("国家", "河南省", "方案", "2022"), or UNKNOWN
    count: int


def year_of(meta: DocumentMeta) -> str:
    """The year of the document's date ("" when undated)."""
    return meta.date[:4] if meta.date[:4].isdigit() else ""


def place_label(meta: DocumentMeta) -> str:
    """The document's place as the library shows it: "全国", "河南省", "安阳市（河南省）",
    "徐汇区（上海市）", "定州市（河北省保定市）"."""
    place = doc_place(meta)
    if place.is_national or place.is_province or not place.province:
        return place.name
    above = place.province + (place.prefecture if place.prefecture and place.prefecture != place.province else "")
    return f"{place.name}（{above}）"


def title_matches(query: str, meta: DocumentMeta) -> bool:
    """Whether every word of `query` occurs in the document's title or 文号 (matching text)."""
    words = [w for w in (matching(part) for part in query[:MAX_QUERY].split()) if w]
    text = matching(meta.title) + " " + matching(meta.doc_number)
    return all(w in text for w in words)


def _level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def ordered(documents: Sequence[DocumentMeta]) -> list[DocumentMeta]:
    """`documents` in library order (module doc); undated documents after the dated ones of their place."""
    by_title = sorted(documents, key=lambda d: d.title)
    newest = sorted(by_title, key=lambda d: d.date or "0", reverse=True)  # stable: sorts nest
    return sorted(newest, key=lambda d: (_level_rank(d.level), doc_place(d).order, doc_place(d).name))


def select(documents: Sequence[DocumentMeta], filters: Filters | None = None, title: str = "") -> list[DocumentMeta]:
    """The documents passing `filters` (index.filters; FilterError for an unknown value) whose
    title matches `title`, in library order."""
    passed = matching_documents(filters, documents) if filters is not None else list(documents)
    return ordered([d for d in passed if title_matches(title, d)])


def facet_values(field: str, documents: Sequence[DocumentMeta]) -> list[str]:
    """The values a facet takes over `documents`, in the order the library shows them: the
    levels in LEVELS order, provinces in GB/T 2260 order, kinds by name, years newest first."""
    if field == "level":
        return [v for v in LEVELS if any(d.level == v for d in documents)]
    if field == "province":
        provinces = {d.province: doc_place(d).order for d in documents if d.province}
        return sorted(provinces, key=lambda p: (provinces[p], p))
    if field == "doc_type":
        return sorted({d.doc_type for d in documents if d.doc_type})
    if field == "year":
        return sorted({year_of(d) for d in documents if year_of(d)}, reverse=True)
    raise ValueError(f"unknown facet {field!r}")


def _states(field: str, meta: DocumentMeta) -> bool:
    """Whether the document has a value for the facet (a national document needs no province)."""
    if field == "year":
        return bool(year_of(meta))
    if field == "province":
        return bool(meta.province) or meta.city == NATIONAL
    return bool(getattr(meta, field))


def counts(documents: Sequence[DocumentMeta]) -> dict[str, list[FacetCount]]:
    """For each facet (FACETS), each value with the number of `documents` a filter on it keeps;
    last, UNKNOWN with the number of documents that state no value (national documents have no
    province, so they are not counted as unknown there)."""
    out: dict[str, list[FacetCount]] = {}
    for field in FACETS:
        values = facet_values(field, documents)
        found = [FacetCount(v, sum(document_holds(field, v, d) for d in documents)) for v in values]
        unknown = sum(not _states(field, d) for d in documents)
        out[field] = found + ([FacetCount(UNKNOWN, unknown)] if unknown else [])
    return out
