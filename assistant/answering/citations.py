"""Citations and the answer they make: numbered, merged, and every figure checked.

Every figure in `Answer.text` is copied from a cited sentence (`figures_supported`, checked
before an answer leaves the package), and every citation's `highlight` is a verbatim substring
of its chunk's text. A quote drawn from a news lead or from OCR'd text says so (`notes`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.model import Answer, AnswerKind, Citation, Question, TableRow
from assistant.target_model import Target
from corpus.language import DECIMAL
from corpus.model import Chunk
from corpus.text import fold

EMPTY_TEXT = "请输入一个问题，例如：铁岭城镇清洁取暖率要达到多少？那安阳呢？"
NOT_FOUND_TEXT = "未在已收录的方案中找到相关内容。"


def figure_clause(target: Target) -> str:
    """The quoted figure: the target's clause, led by its time phrase when the sentence has one."""
    clause = target.clause.rstrip("。")
    if target.period and target.period not in fold(clause) and target.period in fold(target.sentence):
        clause = f"{target.period}，{clause}"
    return clause


def figures_supported(answer: Answer) -> bool:
    """Every number in the answer text occurs in one of its cited sentences or table rows (a
    cited table row counts with its header context: "2025年目标值104" quotes the row's 104 under
    its header's 2025年, `Chunk.context`)."""
    cited = " ".join([c.highlight for c in answer.citations] + [r.sentence for r in answer.table]
                     + [c.chunk.context for c in answer.citations if c.chunk.table_row])
    have = set(DECIMAL.findall(fold(cited)))
    return all(n in have for n in DECIMAL.findall(fold(answer.text)))


def _citations(items: Sequence[tuple[Chunk, str, float]]) -> tuple[tuple[Citation, ...], list[int]]:
    """Numbered citations (duplicates merged) and, for each item, the number it got."""
    out: list[Citation] = []
    numbers: dict[tuple[str, str], int] = {}
    for chunk, highlight, score in items:
        key = (chunk.chunk_id, highlight)
        if key not in numbers:
            numbers[key] = len(out) + 1
            out.append(Citation(n=numbers[key], chunk=chunk, highlight=highlight, score=float(score)))
    return tuple(out), [numbers[(chunk.chunk_id, highlight)] for chunk, highlight, _ in items]


def build_answer(q: Question, kind: AnswerKind, lines: Sequence[tuple[str, Sequence[int]]],
            items: Sequence[tuple[Chunk, str, float]], table: Sequence[TableRow] = ()) -> Answer:
    """An answer from its lines, each with the indices (into `items`) of the clauses it quotes."""
    citations, numbers = _citations(items)
    markers = tuple(tuple(sorted({numbers[i] for i in refs})) for _, refs in lines)
    return Answer(question=q.text, resolved_query=q.resolved, kind=kind, text="\n".join(t for t, _ in lines),
                  citations=citations, table=tuple(table), markers=markers)

ALL_LEAD_NOTE = "注：以上内容引自转载新闻的导语（新闻导语），而非方案正文。"

SOME_LEAD_NOTE = "注：标为“导语”的引文出自转载新闻的导语（新闻导语），而非方案正文。"


def note_leads(answer: Answer) -> Answer:
    """`answer` with a closing note when any of its citations is a news lead."""
    leads = [c.n for c in answer.citations if c.chunk.kind == "lead"]
    if not leads:
        return answer
    note = ALL_LEAD_NOTE if len(leads) == len(answer.citations) else SOME_LEAD_NOTE
    markers = answer.markers if len(answer.markers) == len(answer.text.split("\n")) else ()
    return replace(answer, text=f"{answer.text}\n{note}", markers=(*markers, tuple(leads)) if markers else ())


OCR_NOTE = "注：引文{marks}出自扫描页的OCR识别文字，请核对原文。"


def note_ocr(answer: Answer) -> Answer:
    """`answer` with a closing note when any of its citations was read by OCR (corpus.ocr):
    its characters may be misread, the official checks them against the page."""
    ocr = [c.n for c in answer.citations if c.chunk.ocr]
    if not ocr:
        return answer
    note = OCR_NOTE.format(marks="".join(f"[{n}]" for n in ocr))
    markers = answer.markers if len(answer.markers) == len(answer.text.split("\n")) else ()
    return replace(answer, text=f"{answer.text}\n{note}", markers=(*markers, tuple(ocr)) if markers else ())
