"""The answer's relevance gate (assistant.answering.relevance.relevant) and sentence choice, on the real
corpus with the real embedder: everyday wording reaches its clause, off-topic questions do not."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.relevance import dense_relevance, relevant
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS
from assistant.highlight import SENTENCE_DENSE_WEIGHT, best_sentence
from assistant.service import Assistant

pytestmark = pytest.mark.slow
OFFTOPIC = Path(__file__).resolve().parents[2] / "eval" / "offtopic.txt"
# Off-topic questions that get an answer instead of "not found" (2 by lexical overlap:
# 报销比例, 特色; 1 by the dense test: 黄河公园). Raising this needs a reason in the commit.
MAX_OFFTOPIC_ANSWERED = 3


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


def _offtopic() -> list[str]:
    return [line.strip() for line in OFFTOPIC.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _gate(assistant, question):
    request = assistant.reader.read(question)
    return request.question, assistant.retrieval.search(request, DEFAULT_ANSWER_SETTINGS.answer_depth)


def test_offtopic_questions_are_mostly_not_found(assistant):
    questions = _offtopic()
    assert len(questions) >= 20
    answered = [q for q in questions if assistant.answer(q).kind != "not_found"]
    assert len(answered) <= MAX_OFFTOPIC_ANSWERED, answered


def test_everyday_wording_passes_the_dense_test_where_the_lexical_one_fails(assistant):
    # 淤泥/填埋 for 污泥/处置: few shared characters, the clause still stands out of the deeper hits.
    q, hits = _gate(assistant, "三门峡污水厂的淤泥除了拉去填埋，还有别的处理办法吗")
    assert relevant(q, hits, vectors=assistant.vectors)
    assert dense_relevance(q, hits, assistant.vectors) >= DEFAULT_ANSWER_SETTINGS.dense_relevance or relevant(q, hits)


def test_offtopic_dense_score_is_below_the_bar(assistant):
    q, hits = _gate(assistant, "如何办理护照？")
    assert dense_relevance(q, hits, assistant.vectors) < DEFAULT_ANSWER_SETTINGS.dense_relevance
    assert not relevant(q, hits, vectors=assistant.vectors)


def test_sentence_choice_reads_meaning_within_the_chunk(assistant, search_index):
    """In 安顺's 重点行业 paragraph the 电解铝 sentence shares more characters with a question
    about cement kilns' equipment, the 建材 sentence answers it."""
    chunk = next(c for c in search_index.chunks if c.city == "安顺市" and "第四代篦冷机" in c.text)
    question = "安顺水泥厂节能要换哪些设备"
    lexical = best_sentence(chunk, question)
    dense = best_sentence(chunk, question, lambda texts: assistant.vectors.similarities(question, texts))
    assert "篦冷机" in dense and dense in chunk.text
    assert SENTENCE_DENSE_WEIGHT > 0 and lexical in chunk.text


def test_a_paragraph_that_is_only_a_responsibility_note_is_not_quoted_as_a_measure(assistant):
    answer = assistant.answer("三门峡机关单位的旧柴油公车怎么处理")
    assert answer.kind == "measure"
    assert all("责任单位" not in c.highlight for c in answer.citations), answer.text


def test_no_absence_is_asserted_over_a_quote_that_states_the_figure(assistant):
    answer = assistant.answer("三门峡每万元GDP消耗的能源要降多少")
    assert "未给出" not in answer.text, answer.text
    assert "16%" in answer.text
