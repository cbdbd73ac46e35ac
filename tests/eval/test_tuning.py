"""eval.tuning: cached retrieval is exact, coordinate ascent, LOCO fold definitions."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from eval.questions import Question
from eval.split import Split
from eval.tuning import CachedRetriever, Tuner, fold_questions, fold_train, grid_for, objective, quick_scores
from index.hybrid import DEFAULT_SETTINGS
from index.types import Filters, Hit


def _q(qid: str, cities: tuple[str, ...], type_: str = "numeric") -> Question:
    return Question(qid, type_, "问", (), tuple("金" * 10 for _ in cities), cities, "")


@dataclass
class Counting:
    chunks: list
    calls: int = 0

    def retrieve(self, query, top_k=10, filters=None):
        self.calls += 1
        return [Hit(c, 1.0 / (i + 1), "x") for i, c in enumerate(self.chunks)][:top_k]


def test_cached_retriever_serves_prefixes_and_refetches_deeper(make_chunk):
    inner = Counting([make_chunk(f"c{i}", f"文本{i}") for i in range(100)])
    cached = CachedRetriever(inner)
    first = cached.retrieve("问", 10)
    assert [h.chunk.chunk_id for h in first] == [f"c{i}" for i in range(10)]
    assert cached.retrieve("问", 5) == first[:5] and inner.calls == 1
    assert len(cached.retrieve("问", 80)) == 80 and inner.calls == 2  # deeper than fetched
    cached.retrieve("问", 10, Filters(cities=("安顺市",)))
    assert inner.calls == 3  # other filters: another entry
    assert not hasattr(cached, "retrieve_expanded")  # only when the wrapped retriever has it


def test_quick_scores_follow_the_metrics_definitions():
    assert quick_scores((1,)) == (1.0, 1.0, 1.0)
    assert quick_scores((3,)) == (0.0, 1.0, pytest.approx(1 / 3))
    assert quick_scores((None,)) == (0.0, 0.0, 0.0)
    assert quick_scores((2, 1))[0] == 1.0  # two golds in the top two
    assert quick_scores((1, 7)) == (0.0, 0.5, 1.0)


def test_coordinate_ascent_finds_the_better_setting_and_memoises():
    @dataclass
    class Run:
        gold_ranks: tuple

    calls = []

    def rank(settings, questions):
        calls.append(settings)
        good = settings.expansion_weight == 0.3
        return {q.id: Run((1,) if good else (2,)) for q in questions}

    qs = [_q("q1", ("安顺市",)), _q("q2", ("铁岭市",))]
    tuner = Tuner("bm25", rank)
    chosen, score = tuner.choose(qs)
    assert chosen == DEFAULT_SETTINGS.replace(expansion_weight=0.3)
    assert score == pytest.approx(objective([Run((1,)), Run((1,))]))
    n = len(calls)
    tuner.choose(qs)
    assert len(calls) == n  # every visited setting is memoised per question


def test_an_untunable_mode_keeps_the_defaults():
    assert grid_for("dense") == {}
    tuner = Tuner("dense", lambda s, qs: {q.id: type("R", (), {"gold_ranks": (1,)})() for q in qs})
    assert tuner.choose([_q("q1", ("安顺市",))])[0] == DEFAULT_SETTINGS


def test_fold_definitions():
    qs = [_q("q1", ("安顺市",)), _q("q2", ("铁岭市",)), _q("q3", ("安顺市", "铁岭市"), "cross_city"),
          _q("q4", ("安阳市",))]
    split = Split(train=frozenset({"q1", "q2", "q3"}), test=frozenset({"q4"}))
    assert [q.id for q in fold_train(qs, split, "安顺市")] == ["q2"]  # none of its cities is 安顺
    assert [q.id for q in fold_questions(qs, "安顺市")] == ["q1", "q3"]  # train and test side alike
    assert [q.id for q in fold_questions(qs, "铁岭市")] == ["q2", "q3"]  # a cross-city question in both folds
    assert [q.id for q in fold_train(qs, split, "安阳市")] == ["q1", "q2", "q3"]  # the test side never
