"""Typed records that flow from the corpus to every consumer (index, assistant, API, UI).

One frozen `Chunk` per source paragraph; code that needs a changed copy uses
`dataclasses.replace`. Ids are stable across rebuilds (see `make_chunk_id`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

ChunkKind = Literal["body", "heading", "lead", "notice"]  # the stored `Chunk.kind`
# What a chunk is, as every reader asks it (`Chunk.role`): a table row is a body chunk whose
# cells are tab-separated. "document facts" are no chunk: metadata is DocumentMeta.
ChunkRole = Literal["body", "heading", "table_row", "lead", "notice"]


@dataclass(frozen=True)
class DocRef:
    """A higher-level document a plan implements, as the plan cites it:
    《辽宁省人民政府关于印发辽宁省“十四五”节能减排综合工作方案的通知》（辽政发〔2022〕16号）."""

    title: str  # without book-title marks; "" when only the number is cited
    number: str  # 文号 as written, e.g. "辽政发〔2022〕16号"; "" when only the title is cited


@dataclass(frozen=True)
class MetaSource:
    """Where a metadata value was read: the display line (or sentence) of the plan that states
    it, a verbatim substring of one chunk's text (corpus.metadata)."""

    field: str  # "title" | "issuer" | "doc_number" | "date" | "implements" | "meeting" | "doc_type" | "level" | "city" …
    value: str  # the value read (for "implements": the DocRef's number, else its title)
    line: str  # verbatim display text it was read from


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata of one plan: given in the manifest or on `add` (those win), else read from the
    plan's text on ingestion (corpus.metadata; `sources` says which line each came from)."""

    doc_id: str  # short ascii slug, e.g. "tieling-2022-jnjp"
    # The place the document belongs to, most specific level that applies: "铁岭市"; a
    # province's own document "河南省"; a county's "繁昌区" (with `prefecture` its city); a
    # national document "全国" (corpus.places.NATIONAL). Every consumer scopes and labels by it.
    city: str
    province: str  # "辽宁省"; "" for a national document
    title: str  # full title without book-title marks
    issuer: str = ""  # issuing body, e.g. "铁岭市人民政府"
    doc_number: str = ""  # 文号, e.g. "安府发〔2022〕17号"; "" when not given
    date: str = ""  # ISO date "2022-12-23"; "" when not given
    source_file: str = ""  # file name inside the corpus/data dir (never an absolute path)
    content_hash: str = ""  # sha256 of the source bytes
    implements: tuple[DocRef, ...] = ()  # higher-level documents it implements (依据/落实)
    meeting: str = ""  # the meeting that approved it, e.g. "市政府第10次常务会议"; "" when not stated
    doc_type: str = ""  # kind: 规划, 方案, 意见, 通知, 办法, 条例, 计划, 要点, 指南 … ("" when unknown)
    level: str = ""  # "国家" | "省" | "市" | "县" ("" when unknown)
    prefecture: str = ""  # a county-level document's city ("芜湖市" for 繁昌区); "" otherwise
    pages: int = 0  # pages of the source file (PDF); 0 for text and Word files
    sources: tuple[MetaSource, ...] = ()  # the lines values were read from (not for given values)

    def source(self, name: str, value: str = "") -> MetaSource | None:
        """The line the value of field `name` (or, for implements, the DocRef numbered or titled
        `value`) was read from; None when it was given, not read."""
        return next((s for s in self.sources if s.field == name and (not value or s.value == value)), None)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "DocumentMeta":
        """From a manifest / documents.json row (JSON: nested records are dicts, tuples lists);
        unknown keys are ignored, missing ones take their defaults."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in row or row[f.name] is None:
                continue
            raw = row[f.name]
            if f.name == "implements":
                values[f.name] = tuple(DocRef(title=str(r.get("title", "")), number=str(r.get("number", "")))
                                       for r in raw)
            elif f.name == "sources":
                values[f.name] = tuple(MetaSource(field=str(r["field"]), value=str(r.get("value", "")),
                                                  line=str(r["line"])) for r in raw)
            elif f.name == "pages":
                values[f.name] = int(raw)
            else:
                values[f.name] = str(raw)
        for required in ("doc_id", "city", "province", "title"):
            values.setdefault(required, "")
        return cls(**values)

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
    # "lead" = news-style text that is not the plan's own; "notice" = the covering notice that
    # issues the plan, printed before it (corpus.structure.annotate)
    kind: ChunkKind = "body"
    # Matching text the matchers (BM25, dense, targets) read in place of `match_text`, when set:
    # for a table row, the row read with its header context ("水泥熟料综合能耗(千克标准煤/吨):
    # 2020年实际值108,2025年目标值104,2025年变化幅度-4", corpus.tables); for a news lead, only
    # its clauses that the plan's own text does not repeat (corpus.leads). "" for a paragraph.
    # `match_text` (and so the chunk id) is always matching(text).
    context: str = ""
    # Source pages (1-based) the paragraph was read from, first to last: a PDF paragraph that
    # runs over a page break has two. () for text and Word sources (they have no pages).
    pages: tuple[int, ...] = ()
    # True when the text came from OCR of a page image (corpus.ocr): answers quoting it say so.
    ocr: bool = False

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Chunk":
        """From a stored JSON row (`dataclasses.asdict` of a Chunk: tuples came back as lists;
        rows written before a field existed take its default)."""
        values = dict(row)
        for name in ("section", "sentences", "pages"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)

    @property
    def search_text(self) -> str:
        """What matchers read: `context` when set, else `match_text`."""
        return self.context or self.match_text

    @property
    def tabular(self) -> bool:
        """A line of a table, its cells tab-separated (corpus.chunker): a row, or a table's
        header or section-label row (those are headings).

        The one place a chunk's characters say what it is (with `table_row` and `role` built
        on it). Derived on access rather than stored: a stored field would change every chunk
        row, so `corpus.catalog.corpus_hash`, and with it every persisted index (the whole
        library's included), would be rebuilt and Milvus collections re-uploaded for the same
        chunks."""
        return "\t" in self.text

    @property
    def table_row(self) -> bool:
        """A row of a table, read with its header in `context`: a tabular body chunk. A table's
        header and section-label rows are headings, not rows."""
        return self.kind == "body" and self.tabular

    @property
    def role(self) -> ChunkRole:
        """body | heading | table_row | lead: `kind`, with a body chunk that is a table row told apart."""
        return "table_row" if self.table_row else self.kind

    @property
    def citation(self) -> str:
        """Human-readable reference, e.g. 《铁岭市“十四五”节能减排综合工作方案》三、（三） 第2段."""
        where = f"{self.section_path} " if self.section_path else ""
        if self.kind == "heading":  # a heading is cited as the heading of its section, not a 段
            return f"《{self.title}》{where}标题"
        prefix = {"lead": "导语 ", "notice": "印发通知 "}.get(self.kind, "")
        return f"《{self.title}》{prefix}{where}第{self.section_paragraph}段{self.page_label}"

    @property
    def page_label(self) -> str:
        """" （第3页）" / " （第3-4页）" for a PDF paragraph; "" when the source has no pages."""
        if not self.pages:
            return ""
        first, last = self.pages[0], self.pages[-1]
        return f"（第{first}页）" if first == last else f"（第{first}-{last}页）"


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


def neighbours_at(chunks: Sequence[Chunk], index: int, before: int = 1, after: int = 1) -> tuple[Chunk, ...]:
    """Up to `before` chunks before and `after` chunks after `chunks[index]` in the same
    document (`chunks` in reading order), the chunk itself excluded."""
    doc_id = chunks[index].doc_id
    lo, hi = index, index
    while lo > 0 and index - lo < before and chunks[lo - 1].doc_id == doc_id:
        lo -= 1
    while hi + 1 < len(chunks) and hi - index < after and chunks[hi + 1].doc_id == doc_id:
        hi += 1
    return tuple(chunks[lo:index]) + tuple(chunks[index + 1 : hi + 1])
