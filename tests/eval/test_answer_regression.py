"""Answer regression gate: the chat answers over the real index, scored against each
question's `expect` (eval.answers), must not fall below the `answers` record of
eval/baseline.json: accuracy not lower, false-absent and wrong-figure counts not higher, no
question answered right in the baseline answered wrong now.

Update the baseline on purpose only: `python -m eval run --answers --name NAME` then
`python -m eval baseline --from eval/results/NAME.json`.
"""
from __future__ import annotations

import pytest

from eval.answers import answers_record
from eval.baseline import answer_regressions, load_baseline
from eval.questions import load_questions
from eval.runner import EvalContext

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answers(search_index):
    return answers_record(load_questions(), EvalContext.with_index(search_index))


# False absents the composer still gives, each with its reason; any other one fails. From the
# blind questions (q500-q601), first run; to be fixed, not to grow.
KNOWN_FALSE_ABSENTS = {
    "q516": "a range of months (以5—9月为重点时段) is no figure to the grammar (corpus/figures.py)",
}


def test_no_false_absent(answers):
    bad = [r["qid"] for r in answers["questions"] if r["outcome"] == "false_absent"]
    assert set(bad) <= set(KNOWN_FALSE_ABSENTS), bad


def test_answers_do_not_drop_below_the_baseline(answers):
    problems = answer_regressions(load_baseline(), answers)
    assert not problems, "; ".join(problems)
