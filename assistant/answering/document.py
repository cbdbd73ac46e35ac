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
from corpus.language import ASKS_FACT, ASKS_IMPLEMENTED
from corpus.metadata import date_as_written
from corpus.model import Chunk, DocRef, DocumentMeta, MetaSource
from corpus.text import bigrams, compact, fold, matching

Field = str  # "doc_number" | "date" | "issuer" | "title" | "implements" | "meeting"

# Which fact a question asks for: corpus.language.ASKS_FACT.
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
    fields = tuple(name for name, pattern in ASKS_FACT if pattern.search(text))
    if fields[:1] == ("implements",) and "doc_number" not in fields and asks_figure(text) \
            and not ASKS_IMPLEMENTED.search(text):
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
