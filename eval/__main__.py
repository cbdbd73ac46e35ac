"""`python -m eval`: run the retrieval evaluation, compare two runs, update the baseline.

  python -m eval run [--modes plain-bm25,plain-dense,plain-hybrid,bm25,dense,hybrid] [--questions FILE] [--name NAME]
                     [--top-k 10] [--data-dir DIR] [--plugin MODULE]
  python -m eval compare OLD.json NEW.json
  python -m eval baseline --from eval/results/NAME.json [--out eval/baseline.json]
  python -m eval split        assign questions added since the split was frozen (eval/split.py)
  python -m eval tune         settings chosen on the training split (eval.tuning), vs the defaults
  python -m eval answers-loco answer accuracy leave-one-city-out (eval/answer_loco.py)
  python -m eval readme [--from eval/results/latest.json] [--loco eval/results/answers-loco.json]
                              regenerate the README's retrieval and answer figures
  python -m eval from-feedback [--data-dir DIR] [--out FILE] [--useful] [--not-found]
                              candidate questions from officials' feedback, for a person to review
                              (eval/from_feedback.py; never written into eval/questions.jsonl)
  python -m eval walk [--data-dir DIR]
                              the stops of one chat question, into docs/ARCHITECTURE.md (eval/walk.py)
  (`run --answers` also scores the chat answers against each question's expect: eval/answers.py)

Exit codes: 0 ok, 2 bad input (one-line reason on stderr).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    from eval.runner import DEFAULT_MODES

    parser = argparse.ArgumentParser(prog="python -m eval", description="Retrieval evaluation harness.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run modes over the question set and write eval/results/<name>.*")
    run.add_argument("--modes", default=",".join(DEFAULT_MODES),
                     help="comma-separated registered modes (default: %(default)s)")
    run.add_argument("--questions", type=Path, default=None, help="question file (default: eval/questions.jsonl)")
    run.add_argument("--name", default="latest", help="results name (default: %(default)s)")
    run.add_argument("--top-k", type=int, default=10, help="results per question (default: %(default)s)")
    run.add_argument("--data-dir", type=Path, default=None, help="data directory holding the index")
    run.add_argument("--plugin", action="append", default=[], help="module that registers extra modes")
    run.add_argument("--answers", action="store_true",
                     help="also score the chat answers against each question's expect (eval.answers)")
    run.add_argument("--out-dir", type=Path, default=None, help="results directory (default: eval/results)")
    cmp_ = sub.add_parser("compare", help="questions that got better or worse per mode")
    cmp_.add_argument("old", type=Path)
    cmp_.add_argument("new", type=Path)
    base = sub.add_parser("baseline", help="record the gated modes' Recall@5 and Hit@1 from a results file")
    base.add_argument("--from", dest="source", type=Path, required=True)
    base.add_argument("--out", type=Path, default=None, help="baseline file (default: eval/baseline.json)")
    sub.add_parser("split", help="assign questions added since the frozen split (eval/split.json)")
    readme = sub.add_parser("readme", help="regenerate the README's retrieval and answer figures from results files")
    readme.add_argument("--from", dest="source", type=Path, default=None,
                        help="results file (default: eval/results/latest.json)")
    readme.add_argument("--loco", type=Path, default=None, help="answers-loco results file")
    tune = sub.add_parser("tune", help="choose retrieval settings on the training split (never the test split)")
    tune.add_argument("--mode", default="hybrid", help="tunable mode (default: %(default)s)")
    run.add_argument("--no-loco", action="store_true", help="skip leave-one-city-out (per-fold tuning)")
    loco = sub.add_parser("answers-loco", help="answer accuracy, leave one city out (eval.answer_loco)")
    loco.add_argument("--name", default="answers-loco", help="results name (default: %(default)s)")
    loco.add_argument("--data-dir", type=Path, default=None, help="data directory holding the index")
    fb = sub.add_parser("from-feedback", help="candidate eval questions from answer feedback, for review")
    fb.add_argument("--data-dir", type=Path, default=None,
                    help="data directory holding feedback.sqlite3 (default: POLICYQA_DATA_DIR or .data/)")
    fb.add_argument("--out", type=Path, default=None,
                    help="JSON lines file to write (default: <data dir>/eval-candidates.jsonl)")
    fb.add_argument("--useful", action="store_true", help="also answers marked useful (gold: the quoted sentence)")
    fb.add_argument("--not-found", action="store_true",
                    help="also logged questions answered 'not found' (POLICYQA_LOG_QUESTIONS; no gold yet)")
    walk = sub.add_parser("walk", help="the stops of one chat question (eval.walk) into docs/ARCHITECTURE.md")
    walk.add_argument("--data-dir", type=Path, default=None, help="data directory holding the index")
    return parser


def _from_feedback(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from assistant.feedback import StoreUnavailable
    from eval.from_feedback import CandidateError, describe, write_candidates
    from index.paths import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    if not data_dir.is_dir():
        parser.error(f"--data-dir {data_dir} is not a directory")
    try:
        written = write_candidates(data_dir, args.out, useful=args.useful, not_found=args.not_found)
    except CandidateError as err:
        parser.error(str(err))
    except StoreUnavailable as err:
        print(f"error: cannot read the feedback database: {err}", file=sys.stderr)
        return 2
    print(describe(written, data_dir))
    return 0


def _split() -> int:
    from eval.questions import QuestionSetError, load_questions
    from eval.split import SplitError, extend, load_split

    try:
        questions = load_questions()
        added = extend(questions)
        split = load_split()
    except (QuestionSetError, SplitError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    test = len(split.select(questions, "test"))
    print(f"added {len(added)} questions; test split {test} of {len(questions)}")
    return 0


def _readme(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Both generated README sections: retrieval (always) and answers (when the run scored them)."""
    import json

    from eval.report import REPO_DIR, RESULTS_DIR, load_results, update_readme, update_readme_answers

    source = args.source or RESULTS_DIR / "latest.json"
    try:
        results = load_results(source)
        if not results.get("answers"):
            raise ValueError(f"{source.name} has no answers (run with --answers)")
        loco = json.loads(args.loco.read_text(encoding="utf-8")) if args.loco else None
        if not update_readme(results, REPO_DIR / "README.md"):
            raise ValueError("README.md has no retrieval-accuracy markers")
        update_readme_answers(results, loco)
    except (ValueError, OSError) as err:
        parser.error(str(err))
    print("README.md: retrieval and answer accuracy regenerated")
    return 0


