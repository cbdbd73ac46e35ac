"""The frozen test split covers every question, is about a third, and spans every type and city."""
from __future__ import annotations

import json
from collections import Counter

from eval.questions import load_questions
from eval.split import SPLIT_FILE, assign_new, extend, load_split


def test_every_question_is_on_exactly_one_side():
    questions, split = load_questions(), load_split()
    sides = Counter(split.side(q.id) for q in questions)  # raises for an unassigned question
    assert 0.25 <= sides["test"] / len(questions) <= 0.40


def test_test_split_spans_every_type_and_city():
    questions = load_questions()
    test = load_split().select(questions, "test")
    assert {q.type for q in test} == {q.type for q in questions}
    single = {q.city_label for q in questions if len(q.cities) == 1}
    assert {q.city_label for q in test if len(q.cities) == 1} == single


def test_extend_assigns_only_new_ids_and_keeps_old_sides(tmp_path):
    questions = load_questions()
    path = tmp_path / "split.json"
    record = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    dropped = questions[-3:]
    for q in dropped:
        for side in ("train", "test"):
            if q.id in record[side]:
                record[side].remove(q.id)
    path.write_text(json.dumps(record), encoding="utf-8")
    before = load_split(path)
    assert extend(questions, path) == [q.id for q in dropped]
    after = load_split(path)
    assert before.train <= after.train and before.test <= after.test
    assert all(after.side(q.id) == assign_new(q.id) for q in dropped)
    assert extend(questions, path) == []
