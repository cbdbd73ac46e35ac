"""The documents behind the chat page and the controls that filter them, shared by its tabs
(智能问答's 文件筛选, 指标对比's places, 文件库): one accessor for the documents of the index
being served (`documents_of`, the same on the local and the Milvus backend: both expose
SearchBackend.documents), one reading of the filter controls (`page_filters`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from assistant.library import facet_values
from corpus.model import DocumentMeta
from index.protocol import SearchBackend
from index.types import LEVELS, Filters

if TYPE_CHECKING:
    from assistant.service import Assistant

GetAssistant = Callable[[], "Assistant"]
ANY = "全部"  # the filter dropdowns' "no restriction"
FILTER_FIELDS = ("level", "province", "doc_type", "year")  # the filter dropdowns, in order


def index_of(assistant: Assistant) -> SearchBackend:
    """The index behind an Assistant (for neighbours, documents and the viewer)."""
    return assistant.index


def documents_of(get_assistant: GetAssistant) -> Sequence[DocumentMeta]:
    """The documents of the index served now (read on every page load and request: an upload
    swaps the index). Raises while the index is not ready."""
    return index_of(get_assistant()).documents


def filter_choices(documents: Sequence[DocumentMeta]) -> dict[str, list[str]]:
    """The values of the filter dropdowns (level, province, doc_type, year), each led by 全部:
    the levels, and the provinces, kinds and years the documents have, in the library's order
    (assistant.library.facet_values)."""
    return {"level": [ANY, *LEVELS], **{field: [ANY, *facet_values(field, documents)] for field in FILTER_FIELDS[1:]}}


def page_filters(level: str | None, province: str | None, doc_type: str | None, year: str | None,
                 issuer: str | None = None) -> Filters | None:
    """The metadata filters (index.filters) the page's controls set; None when none is."""
    def chosen(value: str | None) -> str:
        return "" if not value or value == ANY else str(value).strip()

    filters = Filters(level=chosen(level), province=chosen(province), doc_type=chosen(doc_type),
                      year=int(chosen(year)) if chosen(year).isdigit() else None, issuer=chosen(issuer))
    return filters if filters.has_metadata else None
