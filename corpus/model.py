"""Typed records that flow from the corpus to every consumer (index, assistant, API, UI).

One frozen `Chunk` per source paragraph; code that needs a changed copy uses
`dataclasses.replace`. Ids are stable across rebuilds (see `make_chunk_id`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

ChunkKind = Literal["body", "heading", "lead"]


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one plan, read from the manifest or given on `add`."""

    doc_id: str  # short ascii slug, e.g. "tieling-2022-jnjp"
    city: str  # "铁岭市"
    province: str  # "辽宁省"
    title: str  # full title without book-title marks
    issuer: str = ""  # issuing body, e.g. "铁岭市人民政府"
    doc_number: str = ""  # 文号, e.g. "安府发〔2022〕17号"; "" when not given
    date: str = ""  # ISO date "2022-12-23"; "" when not given
    source_file: str = ""  # file name inside the corpus/data dir (never an absolute path)
    content_hash: str = ""  # sha256 of the source bytes

    @property
    def city_short(self) -> str:
        """City name without the administrative suffix: 铁岭市 -> 铁岭 (corpus.places)."""
        from corpus.places import short_name

        return short_name(self.city)


@dataclass(frozen=True)
class Chunk:
    """One paragraph of a plan, with everything needed to cite it."""

    chunk_id: str  # stable: f"{doc_id}-{sha1(match_text)[:10]}" (+ "-2", "-3" for repeats)
    doc_id: str
    city: str  # "铁岭市"
    province: str
    title: str  # document title
    section: tuple[str, ...]  # full heading texts, outermost first
    section_path: str  # compact labels, e.g. "三、（三）"; "" for preamble
    paragraph: int  # 1-based ordinal of the paragraph in the whole document
    section_paragraph: int  # 1-based ordinal of the paragraph inside its section
    text: str  # display text: as the plan writes it (conversion artifacts removed); quoted as is
    match_text: str  # matching text of `text` (corpus.text.matching): what every matcher reads
    start: int  # character offsets of `text` into the source file's decoded text
    end: int
    sentences: tuple[str, ...]  # display sentences of `text`, for highlighting
    kind: ChunkKind = "body"  # "lead" = news-style text that is not the plan's own

    @property
    def citation(self) -> str:
        """Human-readable reference, e.g. 《铁岭市“十四五”节能减排综合工作方案》三、（三） 第2段."""
        where = f"{self.section_path} " if self.section_path else ""
        if self.kind == "heading":  # a heading is cited as the heading of its section, not a 段
            return f"《{self.title}》{where}标题"
        prefix = "导语 " if self.kind == "lead" else ""
        return f"《{self.title}》{prefix}{where}第{self.section_paragraph}段"


def make_chunk_id(doc_id: str, match_text: str) -> str:
    """Content-derived id: survives re-chunking elsewhere in the document, and a plan in
    Traditional script gets the ids of its Simplified twin (same matching text)."""
    digest = hashlib.sha1(match_text.encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}-{digest}"


@dataclass(frozen=True)
class Document:
    """A parsed plan: its metadata and its chunks in reading order."""

    meta: DocumentMeta
    chunks: tuple[Chunk, ...] = field(default_factory=tuple)
