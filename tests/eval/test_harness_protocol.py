"""The harness reports the full set, the frozen test split and leave-one-city-out (per-fold
settings chosen on the other cities' training questions), on the real index."""
from __future__ import annotations

import pytest

from eval.harness import evaluate
from eval.questions import load_questions
from eval.report import markdown, readme_section, split_table
from eval.runner import EvalContext
from eval.split import load_split
from eval.tuning import FOLDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample():
    """Two questions per city (one train, one test where there is one) and a cross-city one."""
    questions, split = load_questions(), load_split()
    picked = []
    for city in FOLDS:
        own = [q for q in questions if q.cities == (city,) and q.type in ("numeric", "paraphrase")]
        picked += [next(q for q in own if split.side(q.id) == "train"), next(q for q in own if split.side(q.id) == "test")]
    picked.append(next(q for q in questions if q.type == "cross_city" and len(q.cities) == 2))
    return tuple(picked)


@pytest.fixture(scope="module")
def results(search_index, sample):
    return evaluate(sample, ("bm25", "plain-bm25"), EvalContext.with_index(search_index), top_k=10)


def test_full_test_and_loco_views(results, sample):
    split = load_split()
    test_n = sum(1 for q in sample if split.side(q.id) == "test")
    assert results["settings"]["test_questions"] == test_n
    for mode in ("bm25", "plain-bm25"):
        assert results["metrics"][mode]["overall"]["n"] == len(sample)
        assert results["metrics"][mode]["test"]["overall"]["n"] == test_n
        assert set(results["metrics"][mode]["test"]["by_type"]) <= {"numeric", "paraphrase", "cross_city"}


def test_loco_scores_each_question_once_per_fold_of_its_cities(results, sample):
    loco = results["loco"]["bm25"]
    assert set(loco["folds"]) == set(FOLDS)
    per_fold = {city: sum(1 for q in sample if city in q.cities) for city in FOLDS}
    assert {c: int(f["overall"]["n"]) for c, f in loco["folds"].items()} == per_fold
    assert loco["overall"]["n"] == sum(per_fold.values()) == len(sample) + 1  # the cross-city one twice
    assert all(isinstance(f["settings"], dict) for f in loco["folds"].values())
    assert loco["settings_tried"] >= 1


def test_reports_show_the_three_views(results):
    text = split_table(results)
    assert "[full]" in text and "[test]" in text and "[LOCO]" in text
    md = markdown(results)
    assert "## Full set, test split, leave-one-city-out" in md and "LOCO folds" in md
    section = readme_section(results)
    assert section.startswith("<!-- retrieval-accuracy:start") and "Hit@1 per type, LOCO" in section


def test_expansion_effect_is_measured_on_the_test_split(results, sample):
    from index.hybrid import DEFAULT_SETTINGS

    split = load_split()
    by_weight = results["expansion"]["bm25"]
    assert set(by_weight) == {"0", "1", f"{DEFAULT_SETTINGS.expansion_weight:g}"}
    test_n = sum(1 for q in sample if split.side(q.id) == "test")
    assert all(v["overall"]["n"] == test_n for v in by_weight.values())
    assert "Synonym expansion, test split" in readme_section(results)