def _tune(mode: str) -> int:
    import json

    from eval.harness import _runs_with
    from eval.questions import load_questions
    from eval.runner import EvalContext, tunable
    from eval.split import load_split
    from eval.tuning import Tuner, settings_diff

    if not tunable(mode):
        print(f"error: mode {mode!r} takes no retrieval settings", file=sys.stderr)
        return 2
    questions = load_questions()
    train = load_split().select(questions, "train")
    ctx, contexts = EvalContext(), {}  # type: ignore[var-annotated]
    tuner = Tuner(mode, lambda st, qs: _runs_with(mode, qs, ctx, contexts, st, 10))
    base = tuner.score(tuner.start, train)
    chosen, score = tuner.choose(train)
    print(f"{mode}: objective on {len(train)} training questions {base:.4f} with the defaults, "
          f"{score:.4f} with {json.dumps(settings_diff(chosen), ensure_ascii=False) or 'the defaults'}")
    return 0


def _answers_loco(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from eval.answer_loco import loco, write
    from eval.questions import QuestionSetError, load_questions
    from eval.report import RESULTS_DIR
    from eval.runner import EvalContext
    from eval.split import SplitError, load_split

    if not re.fullmatch(r"[A-Za-z0-9_.-]+", args.name):
        parser.error(f"invalid --name {args.name!r} (letters, digits, _ . - only)")
    if args.data_dir is not None and not args.data_dir.is_dir():
        parser.error(f"--data-dir {args.data_dir} is not a directory")
    try:
        questions = load_questions()
        split = load_split()
    except (QuestionSetError, SplitError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    train = {q.id for q in split.select(questions, "train")}
    record = loco(questions, EvalContext(data_dir=args.data_dir), train)
    for f in record["folds"]:
        print(f"{f['city']}: n={f['n']} accuracy={f['accuracy']:.3f} false_absent={f['false_absent']} "
              f"wrong_figure={f['wrong_figure']} (chosen weight {f['chosen']['similarity_weight']}, "
              f"similarity {f['chosen']['similarity']})")
    p = record["pooled"]
    print(f"pooled: n={p['n']} accuracy={p['accuracy']:.3f} false_absent={p['false_absent']} wrong_figure={p['wrong_figure']}")
    print("wrote " + ", ".join(str(x) for x in write(record, RESULTS_DIR, args.name)))
    return 0


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from eval.harness import evaluate
    from eval.questions import QuestionSetError, load_questions
    from eval.report import RESULTS_DIR, overall_table, split_table, write_results
    from eval.runner import EvalContext, UnknownMode, get_mode, load_plugin

    if not re.fullmatch(r"[A-Za-z0-9_.-]+", args.name):
        parser.error(f"invalid --name {args.name!r} (letters, digits, _ . - only)")
    if not 1 <= args.top_k <= 100:
        parser.error("--top-k must be between 1 and 100")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes:
        parser.error("--modes is empty")
    try:
        for module in args.plugin:
            load_plugin(module)
        for mode in modes:
            get_mode(mode)
        questions = load_questions(args.questions)
    except (UnknownMode, QuestionSetError) as err:
        parser.error(str(err))
    if args.data_dir is not None and not args.data_dir.is_dir():
        parser.error(f"--data-dir {args.data_dir} is not a directory")
    results = evaluate(questions, modes, EvalContext(data_dir=args.data_dir), args.top_k, args.name,
                       args.questions, progress=lambda msg: print(msg, file=sys.stderr),
                       loco=not args.no_loco, answers=args.answers)
    for mode, reason in results["skipped"].items():
        print(f"skipped {mode}: {reason}", file=sys.stderr)
    if not results["metrics"]:
        print("error: no mode could run", file=sys.stderr)
        return 2
    paths = write_results(results, args.out_dir or RESULTS_DIR)
    print(overall_table(results))
    print(split_table(results))
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        return _run(args, parser)
    if args.command == "split":
        return _split()
    if args.command == "tune":
        return _tune(args.mode)
    if args.command == "answers-loco":
        return _answers_loco(args, parser)
    if args.command == "readme":
        return _readme(args, parser)
    if args.command == "from-feedback":
        return _from_feedback(args, parser)
    if args.command == "walk":
        from eval.walk import main as walk_main

        return walk_main(args.data_dir)
    from eval.report import load_results

    if args.command == "compare":
        from eval.compare import compare, format_comparison

        try:
            old, new = load_results(args.old), load_results(args.new)
        except ValueError as err:
            parser.error(str(err))
        print(format_comparison(compare(old, new)))
        return 0
    from eval.baseline import BASELINE, baseline_from_results, write_baseline

    try:
        record = baseline_from_results(load_results(args.source))
    except ValueError as err:
        parser.error(str(err))
    path = write_baseline(record, args.out or BASELINE)
    print(f"wrote {path.name}: " + "; ".join(
        f"{mode} " + ", ".join(f"{k}={v:.4f}" for k, v in vals.items()) for mode, vals in record["modes"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
