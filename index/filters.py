"""Metadata filters (level, province, city, doc_type, year, issuer) resolved against the documents.

One resolver for every backend and interface: `resolve` turns the metadata fields of an
`index.types.Filters` into the doc_ids of the documents that pass them (a corpus holds a few
hundred documents), so the local retrievers (a chunk mask) and Milvus (`doc_id in [...]`)
apply exactly the same thing. `document_holds` is the per-field test; the Dify route composes
its richer conditions (not, or, contains …) from it.

Semantics of each field (the same on every interface):

- level: DocumentMeta.level, one of 国家 / 省 / 市 / 县 ("省级" reads 省).
- province: a province or 直辖市 ("河南" / "河南省"): its own documents and those of its cities
  and counties (corpus.hierarchy).
- city: any place ("安阳" / "安阳市", "林州市", "河南省", "全国"): its own documents and those of
  the places inside it; "全国" (or "国家") the national documents. A city name is read as a
  city before a province of the same stem (吉林 -> 吉林市).
- doc_type: the document's kind (方案, 规划, 意见, 通知, 办法 …, corpus.language.DOC_KINDS), or
  its class (行动工作方案, 规划, 通知公告, 意见决定, 办法条例).
- year: the year of the document's date; an undated document matches no year.
- issuer: one of the issuing bodies, or part of a body's name, once normalised
  (corpus.issuers: 国家发展改革委 = 国家发展和改革委员会; 发改委 is found in 河南省发展和改革委员会).

An unknown level, place or kind is refused (FilterError naming the field), never ignored: a
misspelt filter must not silently widen a search.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from corpus.hierarchy import PlaceKind, holds, resolve_place
from corpus.issuers import issuer_matches
from corpus.language import DOC_KINDS
from corpus.metadata import kind_class
from corpus.model import DocumentMeta
from corpus.text import matching
from index.types import LEVELS, METADATA_FIELDS, Filters

MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_TEXT = 100  # characters of a text filter value


class FilterError(ValueError):
    """A filter value that names nothing known: `field` is the filter's name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _text(field: str, value: str) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise FilterError(field, f"{field} must be at most {MAX_TEXT} characters")
    if text and not any(ch.isalnum() for ch in text):
        raise FilterError(field, f"{field} must contain a letter or digit")
    return text


def normalize(filters: Filters, documents: Sequence[DocumentMeta]) -> Filters:
    """The filters with every metadata value checked and in its stored form: the level without
    级, places by full name (河南 -> 河南省, 安阳 -> 安阳市, 国家 -> 全国), the kind and issuer
    trimmed. FilterError for an unknown level, place or kind, or a year out of range."""
    known = [d.city for d in documents]
    level = _text("level", filters.level)
    if level:
        level = level.removesuffix("级") if level.removesuffix("级") in LEVELS else level
        if level not in LEVELS:
            raise FilterError("level", f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    province = _place("province", _text("province", filters.province), known,
                      "give a province or 直辖市, e.g. 河南 or 河南省 (documents' provinces: "
                      f"{_listed(d.province for d in documents)})")
    city = _place("city", _text("city", filters.city), known,
                  f"no place of that name; give a city, county, province or 全国 (documents' places: {_listed(known)})")
    doc_type = _text("doc_type", filters.doc_type)
    if doc_type:
        kinds = set(DOC_KINDS) | set(DOC_KINDS.values()) | {d.doc_type for d in documents if d.doc_type}
        if doc_type not in kinds:
            raise FilterError("doc_type", f"unknown kind {doc_type!r}; use one of {', '.join(doc_kinds(documents))}")
    year = filters.year
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR):
        raise FilterError("year", f"year must be an integer from {MIN_YEAR} to {MAX_YEAR}")
    issuer = _text("issuer", filters.issuer)
    return replace(filters, level=level, province=province, city=city, doc_type=doc_type, year=year, issuer=issuer)


def _place(field: PlaceKind, name: str, known: Sequence[str], hint: str) -> str:
    """The full name of a province or city filter value ("" stays ""); FilterError naming the field."""
    if not name:
        return name
    found = resolve_place(name, known, kind=field)
    if found is None:
        raise FilterError(field, f"unknown {field} {name!r}; {hint}")
    return found


def _listed(names: Iterable[str], limit: int = 300) -> str:
    text = ", ".join(sorted({n for n in names if n}))
    return text if len(text) <= limit else text[:limit] + "…"


def doc_kinds(documents: Sequence[DocumentMeta] = ()) -> tuple[str, ...]:
    """The kinds a doc_type filter takes: the reader's kinds, then any other the documents carry."""
    return tuple(dict.fromkeys([*DOC_KINDS, *(d.doc_type for d in documents if d.doc_type)]))


def document_holds(field: str, value: str | int, meta: DocumentMeta) -> bool:
    """Whether the document passes one metadata filter whose value is normalised (`normalize`)."""
    if field == "level":
        return meta.level == value
    if field in ("province", "city"):
        return holds(str(value), meta)
    if field == "doc_type":
        return bool(meta.doc_type) and (matching(meta.doc_type) == matching(str(value)) or kind_class(meta.doc_type) == value)
    if field == "year":
        return meta.date[:4] == str(value)
    if field == "issuer":
        return issuer_matches(str(value), meta.issuer)
    raise ValueError(f"unknown filter field {field!r}")


def matching_documents(filters: Filters, documents: Sequence[DocumentMeta]) -> list[DocumentMeta]:
    """The documents every metadata field of `filters` holds for (and its doc_ids and cities,
    when set), in the given order. FilterError as `normalize`."""
    f = normalize(filters, documents)
    checks = [(name, getattr(f, name)) for name in METADATA_FIELDS if getattr(f, name) not in ("", None)]
    ids, cities = set(f.doc_ids), set(f.cities)
    return [d for d in documents
            if (not ids or d.doc_id in ids) and (not cities or d.city in cities)
            and all(document_holds(name, value, d) for name, value in checks)]


def resolve(filters: Filters | None, documents: Sequence[DocumentMeta]) -> Filters | None:
    """`filters` with its metadata fields turned into doc_ids (what every backend applies);
    None when no document passes them (the search returns nothing). Filters without metadata
    fields come back as they are. FilterError as `normalize`."""
    filters = filters or Filters()
    if not filters.has_metadata:
        return filters
    passed = matching_documents(filters, documents)
    if not passed:
        return None
    return replace(filters, doc_ids=tuple(d.doc_id for d in passed), level="", province="", city="",
                   doc_type="", year=None, issuer="")


def has_place(filters: Filters | None) -> bool:
    """Whether the filters name places (cities, province, city): they override the places a
    question names."""
    return filters is not None and bool(filters.cities or filters.province or filters.city)
