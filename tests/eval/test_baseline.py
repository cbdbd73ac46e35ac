"""The regression gate's comparison rule."""
from __future__ import annotations

import pytest

from eval.baseline import TOLERANCE, baseline_from_results, regressions

BASE = {"modes": {"hybrid": {"Recall@5": 0.8, "Hit@1": 0.6}}}


def metrics(recall5, hit1, mode="hybrid"):
    """The gate reads the test split's figures; the full set's are different on purpose."""
    return {mode: {"overall": {"Recall@5": 0.0, "Hit@1": 0.0},
                   "test": {"overall": {"Recall@5": recall5, "Hit@1": hit1}}}}


def test_equal_or_better_passes():
    assert regressions(BASE, metrics(0.8, 0.6)) == []
    assert regressions(BASE, metrics(0.9, 0.7)) == []


def test_float_noise_passes_but_a_real_drop_fails():
    assert regressions(BASE, metrics(0.8 - TOLERANCE / 2, 0.6)) == []
    problems = regressions(BASE, metrics(0.8, 0.6 - 1 / 170))
    assert problems == ["hybrid Hit@1: 0.5941 < baseline 0.6000"]


def test_a_gated_mode_that_did_not_run_fails():
    assert regressions(BASE, metrics(1.0, 1.0, mode="bm25")) == ["hybrid: not evaluated"]


def test_baseline_needs_a_gated_mode():
    with pytest.raises(ValueError, match="none of the gated modes"):
        baseline_from_results({"name": "x", "metrics": metrics(1, 1, mode="bm25")})


def test_results_without_a_test_split_cannot_be_gated():
    with pytest.raises(ValueError, match="test split"):
        regressions(BASE, {"hybrid": {"overall": {"Recall@5": 1.0, "Hit@1": 1.0}}})
