"""Regression gate: the real harness over the real index must not drop below
eval/baseline.json (the gated modes: Recall@5 and Hit@1 on the frozen test split).

Update the baseline on purpose only: `python -m eval run --name NAME` then
`python -m eval baseline --from eval/results/NAME.json`.
"""
from __future__ import annotations

import pytest

from eval.baseline import load_baseline, regressions
from eval.harness import evaluate
from eval.questions import load_questions
from eval.runner import EvalContext

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def baseline():
    return load_baseline()


@pytest.fixture(scope="module")
def results(request, baseline):
    try:
        index = request.getfixturevalue("search_index")  # session fixture of tests/conftest.py
    except pytest.FixtureLookupError:
        pytest.skip("tests/conftest.py provides no search_index fixture")
    return evaluate(load_questions(), tuple(baseline["modes"]), EvalContext.with_index(index), top_k=10, loco=False)


def test_every_gated_mode_ran(results, baseline):
    assert not results["skipped"], results["skipped"]
    assert set(results["metrics"]) == set(baseline["modes"])


def test_same_embedder_as_the_baseline(results, baseline):
    assert results["settings"]["embedder"] == baseline["embedder"], "baseline was recorded with another embedder"


def test_no_gated_figure_drops_below_the_baseline(results, baseline):
    problems = regressions(baseline, results["metrics"])
    assert not problems, "; ".join(problems)


def test_the_gate_reads_the_test_split(results, baseline):
    assert baseline["split"] == "test"
    assert results["settings"]["test_questions"] == baseline["test_questions"]
