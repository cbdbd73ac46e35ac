"""Answers about a plan's document metadata: 文号, 印发日期, 发文机关, 标题, the higher-level
documents it implements and the meeting that approved it.

The values are the `DocumentMeta` fields (read from the plan's text on ingestion, or given in
the manifest / on `add`: corpus.metadata); the answer cites the line each was read from, a
chunk of the plan (its display text, as written). `Assistant.answer` asks `metadata_answer`
first; it answers only questions about the document itself, naming one of these fields and,
for the date and the issuer, asking when / by whom the plan was issued.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.model import Answer, Citation, Question
from assistant.understanding import asks_figure
from corpus.metadata import date_as_written
from corpus.model import Chunk, DocRef, DocumentMeta, MetaSource
from corpus.text import bigrams, compact, fold, matching

Field = str  # "doc_number" | "date" | "issuer" | "title" | "implements" | "meeting"

_ISSUE_VERB = r"(?:印发|发布|出台|签发|成文|发文|下发|公布|颁布|制定|制发)"
# Asking which documents a plan implements in so many words ("依据的是哪个文件").
_IMPLEMENTS_WH = r"(?:落实|贯彻|依据|根据|按照|依照|遵照)(?:的)?(?:是)?(?:哪个|哪些|哪份|什么)"
_ASKS = (
    # (field, pattern on the question's matching text); the first that matches wins
    ("meeting", re.compile(r"(?:哪次|什么|哪个|几次)\S{0,6}会议|会议\S{0,6}(?:审议|通过|研究|审定)|经\S{0,8}(?:审议|审定)通过")),
    ("implements", re.compile(r"(?:依据|根据|落实|贯彻|按照|依照|遵照|上级|省级|省里|省政府|国家级|国务院)\S{0,12}"
                              r"(?:文件|文号|通知|方案|政策)|" + _IMPLEMENTS_WH)),
    ("doc_number", re.compile(r"文号|发文字号|字号|发文号|文件号|文件编号")),
    ("date", re.compile(rf"(?:哪天|哪一天|何时|什么时候|什么时间|哪年哪月|几月几[日号]|日期|时间)\S{{0,6}}{_ISSUE_VERB}|"
                        rf"{_ISSUE_VERB}\S{{0,4}}(?:日期|时间)|{_ISSUE_VERB}(?:于|在)?(?:哪天|哪一天|何时|什么时候|哪年)|"
                        rf"{_ISSUE_VERB}[^，。？?]{{0,40}}的(?:落款)?(?:日期|时间)(?:是|为)?(?:哪天|哪一天|什么时候|何时)|落款日期")),
    ("issuer", re.compile(rf"(?:谁|哪[两几些]?个?(?:部门|单位|机关)|什么机关|哪级政府|什么部门|哪家)\S{{0,4}}{_ISSUE_VERB}|"
                          rf"发文机关|发文单位|印发机关|发布机关|{_ISSUE_VERB}(?:单位|机关|部门)")),
    ("title", re.compile(r"(?:标题|全称|全名|正式名称|文件名称)|叫什么(?:名字)?")),
)
_PROVINCIAL = re.compile(r"省级|省里|省政府|省委|省的")
_NATIONAL = re.compile(r"国家|国务院|中央")
_LABELS = {"doc_number": "文号", "date": "印发日期", "issuer": "发文机关", "title": "标题",
           "implements": "依据的上级文件", "meeting": "审议通过的会议"}

ChunksOf = Callable[[str], Sequence[Chunk]]


@dataclass(frozen=True)
class _Line:
    text: str
    refs: tuple[int, ...]


def asked_fields(q: Question) -> tuple[Field, ...]:
    """The metadata fields the question asks for ("哪个机关、哪天印发的": issuer and date), ()
    when it asks about the content. A question about the approving meeting or the documents
    implemented asks for that alone."""
    text = compact(q.analysis.text)
    fields = tuple(name for name, pattern in _ASKS if pattern.search(text))
    if fields[:1] == ("implements",) and "doc_number" not in fields and asks_figure(text) \
            and not re.search(_IMPLEMENTS_WH, text):
        # "按照国家减污降碳方案，2030年…比例要到多少": the document is where the figure stands (a
        # 文号 asked with 多少 is still the implemented document's)
        fields = fields[1:]
    return fields[:1] if fields[:1] in (("meeting",), ("implements",)) else fields


# A question naming a document by its title: documents whose title shares at least this share
# of its bigrams with the question are the ones asked about (the best of them, and those near it).
TITLE_COVERAGE = 0.3


def _named_documents(q: Question, docs: Sequence[DocumentMeta]) -> list[DocumentMeta]:
    """The documents the question names by title words ("七部门印发减污降碳协同增效实施方案"),
    best first; all of `docs` when it names none of them."""
    asked = bigrams(fold(q.analysis.text))
    scores = []
    for d in docs:
        title = bigrams(fold(d.title))
        scores.append(len(title & asked) / len(title) if title else 0.0)
    best = max(scores, default=0.0)
    if best < TITLE_COVERAGE:
        return list(docs)
    return [d for d, s in sorted(zip(docs, scores), key=lambda ds: -ds[1]) if s >= max(TITLE_COVERAGE, 0.8 * best)]


def metadata_answer(
    q: Question, documents: Sequence[DocumentMeta], chunks_of: ChunksOf, cities: Sequence[str] = ()
) -> Answer | None:
    """The answer to a metadata question (see the module docstring), None for other questions."""
    names = asked_fields(q)
    if not names:
        return None
    wanted = tuple(cities) or q.analysis.cities
    docs = _named_documents(q, [d for d in documents if not wanted or d.city in wanted])
    if not docs:
        return None
    lines: list[_Line] = []
    citations: list[Citation] = []

    def cite(meta: DocumentMeta, line: str) -> tuple[int, ...]:
        # The line itself (a paragraph of its own), else the plan's paragraph holding it; a news
        # lead that happens to contain the words ("…安顺市人民政府关于印发…") is no source.
        holding = [c for c in chunks_of(meta.doc_id) if line and line in c.text]
        chunk = next((c for c in holding if c.text.strip() == line), None) or \
            next((c for c in holding if c.kind != "lead"), None)
        if chunk is None:
            return ()
        for c in citations:
            if c.chunk.chunk_id == chunk.chunk_id and c.highlight == line:
                return (c.n,)
        citations.append(Citation(n=len(citations) + 1, chunk=chunk, highlight=line, score=1.0))
        return (len(citations),)

    for meta in docs:
        lines.extend(_field_line(meta, name, q, cite) for name in names)
    text = "\n".join(line.text for line in lines)
    return Answer(question=q.text, resolved_query=q.resolved, kind="metadata", text=text,
                  citations=tuple(citations), markers=tuple(line.refs for line in lines))


def _field_line(meta: DocumentMeta, name: Field, q: Question,
                cite: Callable[[DocumentMeta, str], tuple[int, ...]]) -> _Line:
    plan = f"《{meta.title}》" if meta.title else f"{meta.city}方案"
    if name == "implements":
        return _implements_line(meta, plan, q, cite)
    value = getattr(meta, name)
    if not value:
        return _Line(f"{plan}的正文未写明{_LABELS[name]}。", ())
    source = meta.source(name)
    if source is None:  # given in the manifest / on add, not read from a line of the text
        return _Line(f"{plan}的{_LABELS[name]}：{_shown(name, value, '')}（据收录时登记的信息，正文中未找到出处）。", ())
    refs = cite(meta, source.line)
    if name == "date":
        written, published = date_as_written(source.line)
        if published:  # a news dateline: the day the document was published, not signed
            return _Line(f"{plan}的发布日期：{written}（据新闻电讯，正文未见落款日期）。", refs)
    return _Line(f"{plan}的{_LABELS[name]}：{_shown(name, value, source.line)}。", refs)


def _shown(name: Field, value: str, line: str) -> str:
    """The value as the plan writes it: a date as its line reads ("2022年12月23日")."""
    if name == "date" and line:
        return date_as_written(line)[0]
    return value


def _implements_line(meta: DocumentMeta, plan: str, q: Question,
                     cite: Callable[[DocumentMeta, str], tuple[int, ...]]) -> _Line:
    refs = list(meta.implements)
    asked = q.analysis.text
    if _PROVINCIAL.search(asked):
        refs = [r for r in refs if "省" in r.title or (r.number and not r.number.startswith("国"))] or refs
    elif _NATIONAL.search(asked):
        refs = [r for r in refs if _NATIONAL.search(r.title) or r.number.startswith("国")] or refs
    if not refs:
        return _Line(f"{plan}的正文未写明所依据的上级文件。", ())
    shown = "、".join(_ref(r) for r in refs)
    markers: list[int] = []
    for r in refs:
        source = _ref_source(meta, r)
        if source is not None:
            markers.extend(n for n in cite(meta, source.line) if n not in markers)
    missing = [r for r in refs if not r.number]
    tail = "；正文未写明其文号" if missing and len(missing) == len(refs) and "文号" in asked else ""
    return _Line(f"{plan}依据{shown}{tail}。", tuple(markers))


def _ref_source(meta: DocumentMeta, ref: DocRef) -> MetaSource | None:
    """The line an implemented document was read from (compared on matching text: a given
    Simplified 文号 finds the line of a Traditional-script plan)."""
    key = compact(matching(ref.number or ref.title))
    return next((s for s in meta.sources if s.field == "implements" and compact(matching(s.value)) == key), None)


def _ref(ref: DocRef) -> str:
    title = f"《{ref.title}》" if ref.title else ""
    number = f"（{ref.number}）" if ref.number else ""
    return title + number if title else ref.number
