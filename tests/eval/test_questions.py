"""The committed question set, checked against the real corpus chunks."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from corpus.catalog import load_corpus
from eval.questions import (
    DEFAULT_QUESTIONS, QUESTION_TYPES, QuestionSetError, load_questions, gold_key, parse_question,
)
from eval.relevance import relevant_chunks

MIN_PER_TYPE, MIN_TOTAL = 10, 120
MAX_SHARED_SPAN = 16  # a question may not paste this many consecutive source characters


@pytest.fixture(scope="module")
def questions():
    return load_questions()


@pytest.fixture(scope="module")
def chunks():
    return tuple(c for d in load_corpus() for c in d.chunks)


def test_counts_per_type_and_total(questions):
    counts = Counter(q.type for q in questions)
    assert set(counts) == set(QUESTION_TYPES)
    assert all(n >= MIN_PER_TYPE for n in counts.values()), counts
    assert len(questions) >= MIN_TOTAL


def test_every_city_of_the_corpus_is_covered(questions, chunks):
    asked = {c for q in questions for c in q.cities}
    assert asked == {c.city for c in chunks}
    per_city = Counter(c for q in questions for c in q.cities)
    assert min(per_city.values()) >= 20, per_city


# Ids: q001-q214 in order, then blocks reserved per contributor (q300-q349, q400-q449; the
# blind writers q500-q539, q540-q579, q580-q619), each appended in order at the end of the file.
ID_BLOCKS = ((1, 214), (300, 349), (400, 449), (500, 539), (540, 579), (580, 619))


def test_ids_are_unique_and_sequential(questions):
    numbers = [int(q.id[1:]) for q in questions]
    assert len(set(numbers)) == len(numbers)
    assert numbers[:214] == list(range(1, 215))
    for lo, hi in ID_BLOCKS[1:]:
        block = [n for n in numbers if lo <= n <= hi]
        assert block == list(range(lo, lo + len(block))), (lo, block)
    assert all(any(lo <= n <= hi for lo, hi in ID_BLOCKS) for n in numbers)


def test_followups_have_history_and_others_do_not(questions):
    for q in questions:
        assert bool(q.history) == (q.type == "followup"), q.id


def test_absent_questions_expect_no_figure(questions):
    assert {q.answer for q in questions if q.type == "absent"} == {"未给出具体数值"}


def test_cross_city_questions_have_one_gold_per_distinct_city(questions):
    for q in (q for q in questions if q.type == "cross_city"):
        assert len(set(q.gold_cities)) == len(q.gold) >= 2, q.id


def test_every_gold_is_in_exactly_one_chunk_of_its_city(questions, chunks):
    for q in questions:
        for gold, found in zip(q.gold, relevant_chunks(q, chunks), strict=True):
            assert found, f"{q.id}: gold not in any {q.gold_cities} chunk: {gold}"
            if len(found) > 1:
                assert q.note, f"{q.id}: gold in {len(found)} chunks and no note: {gold}"


def test_numeric_answers_occur_in_their_gold_chunk(questions, chunks):
    for q in (q for q in questions if q.type == "numeric"):
        (found, *_) = relevant_chunks(q, chunks)
        assert any(gold_key(q.answer) in gold_key(c.text) for c in found), q.id


def test_questions_do_not_paste_long_source_spans(questions, chunks):
    source = {city: gold_key("".join(c.text for c in chunks if c.city == city)) for city in {c.city for c in chunks}}
    for q in questions:
        text = gold_key(q.question)
        spans = (text[i:i + MAX_SHARED_SPAN] for i in range(len(text) - MAX_SHARED_SPAN + 1))
        assert not any(span in source[c] for span in spans for c in q.cities), q.id


def test_file_lines_carry_exactly_the_documented_fields():
    allowed = {"id", "city", "type", "question", "history", "gold", "answer", "note", "expect"}
    for line in DEFAULT_QUESTIONS.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) <= allowed


GOOD = {"id": "q001", "city": "安顺市", "type": "numeric", "question": "安顺县城污水处理率？",
        "history": [], "gold": ["县城污水处理率达到 97%"], "answer": "97%"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "guess"}, "unknown type"),
        ({"id": "7"}, "bad id"),
        ({"gold": ["太短"]}, "characters"),
        ({"answer": "98%"}, "does not occur"),
        ({"type": "followup"}, "needs a history"),
        ({"type": "cross_city"}, "list of at least two cities"),
        ({"type": "cross_city", "city": ["安顺市", "铁岭市"]}, "one gold per city"),
        ({"history": [""]}, "history"),
    ],
)
def test_parse_question_rejects_bad_records(change, reason):
    with pytest.raises(QuestionSetError, match=reason):
        parse_question({**GOOD, **change})


def test_parse_question_accepts_whitespace_variants():
    q = parse_question(GOOD)
    assert q.gold_cities == ("安顺市",) and gold_key(q.gold[0]) == "县城污水处理率达到97%"


def test_load_questions_names_the_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match="q.jsonl:2"):
        load_questions(path)
    with pytest.raises(QuestionSetError, match="cannot read"):
        load_questions(tmp_path / "missing.jsonl")
