"""Metamorphic tests: each built-in plan transformed (Traditional script, .docx with Word
tables, PDF, a news lead prepended) and indexed in place of the original must answer the
project's eval questions of its city the same: the same paragraph first, the same figures."""
from __future__ import annotations

import re
import time
from dataclasses import replace
from difflib import SequenceMatcher

import pytest

from assistant.service import Assistant
from corpus.catalog import builtin_documents
from corpus.chunker import parse_plan
from corpus.readers import read_plan_bytes
from eval.questions import load_questions
from eval.variants import transformed, variant_corpus
from index.engine import SearchIndex
from tests.formats import to_docx, to_pdf

pytestmark = pytest.mark.slow

SLUGS = ("anshun", "sanmenxia", "tieling", "anyang", "dingzhou")
KINDS = ("traditional", "docx", "pdf", "lead")
MIN_AGREEMENT = 0.98
_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def _variant(slug: str, kind: str):
    if kind in ("traditional", "lead"):
        return transformed(slug, kind)
    original = next(d for d in builtin_documents() if d.meta.doc_id == slug)
    data, suffix = (to_docx(original), ".docx") if kind == "docx" else (to_pdf(original), ".pdf")
    return parse_plan(read_plan_bytes(data, suffix), replace(original.meta, sources=()))


def _same_paragraph(a, b) -> bool:
    """The same paragraph of the same plan: equal matching text, or nearly (a PDF font may
    lack a glyph such as ₃; Traditional -> Simplified may not restore every character)."""
    if a is None or b is None:
        return a is b
    if a.city != b.city or a.kind == "lead" or b.kind == "lead" and a.kind != "lead":
        return a.city == b.city and a.match_text == b.match_text
    return a.match_text == b.match_text or SequenceMatcher(None, a.match_text, b.match_text).ratio() >= 0.95


def _figures(text: str) -> list[str]:
    return sorted(_FIGURE.findall(text))


def _run(assistant: Assistant, questions, city: str):
    """Per question: the first paragraph of `city`'s plan in the served ranking (for a
    question on several cities, the one of this city), and the figures of the chat answer."""
    out = {}
    for q in questions:
        hits = assistant.search(q.question, history=q.history, top_k=10).hits
        first = next((h.chunk for h in hits if h.chunk.city == city), None)
        answer = assistant.answer(q.question, history=q.history)
        out[q.id] = (first, _figures(answer.text))
    return out


@pytest.fixture(scope="module")
def questions():
    return load_questions()


@pytest.fixture(scope="module")
def original(search_index, questions):
    assistant = Assistant(search_index)
    return {d.meta.city: _run(assistant, [q for q in questions if d.meta.city in q.gold_cities], d.meta.city)
            for d in builtin_documents()}


@pytest.fixture(scope="module")
def report():
    rows: list[str] = []
    yield rows
    print("\nmetamorphic agreement (top-1 paragraph, answer figures):\n" + "\n".join(rows))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("slug", SLUGS)
def test_transformed_plan_answers_the_same(slug, kind, search_index, questions, original, report):
    started = time.perf_counter()
    document = _variant(slug, kind)
    index = SearchIndex.in_memory(variant_corpus(slug, document), search_index.embedder, search_index.data_dir)
    city = document.meta.city
    asked = [q for q in questions if city in q.gold_cities]
    got = _run(Assistant(index), asked, city)
    before = original[city]
    same_top = [q.id for q in asked if _same_paragraph(before[q.id][0], got[q.id][0])]
    same_figures = [q.id for q in asked if before[q.id][1] == got[q.id][1]]
    n = len(asked)
    report.append(f"{slug:10s} {kind:12s} n={n:3d} top-1 {len(same_top) / n:.3f} figures "
                  f"{len(same_figures) / n:.3f} ({time.perf_counter() - started:.1f} s)")
    differ = [q.id for q in asked if q.id not in same_top or q.id not in same_figures]
    assert len(same_top) >= MIN_AGREEMENT * n and len(same_figures) >= MIN_AGREEMENT * n, differ


def test_traditional_answers_quote_the_text_as_written(search_index):
    index = SearchIndex.in_memory(variant_corpus("anyang", transformed("anyang", "traditional")),
                                  search_index.embedder, search_index.data_dir)
    answer = Assistant(index).answer("安阳每吨水泥熟料能耗要降到多少")
    assert answer.kind == "figure" and "104千克標準煤/噸" in answer.text  # the Traditional row's unit
    assert answer.citations[0].chunk.text == "水泥熟料綜合能耗\t千克標準煤/噸\t108\t104\t-4"
    metadata = Assistant(index).answer("安阳的方案落实的是哪个文件")
    assert "豫政〔2022〕29号" in metadata.text  # the manifest's value, given, wins over the text...
    assert "（豫政〔2022〕29號）" in metadata.citations[0].highlight  # ...and cites the line as written
