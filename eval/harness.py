"""One evaluation run end to end: questions -> modes -> scores -> results record."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import QuestionScore, aggregate, aggregate_by, score_questions
from eval.questions import DEFAULT_QUESTIONS, Question
from eval.report import REPO_DIR, build_results, index_settings
from eval.runner import DEFAULT_MODES, EvalContext, ModeRun, QuestionRun, run_mode, tunable
from eval.split import Split, SplitError, load_split
from eval.tuning import FOLDS, Tuner, fold_questions, fold_train, settings_diff
from eval.variants import group_by_variant, variant_context
from index.hybrid import DEFAULT_SETTINGS, RetrievalSettings


def _forget_query_vectors(ctx: EvalContext) -> None:
    index = ctx.opened_index
    clear = getattr(getattr(index, "embedder", None), "clear_query_cache", None)
    if clear is not None:
        clear()


def _summary(scores: Sequence[QuestionScore]) -> dict[str, Any]:
    return {"overall": aggregate(scores), "by_type": aggregate_by(scores, "type")}


def _runs_with(mode: str, questions: Sequence[Question], ctx: EvalContext, contexts: dict[object, EvalContext],
               settings: RetrievalSettings, top_k: int) -> dict[str, QuestionRun]:
    """`mode` with `settings` over `questions` (each in its corpus variant), cached retrieval."""
    out: dict[str, QuestionRun] = {}
    for key, qs in group_by_variant(questions):
        run = run_mode(mode, qs, variant_context(ctx, key, contexts), top_k, settings=settings)
        out.update({r.qid: r for r in run.results})
    return out


EXPANSION_MODES = ("bm25", "hybrid")
EXPANSION_WEIGHTS = (0.0, 1.0)


def expansion_effect(
    mode: str, questions: Sequence[Question], split: Split, ctx: EvalContext,
    contexts: dict[object, EvalContext], top_k: int = 10,
) -> dict[str, Any]:
    """The synonym expansions' effect on the test split, per type: the mode with expansion
    weight 0 (none), the default (chosen on train) and 1 (as strong as the question's words)."""
    test = split.select(questions, "test")
    out: dict[str, Any] = {}
    for weight in sorted({*EXPANSION_WEIGHTS, DEFAULT_SETTINGS.expansion_weight}):
        runs = _runs_with(mode, test, ctx, contexts, DEFAULT_SETTINGS.replace(expansion_weight=weight), top_k)
        scores = score_questions(test, {q.id: runs[q.id].chunks for q in test}, {q.id: runs[q.id].gold_ranks for q in test})
        out[f"{weight:g}"] = _summary(scores)
    return out


def leave_one_city_out(
    mode: str,
    questions: Sequence[Question],
    split: Split,
    ctx: EvalContext,
    contexts: dict[object, EvalContext] | None = None,
    top_k: int = 10,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Per fold (city C): settings chosen on the training questions none of whose cities is
    C (eval.tuning), every question whose cities include C scored with them; pooled over the
    folds (a cross-city question once per fold it is in). Also records the settings chosen on
    the whole training split (what the defaults should be)."""
    contexts = contexts if contexts is not None else {}
    tuner = Tuner(mode, lambda st, qs: _runs_with(mode, qs, ctx, contexts, st, top_k))
    folds: dict[str, Any] = {}
    pooled: list[QuestionScore] = []
    for city in FOLDS:
        scored = fold_questions(questions, city)
        if not scored:
            continue
        chosen, _ = tuner.choose(fold_train(questions, split, city))
        runs = tuner.ranks(chosen, scored)
        scores = score_questions(scored, {q.id: runs[q.id].chunks for q in scored},
                                 {q.id: runs[q.id].gold_ranks for q in scored})
        pooled.extend(scores)
        folds[city] = {**_summary(scores), "settings": settings_diff(chosen)}
        if progress:
            progress(f"{mode} LOCO {city}: {len(scored)} questions, settings {settings_diff(chosen) or 'defaults'}")
    on_train, _ = tuner.choose(split.select(questions, "train"))
    return {"folds": folds, **_summary(pooled), "train_choice": settings_diff(on_train),
            "settings_tried": len(tuner.memo)}


def evaluate(
    questions: Sequence[Question],
    modes: Sequence[str] = DEFAULT_MODES,
    ctx: EvalContext | None = None,
    top_k: int = 10,
    name: str = "latest",
    questions_file: Path | None = None,
    progress: Callable[[str], None] | None = None,
    split: Split | None = None,
    loco: bool = True,
    answers: bool = False,
) -> dict[str, Any]:
    """Run `modes` over `questions` and return the results record (see eval.report): the full
    set, the frozen test split (eval/split.json) and, for modes that take retrieval settings,
    leave-one-city-out with per-fold tuning (`loco=False` skips it); with `answers`, also the
    chat answers scored against each question's `expect` (eval.answers)."""
    ctx = ctx or EvalContext()
    groups = group_by_variant(questions)  # `traditional` questions: their plan in Traditional script
    contexts: dict[object, EvalContext] = {}
    runs: list[ModeRun] = []
    for mode in modes:
        _forget_query_vectors(ctx)  # each mode pays for its own query embeddings
        parts = [run_mode(mode, qs, variant_context(ctx, key, contexts), top_k, progress) for key, qs in groups]
        skipped = next((p.skipped for p in parts if p.skipped), "")
        by_id = {r.qid: r for p in parts for r in p.results}
        runs.append(ModeRun(mode, skipped=skipped) if skipped else
                    ModeRun(mode, tuple(by_id[q.id] for q in questions)))
    scores = {}
    for run in runs:
        if not run.skipped:
            rankings = {r.qid: r.chunks for r in run.results}
            ranks = {r.qid: r.gold_ranks for r in run.results}
            scores[run.mode] = score_questions(questions, rankings, ranks)
    source = Path(questions_file or DEFAULT_QUESTIONS).resolve()
    try:
        shown = str(source.relative_to(REPO_DIR))
    except ValueError:
        shown = source.name  # never record an absolute machine path
    settings = {
        **(index_settings(ctx.opened_index) if ctx.opened_index is not None else {"embedder": ""}),
        "top_k": top_k,
        "questions_file": shown,
        "questions": len(questions),
        "retrieval": DEFAULT_SETTINGS.as_dict(),
    }
    results = build_results(name, questions, runs, scores, settings)
    if split is None:
        try:
            split = load_split()
            [split.side(q.id) for q in questions]
        except SplitError:
            split = None  # a question file the split does not cover: full-set figures only
    if split is not None:
        sides = {q.id: split.side(q.id) for q in questions}
        results["settings"]["test_questions"] = sum(1 for v in sides.values() if v == "test")
        for mode, mode_scores in scores.items():
            results["metrics"][mode]["test"] = _summary([s for s in mode_scores if sides[s.qid] == "test"])
        if loco:
            results["expansion"] = {
                mode: expansion_effect(mode, questions, split, ctx, contexts, top_k)
                for mode in scores if mode in EXPANSION_MODES
            }
            results["loco"] = {
                mode: leave_one_city_out(mode, questions, split, ctx, contexts, top_k, progress)
                for mode in scores if tunable(mode)
            }
    if answers:
        from eval.answers import answers_record

        results["answers"] = answers_record(questions, ctx)
        if progress:
            progress(f"answers: {len(questions)} questions")
    return results
