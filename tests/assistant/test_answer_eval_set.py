"""Answers on the eval question set: numeric golds are quoted, absent figures are declared absent."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.highlight import is_responsibility_note
from assistant.service import Assistant

pytestmark = pytest.mark.slow
QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "questions.jsonl"


def _questions(kind: str | None) -> list[dict]:
    """The eval questions of one type (all of them for None)."""
    if not QUESTIONS.exists():
        return []
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q for q in rows if kind is None or q["type"] == kind]


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("q", _questions("numeric"), ids=lambda q: q["id"])
def test_numeric_answer_contains_the_gold_figure(assistant, q):
    answer = assistant.answer(q["question"], history=tuple(q["history"]))
    # The gold's numbers; a gold without Arabic digits ("Ⅱ类") must appear as written.
    figures = re.findall(r"\d+(?:\.\d+)?", q["answer"]) or [_compact(q["answer"])]
    text = _compact(answer.text)
    assert all(f in text for f in figures), (q["question"], answer.text)


# Questions whose answers the composer (assistant/answer.py) does not get right yet; retrieval
# finds their gold clause first. From the blind set (q500-q601); eval/results/latest.md lists
# every answer failure.
KNOWN_ANSWER_GAPS = {
    "q529": "a count of other parks (3个省级以上园区) is accepted for 绿色工业园区 (一批)",
    "q553": "畜禽粪污 named nowhere as an indicator: related rates shown as possible answers",
    "q568": "a count of trucks asked: vehicle efficiency figures shown as possible answers",
    "q593": "建制镇污水 rate asked: the city's sludge rate (97%) is accepted",
    # An absence is not asserted over a quote that states a figure (assistant.answering.figures,
    # `quotes_figure`): the closest clause's figure of another rate is shown as a possible answer.
    "q151": "建筑垃圾综合利用率 60% shown as a possible answer for 再生水利用率",
    "q425": "畜禽粪污综合利用率 85% shown as a possible answer for 再生水利用率",
    "q146": "数据中心 能效标杆 30% shown as a possible answer for 电能利用效率",
}


def _absent_params():
    return [pytest.param(q, marks=pytest.mark.xfail(reason=KNOWN_ANSWER_GAPS[q["id"]], strict=True))
            if q["id"] in KNOWN_ANSWER_GAPS else q for q in _questions("absent")]


@pytest.mark.parametrize("q", _absent_params(), ids=lambda q: q["id"])
def test_absent_answer_says_no_figure_is_given(assistant, q):
    answer = assistant.answer(q["question"], history=tuple(q["history"]))
    assert answer.kind == "absent", (q["question"], answer.text)
    assert "未给出" in answer.text and answer.citations


def _quotes_a_non_answer(citation) -> bool:
    """A heading paragraph, an inline heading or the responsibility note quoted as content."""
    chunk, quote = citation.chunk, citation.highlight
    bare = _compact(quote).rstrip("。")
    return chunk.kind == "heading" or any(bare == _compact(s).rstrip("。") for s in chunk.section) \
        or is_responsibility_note(quote)


def test_measure_answers_quote_what_the_plan_will_do(assistant):
    """Over every eval question whose answer is a measure: no quoted sentence is a heading or the
    parenthesised list of departments in charge (3 of 49 were, before body sentences skipped them)."""
    rows = _questions(None)
    measures = [a for a in (assistant.answer(q["question"], history=tuple(q["history"])) for q in rows)
                if a.kind == "measure"]
    assert len(measures) >= 30
    offending = [(a.question, c.highlight) for a in measures for c in a.citations if _quotes_a_non_answer(c)]
    assert offending == []
