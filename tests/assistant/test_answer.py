"""Answer composition: responsibility clauses, the figure invariant, answers over the real index."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.text import fold
from assistant.answering.citations import NOT_FOUND_TEXT, figures_supported
from assistant.answering.responsibility import responsibility_clause
from assistant.service import Assistant
from assistant.model import Answer, Citation
from corpus.catalog import builtin_documents


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


def _chunk(city: str, needle: str):
    for doc in builtin_documents():
        for chunk in doc.chunks:
            if chunk.city == city and needle in chunk.text:
                return chunk
    raise LookupError(needle)


def test_responsibility_clause_handles_nested_parentheses():
    chunk = _chunk("铁岭市", "城镇清洁取暖率达到70%以上")
    clause = responsibility_clause(chunk.text)
    assert clause is not None and clause in chunk.text
    assert clause.startswith("（市住房城乡建设局") and clause.endswith("各县（市）区政府负责落实）")


def test_responsibility_clause_ascii_parentheses_and_none():
    assert responsibility_clause("……建设。(市机关事务中心负责)") == "(市机关事务中心负责)"
    assert responsibility_clause("没有括号的句子。") is None
    assert responsibility_clause("（单位：吨）") is None


def test_figures_supported_checks_every_number():
    chunk = _chunk("铁岭市", "城镇清洁取暖率达到70%以上")
    sentence = next(s for s in chunk.sentences if "70%" in s)
    cite = (Citation(n=1, chunk=chunk, highlight=sentence, score=1.0),)
    ok = Answer("q", "q", "figure", "铁岭市：到2025年，城镇清洁取暖率达到70%以上。", cite)
    bad = Answer("q", "q", "figure", "铁岭市：城镇清洁取暖率达到75%以上。", cite)
    assert figures_supported(ok) and not figures_supported(bad)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", fold(text)))  # table cells stay apart (corpus.text)


CITIES = ["铁岭", "安阳", "安顺", "三门峡", "定州", "铁岭市", ""]
TOPICS = ["清洁取暖", "单位GDP能耗", "农村生活污水治理率", "秸秆综合利用率", "挥发性有机物", "PUE",
          "充电桩", "新能源车", "燃煤锅炉", "再生水利用率", "装配式建筑", "化学需氧量", "护照办理", ""]
ASKS = ["要到多少？", "有哪些措施？", "由谁牵头负责？", "目标是多少", "呢？", "", "分别是多少？"]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # module fixture
@given(
    city=st.sampled_from(CITIES),
    other=st.sampled_from(CITIES),
    topic=st.sampled_from(TOPICS),
    ask=st.sampled_from(ASKS),
    year=st.sampled_from(["", "2025年", "2023年"]),
)
def test_answer_invariants(assistant, city, other, topic, ask, year):
    question = f"{city}{'和' + other if other and other != city else ''}{year}{topic}{ask}"
    answer = assistant.answer(question)
    # A cited table row counts with its header context (assistant.answering.citations.figures_supported).
    cited = _numbers(" ".join([c.highlight for c in answer.citations] + [r.sentence for r in answer.table]
                              + [c.chunk.context for c in answer.citations if "\t" in c.chunk.text]))
    assert _numbers(answer.text) <= cited, (question, answer.text)
    for c in answer.citations:
        assert assistant.index.get_chunk(c.chunk.chunk_id) == c.chunk
        assert c.highlight in c.chunk.text
    for row in answer.table:
        if row.chunk_id:
            assert row.sentence in assistant.index.get_chunk(row.chunk_id).text
    if answer.kind == "not_found":
        assert answer.text == NOT_FOUND_TEXT and not answer.citations


def test_cited_text_marks_each_line_with_its_sources(assistant):
    figure = assistant.answer("铁岭 2025年城镇清洁取暖率")
    assert figure.cited_text == figure.text + "[1]"
    compare = assistant.answer("铁岭和安阳的城镇清洁取暖率分别是多少？")
    lines = compare.cited_text.split("\n")
    assert len(lines) == len(compare.text.split("\n")) == 2
    for line, city in zip(lines, ("铁岭市", "安阳市")):
        n = int(re.search(r"\[(\d+)\]$", line).group(1))
        assert line.startswith(city) and compare.citations[n - 1].chunk.city == city
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", compare.cited_text)}
    assert numbers == {c.n for c in compare.citations}  # every source is marked, and only sources


def test_cited_text_without_sources_is_the_text():
    empty = Answer("q", "", "not_found", NOT_FOUND_TEXT)
    assert empty.cited_text == NOT_FOUND_TEXT
    # Markers that do not fit the lines are not guessed at.
    assert Answer("q", "q", "measure", "甲\n乙", markers=((1,),)).cited_text == "甲\n乙"
