"""Leave-one-city-out (LOCO) answer accuracy: the composer's settings chosen without a city.

Five folds, one per city (安顺市, 三门峡市, 铁岭市, 安阳市, 定州市). For fold C the composer
settings (`assistant.answering.settings.AnswerSettings`: the weight of question-clause similarity and the
similarity an unnamed figure clause needs) are chosen from a small grid on the TRAIN-side
questions (eval/split.json) none of whose cities is C; fold C then scores every question whose
cities include C (train and test side). The pooled figure counts each question once per fold
it is in (a cross-city question is in several folds). The test split is never looked at when
choosing.

  python -m eval answers-loco [--name answers-loco]   -> eval/results/<name>.json|md
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval.answers import AnswerScore, answer_variants, score_answer
from eval.questions import Question

FOLDS: tuple[str, ...] = ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市")
WEIGHTS: tuple[float, ...] = (1.0, 2.0, 4.0, 6.0)
SIMILARITIES: tuple[float, ...] = (0.86, 0.88, 0.9, 0.92)


# The composer's fields a LOCO record reports (the grid varies the first two).
COMPOSER_FIELDS = ("similarity_weight", "similarity", "candidate_depth", "accept", "similar_lexical", "unsure")


def grid() -> list[Any]:
    from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS

    return [replace(DEFAULT_ANSWER_SETTINGS, similarity_weight=w, similarity=s) for w in WEIGHTS for s in SIMILARITIES]


def composer(option: Any) -> dict[str, Any]:
    """The composer settings of `option` (an AnswerSettings) as recorded."""
    return {name: getattr(option, name) for name in COMPOSER_FIELDS}


def _accuracy(scores: Sequence[AnswerScore]) -> tuple[float, int]:
    scored = [s for s in scores if s.outcome != "no_expect"]
    return (sum(s.correct for s in scored) / len(scored) if scored else 0.0), sum(
        s.outcome == "false_absent" for s in scored)


def _rank(scores: Sequence[AnswerScore], option: Any) -> tuple[float, int, float, float]:
    """Higher accuracy, then fewer false absents; ties: the higher similarity bar (asserts
    less), then the smaller similarity weight."""
    acc, fa = _accuracy(scores)
    return acc, -fa, option.similarity, -option.similarity_weight


def loco(questions: Sequence[Question], ctx: Any, train_ids: set[str]) -> dict[str, Any]:
    """The LOCO record: per fold the chosen settings, their train accuracy and the fold's
    answer accuracy / false-absent / wrong-figure; pooled over folds."""
    options = grid()
    answered = answer_variants(questions, ctx, options=options)
    # scores[i][qid]: the outcome under options[i]
    scores = [{q.id: score_answer(q, q.expect, answers[i]) for q, answers in answered} for i in range(len(options))]
    folds = []
    pooled_n = pooled_ok = pooled_fa = pooled_wf = 0
    for city in FOLDS:
        train = [q for q in questions if q.id in train_ids and city not in q.cities]
        fold = [q for q in questions if city in q.cities]

        def train_key(i: int) -> tuple[float, int, float, float]:
            return _rank([scores[i][q.id] for q in train], options[i])

        best = max(range(len(options)), key=train_key)
        fold_scores = [scores[best][q.id] for q in fold if q.expect]
        ok = sum(s.correct for s in fold_scores)
        fa = sum(s.outcome == "false_absent" for s in fold_scores)
        wf = sum(s.outcome == "wrong_figure" for s in fold_scores)
        pooled_n, pooled_ok, pooled_fa, pooled_wf = pooled_n + len(fold_scores), pooled_ok + ok, pooled_fa + fa, pooled_wf + wf
        folds.append({
            "city": city, "train_questions": len(train), "chosen": composer(options[best]),
            "train_accuracy": train_key(best)[0], "n": len(fold_scores),
            "accuracy": ok / len(fold_scores) if fold_scores else 0.0, "false_absent": fa, "wrong_figure": wf,
            "failures": [s.record() for s in fold_scores if not s.correct],
        })
    all_train = [q for q in questions if q.id in train_ids]
    served = max(range(len(options)), key=lambda i: _rank([scores[i][q.id] for q in all_train], options[i]))
    return {
        "name": "answers-loco",
        "train_choice": {"options": composer(options[served]), "questions": len(all_train),
                         "accuracy": _accuracy([scores[served][q.id] for q in all_train])[0],
                         "note": "best on the whole train side: the served default (AnswerSettings)"},
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "grid": [composer(o) for o in options],
        "folds": folds,
        "pooled": {"n": pooled_n, "accuracy": pooled_ok / pooled_n if pooled_n else 0.0,
                   "false_absent": pooled_fa, "wrong_figure": pooled_wf,
                   "note": "each question counted once per fold it is in"},
    }


def markdown(record: Mapping[str, Any]) -> str:
    lines = ["# Answer accuracy, leave one city out", "",
             "Composer settings (similarity weight, similarity bar) chosen per fold on the train-side "
             "questions without the fold's city; the fold scores every question naming its city. "
             "Pooled: each question counted once per fold it is in.", "",
             "| fold | train q | chosen weight | chosen similarity | n | accuracy | false_absent | wrong_figure |",
             "|---|---|---|---|---|---|---|---|"]
    for f in record["folds"]:
        lines.append(f"| {f['city']} | {f['train_questions']} | {f['chosen']['similarity_weight']} | "
                     f"{f['chosen']['similarity']} | {f['n']} | {f['accuracy']:.3f} | {f['false_absent']} | {f['wrong_figure']} |")
    p = record["pooled"]
    lines.append(f"| pooled | | | | {p['n']} | {p['accuracy']:.3f} | {p['false_absent']} | {p['wrong_figure']} |")
    lines += ["", "## Failures per fold", ""]
    for f in record["folds"]:
        for r in f["failures"]:
            lines.append(f"- {f['city']} {r['qid']} ({r['type']}) {r['outcome']}: {r['detail']}")
    return "\n".join(lines) + "\n"


def write(record: Mapping[str, Any], out_dir: Path, name: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.json", out_dir / f"{name}.md"]
    paths[0].write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(record), encoding="utf-8")
    return paths
