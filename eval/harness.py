"""One evaluation run end to end: questions -> modes -> scores -> results record."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import score_questions
from eval.questions import DEFAULT_QUESTIONS, Question
from eval.report import REPO_DIR, build_results, index_settings
from eval.runner import DEFAULT_MODES, EvalContext, ModeRun, run_mode
from eval.variants import group_by_variant, variant_index



def _forget_query_vectors(ctx: EvalContext) -> None:
    index = ctx.opened_index
    clear = getattr(getattr(index, "embedder", None), "clear_query_cache", None)
    if clear is not None:
        clear()


def variant_context(ctx: EvalContext, key: tuple[str, str] | None, cache: dict[object, EvalContext]) -> EvalContext:
    """The context a group of questions is run in: `ctx`, or for a corpus variant an in-memory
    index over the built-in plans with one transformed (eval.variants), built once per run."""
    if key is None:
        return ctx
    if key not in cache:
        base = ctx.index
        cache[key] = EvalContext.with_index(variant_index(key[0], key[1], base.embedder, base.data_dir),
                                            data_dir=ctx.data_dir)
    return cache[key]


def evaluate(
    questions: Sequence[Question],
    modes: Sequence[str] = DEFAULT_MODES,
    ctx: EvalContext | None = None,
    top_k: int = 10,
    name: str = "latest",
    questions_file: Path | None = None,
    progress: Callable[[str], None] | None = None,
    answers: bool = False,
) -> dict[str, Any]:
    """Run `modes` over `questions` and return the results record (see eval.report); with
    `answers`, also the chat answers scored against each question's `expect` (eval.answers)."""
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
    }
    results = build_results(name, questions, runs, scores, settings)
    if answers:
        from eval.answers import answers_record

        results["answers"] = answers_record(questions, ctx)
        if progress:
            progress(f"answers: {len(questions)} questions")
    return results
