"""`make library`: the five built-in plans plus the 160 PDFs of eval/real/pdfs as one library,
added the way a user adds a folder (`python -m assistant add eval/real/pdfs`, no metadata), and
what the product does at that size.

1. Build (eval.library_build): files added / refused, chunks, windows, pages, wall time split
   into reading, keyword index and embedding, index size on disk, peak RSS. Resumable: a second
   run reuses what is built. `--limit N` adds only the first N PDFs (in `add`'s order) for a
   smoke run; the results say which was run.
2. Questions asked of the library, in-process, as the chat and `/api/v1/search` serve them
   (assistant.service.Assistant, hybrid): the library questions (eval/library/questions.jsonl,
   each with its `filters`) and the real blind questions (eval/real/questions.jsonl), those whose
   documents are in the library. Search and answer latency p50/p95 over them as eval.bench
   measures it: warm-up questions first, the query-vector cache emptied before the search pass
   and again before the answer pass (clause vectors are cached on disk: a fresh data dir's first
   run embeds those of the chunks it reads, later runs do not).
3. Distractor robustness: the eval set's questions on the five plans (eval/questions.jsonl)
   through eval.harness.evaluate (hybrid, answers) on the library and on the five-plan index (the
   default data dir of `python -m assistant index`, built when missing): Hit@1 and answer
   accuracy on both, the differences, and the ids of new false "no figure" answers.
4. Real blind questions on the library, scored by eval.real_eval (score_row, summarise), beside
   eval/results/real-questions.json (the smaller library of `make eval-real`).
5. Library questions scored by eval.library_score, per kind and per split.

Writes eval/results/library.{json,md} and the README section between its markers
(eval.report.write_bench_results). `python -m eval.library [--data-dir .data-library]
[--base-dir DIR] [--limit N] [--no-write]`.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.report import git_commit, write_bench_results

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / ".data-library"
PDF_DIR = REPO / "eval" / "real" / "pdfs"
RESULTS = REPO / "eval" / "results"
REAL_RESULTS = RESULTS / "real-questions.json"
README_START, README_END = "<!-- library:start (make library) -->", "<!-- library:end -->"
MAX_DROP = 0.01  # the most Hit@1 or answer accuracy the five-plan questions may lose on the library


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# -- asking -------------------------------------------------------------------------

Ask = tuple[str, tuple[str, ...], Any]  # (question, history, filters)


def timed_pass(fn: Callable[[str, tuple[str, ...], Any], Any], asks: Sequence[Ask], embedder: Any) -> tuple[list[Any], dict[str, Any]]:
    """`fn` over every ask after eval.bench's warm-up questions, the query-vector cache emptied
    first: (results in order, latency percentiles)."""
    from eval.bench import WARMUP, forget_query_vectors
    from eval.scale import percentiles_ms

    for w in WARMUP:
        fn(w, (), None)
    forget_query_vectors(embedder)
    out, seconds = [], []
    for question, history, filters in asks:
        start = time.perf_counter()
        out.append(fn(question, history, filters))
        seconds.append(time.perf_counter() - start)
    return out, (percentiles_ms(seconds) if seconds else {"n": 0})


# -- distractor robustness ------------------------------------------------------------

def five_plan_figures(results: Mapping[str, Any]) -> dict[str, Any]:
    """Hit@1 (full set, test split), answer accuracy, and per question Hit@1 and answer outcome
    from an eval.harness.evaluate results record (mode hybrid, answers)."""
    metrics = results["metrics"]["hybrid"]
    answers = results["answers"]
    return {
        "hit@1": round(metrics["overall"]["Hit@1"], 4),
        "test_hit@1": round(metrics["test"]["overall"]["Hit@1"], 4) if "test" in metrics else None,
        "answers": round(answers["overall"]["accuracy"], 4),
        "false_absent": answers["overall"]["false_absent"],
        "hits": {r["id"]: r["metrics"]["Hit@1"] for r in results["questions"]["hybrid"]},
        "outcomes": {r["qid"]: r["outcome"] for r in answers["questions"]},
    }


def compare_five_plan(library: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """The library against the five-plan index: differences, the questions that lost their
    Hit@1 or their correct answer, and new false "no figure" answers."""
    lost_hit = sorted(q for q, v in base["hits"].items() if v >= 1 and library["hits"].get(q, 0) < 1)
    won_hit = sorted(q for q, v in library["hits"].items() if v >= 1 and base["hits"].get(q, 0) < 1)
    lost_answer = sorted(q for q, o in base["outcomes"].items()
                         if o == "correct" and library["outcomes"].get(q) != "correct")
    won_answer = sorted(q for q, o in library["outcomes"].items()
                        if o == "correct" and base["outcomes"].get(q) != "correct")
    new_false_absent = sorted(q for q, o in library["outcomes"].items()
                              if o == "false_absent" and base["outcomes"].get(q) != "false_absent")
    hit_drop = round(base["hit@1"] - library["hit@1"], 4)
    answer_drop = round(base["answers"] - library["answers"], 4)
    return {
        "library": {k: v for k, v in library.items() if k not in ("hits", "outcomes")},
        "five_plans": {k: v for k, v in base.items() if k not in ("hits", "outcomes")},
        "hit@1_drop": hit_drop, "answers_drop": answer_drop,
        "lost_hit@1": lost_hit, "won_hit@1": won_hit, "lost_answer": lost_answer, "won_answer": won_answer,
        "new_false_absent": new_false_absent,
        "holds": hit_drop <= MAX_DROP and answer_drop <= MAX_DROP and not new_false_absent,
    }


def distractor_check(library_index: Any, base_dir: Path, embedder: Any) -> dict[str, Any]:
    """eval.harness.evaluate (hybrid, with answers, no tuning) on the library and on the five
    plans' own index."""
    from eval.harness import evaluate
    from eval.questions import load_questions
    from eval.runner import EvalContext
    from index.engine import SearchIndex

    questions = load_questions()
    _log(f"[library] five-plan questions on the library ({len(questions)})")
    on_library = evaluate(questions, ("hybrid",), EvalContext.with_index(library_index, library_index.data_dir),
                          name="library-distractors", loco=False, answers=True)
    _log(f"[library] five-plan questions on the five-plan index in {base_dir}")
    base_index = SearchIndex.open(base_dir, embedder, build=True, progress=True)
    on_base = evaluate(questions, ("hybrid",), EvalContext.with_index(base_index, base_dir),
                       name="five-plans", loco=False, answers=True)
    return {"questions": len(questions), "base_documents": len(base_index.documents),
            "base_chunks": len(base_index.chunks),
            **compare_five_plan(five_plan_figures(on_library), five_plan_figures(on_base))}


# -- the run --------------------------------------------------------------------------

def run(data_dir: Path = DATA_DIR, base_dir: Path | None = None, pdf_dir: Path = PDF_DIR,
        limit: int | None = None, distractors: bool = True) -> dict[str, Any]:
    from assistant.service import Assistant
    from eval import library_score, real_eval
    from eval.library_build import build, index_figures, library_files, peak_rss_bytes
    from eval.scale import rss_bytes
    from index.embedders import make_embedder
    from index.engine import SearchIndex
    from index.paths import resolve_data_dir

    started = time.perf_counter()
    embedder = make_embedder()
    files, refused_by_name = library_files(pdf_dir, limit)
    _log(f"[library] adding {len(files)} PDFs of {pdf_dir.name} to {data_dir}")
    built = build(data_dir, files, embedder, _log)
    index = SearchIndex.open(data_dir, embedder, build=True, progress=True)
    figures = index_figures(index)
    rss_open = rss_bytes()
    in_library = {m.doc_id for m in index.documents}

    plans = [m.doc_id for m in index.documents if not m.doc_id.startswith("doc-")]
    library_qs = library_score.load_questions()
    doc_ids = library_score.gold_doc_ids(sorted({d for q in library_qs for d in q.docs}), plans, pdf_dir,
                                         real_eval.doc_id_of)
    asked_lib = [q for q in library_qs if all(doc_ids.get(d) in in_library for d in q.docs)]
    real_qs = real_eval.load()
    real_ids = {d: real_eval.doc_id_of(pdf_dir / d) for d in sorted({q.doc for q in real_qs})}
    asked_real = [q for q in real_qs if real_ids[q.doc] in in_library]
    asks: list[Ask] = ([(q.question, (), library_score.filters_of(q.filters)) for q in asked_lib]
                       + [(q.question, q.history, None) for q in asked_real])

    assistant = Assistant(index)

    def search(q: str, h: tuple[str, ...], f: Any) -> Any:
        return assistant.search(q, history=h, top_k=library_score.TOP_K, filters=f).hits

    def answer(q: str, h: tuple[str, ...], f: Any) -> Any:
        return assistant.answer(q, history=h, filters=f)

    # The first pass is scored; its latency includes embedding the clause vectors of every chunk
    # read for the first time (cached on disk after). The second pass is timed warm, as
    # eval.bench times the five plans.
    _log(f"[library] searching {len(asks)} questions ({len(asked_lib)} library, {len(asked_real)} real)")
    searched, search_first = timed_pass(search, asks, embedder)
    _log(f"[library] answering {len(asks)} questions")
    answered, answer_first = timed_pass(answer, asks, embedder)
    _log("[library] timing search and answer again, clause vectors cached")
    search_latency = timed_pass(search, asks, embedder)[1]
    answer_latency = timed_pass(answer, asks, embedder)[1]

    lib_rows = [library_score.score_question(q, doc_ids, hits, answer)
                for q, hits, answer in zip(asked_lib, searched, answered)]
    places = {m.doc_id: m.city for m in index.documents}
    real_rows = [real_eval.score_row(q, real_ids[q.doc], places.get(real_ids[q.doc], ""), hits, answer)
                 for q, hits, answer in zip(asked_real, searched[len(asked_lib):], answered[len(asked_lib):])]
    rss_served = rss_bytes()

    results: dict[str, Any] = {
        "settings": {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), **git_commit(), "embedder": embedder.id,
                     "limit": limit, "full": limit is None or limit >= len(library_files(pdf_dir)[0]),
                     "pdfs_selected": len(files), "pdf_dir": _shown(pdf_dir), "data_dir": _shown(data_dir)},
        "build": {**{k: v for k, v in built.items() if k != "per_file"},
                  "refused": refused_by_name + [{"file": f["file"], "reason": f["reason"]}
                                                for f in built["per_file"] if f["status"] == "refused"]},
        "index": figures,
        "memory": {"build_peak_rss_bytes": built["across_runs"]["peak_rss_bytes"],  # the most any build run took
                   "this_run_build_peak_rss_bytes": built["this_run"]["peak_rss_bytes"], "rss_after_open_bytes": rss_open,
                   "rss_after_questions_bytes": rss_served},
        "latency": {"questions": len(asks), "search": search_latency, "answer": answer_latency,
                    "first_pass": {"search": search_first, "answer": answer_first}},
        "library_questions": {"asked": len(asked_lib), "of": len(library_qs),
                              "summary": library_score.summarise(lib_rows), "rows": lib_rows},
        "real_questions": {"asked": len(asked_real), "of": len(real_qs),
                           "summary": real_eval.summarise(real_rows),
                           "reference": _real_reference({q.id for q in asked_real}),
                           "rows": real_rows},
        "per_file": built["per_file"],
    }
    if distractors:
        results["distractors"] = distractor_check(index, resolve_data_dir(base_dir), embedder)
    results["memory"]["peak_rss_bytes"] = peak_rss_bytes()
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _shown(path: Path) -> str:
    """A path relative to the repository (never a machine path in the results)."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return path.name


def _real_reference(ids: set[str], path: Path = REAL_RESULTS) -> dict[str, Any]:
    """The same real blind questions (`ids`) on the library of `make eval-real` (the built-in
    plans plus the questions' own PDFs), summarised from its results file's rows (and its
    commit: it may be older than this run's)."""
    from eval.real_eval import summarise

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = [r for r in data["rows"] if r["id"] in ids]
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return {}
    return {"library_documents": data.get("library_documents"), "library_chunks": data.get("library_chunks"),
            "questions": len(rows), "summary": summarise(rows)}


# -- reporting ------------------------------------------------------------------------

def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def _ms(p: Mapping[str, Any]) -> str:
    return f"{p.get('p50_ms', 0):.0f} / {p.get('p95_ms', 0):.0f} ms"


def _f(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}"


def markdown(results: Mapping[str, Any]) -> str:
    s, b, ix = results["settings"], results["build"], results["index"]
    run, total = b["this_run"], b["across_runs"]
    which = ("all PDFs" if s["full"] else f"smoke run: the first {s['pdfs_selected']} PDFs (`--limit {s['limit']}`)")
    lat = results["latency"]
    lines = [README_START, "",
             f"One library: the five built-in plans plus the PDFs of `eval/real/pdfs` added with `add` and no "
             f"metadata ({which}; `make library`, data in `.data-library`, `eval/results/library.json`):", "",
             "| documents | pages | chunks | windows | index + embedding cache on disk | build wall time | reading | "
             "keyword index | embedding | peak RSS of a build run |", "|---|---|---|---|---|---|---|---|---|---|",
             f"| {ix['documents']} | {ix['pages']} | {ix['chunks']} | {ix['windows']} | "
             f"{_mb(ix['index_and_embeddings_bytes'])} | {total['wall_seconds']:.0f} s | {total['reading_seconds']:.0f} s | "
             f"{total['keyword_index_seconds']:.0f} s | {total['embedding_seconds']:.0f} s | "
             f"{_mb(results['memory']['build_peak_rss_bytes'])} |", "",
             f"Build over {b['runs']} run(s) into the data dir (this run: {run['counts'].get('added', 0)} added, "
             f"{run['counts'].get('duplicate', 0)} already in, {run['counts'].get('refused', 0)} refused, "
             f"{run['wall_seconds']:.0f} s); {len(b['refused'])} refused in all"
             + (": " + "; ".join(f"{r['file']} ({r['reason']})" for r in b["refused"]) if b["refused"] else "") + ".",
             f"Served: RSS {_mb(results['memory']['rss_after_questions_bytes'])} after the questions; "
             f"{lat['questions']} questions (the library and real ones below) in-process, hybrid, query-vector cache "
             f"emptied before each pass: search p50 / p95 {_ms(lat['search'])}, answer p50 / p95 {_ms(lat['answer'])} "
             f"(first pass, clause vectors of newly read chunks embedded on the way: search {_ms(lat['first_pass']['search'])}, "
             f"answer {_ms(lat['first_pass']['answer'])}).", ""]
    d = results.get("distractors")
    if d:
        lib, base = d["library"], d["five_plans"]
        lines += [f"Distractor robustness: the {d['questions']} eval questions on the five plans, asked of the library "
                  f"and of the five-plan index ({d['base_documents']} documents); "
                  f"{'holds' if d['holds'] else 'does not hold'} (at most {MAX_DROP} lost, no new false \"no figure\"):", "",
                  "| index | Hit@1 | Hit@1 test split | answers | false \"no figure\" |", "|---|---|---|---|---|",
                  f"| five plans | {_f(base['hit@1'])} | {_f(base['test_hit@1'])} | {_f(base['answers'])} | {base['false_absent']} |",
                  f"| library | {_f(lib['hit@1'])} | {_f(lib['test_hit@1'])} | {_f(lib['answers'])} | {lib['false_absent']} |",
                  f"| difference | {-d['hit@1_drop']:+.3f} | | {-d['answers_drop']:+.3f} | "
                  f"{len(d['new_false_absent'])} new{': ' + ', '.join(d['new_false_absent']) if d['new_false_absent'] else ''} |",
                  ""]
    rq = results["real_questions"]
    ref = rq["reference"].get("summary", {})
    lines += [f"Real blind questions ({rq['asked']} of {rq['of']}: those whose PDF is in the library) on the library, "
              f"beside the same questions on the {rq['reference'].get('library_documents', '?')}-document library of "
              "`make eval-real` (`eval/results/real-questions.json`):", "",
              "| library | questions | n | Hit@1 | Recall@5 | answers | false \"no figure\" |", "|---|---|---|---|---|---|---|"]
    for name in ("overall", "test", "train"):
        for label, summ in (("this", rq["summary"]), ("eval-real", ref)):
            f = summ.get(name) or {}
            if f.get("n"):
                lines.append(f"| {label} | {name} | {f['n']} | {_f(f['hit@1'])} | {_f(f['recall@5'])} | "
                             f"{_f(f['answers'])} | {f['false_absent']} |")
    lq = results["library_questions"]
    lines += ["", f"Library questions (`eval/library/questions.jsonl`, {lq['asked']} of {lq['of']} asked: those whose "
              "gold documents are in the library; each with its filters). Retrieval on the top 10 (absent questions "
              "left out): Hit@1 / Recall@5 a gold row's clause in a hit of its document, row recall@10 the share of "
              "rows found; answers: the share of rows whose figure is stated (absent: says the document gives none):", "",
              "| questions | n | Hit@1 | Recall@5 | row recall@10 | answers | complete | false \"no figure\" |",
              "|---|---|---|---|---|---|---|---|"]
    summary = lq["summary"]
    for name, f in [(k, summary[k]) for k in ("overall", "test", "train")] + list(summary["by_kind"].items()):
        if f.get("n"):
            lines.append(f"| {name} | {f['n']} | {_f(f['hit@1'])} | {_f(f['recall@5'])} | {_f(f['row_recall@10'])} | "
                         f"{_f(f['answers'])} | {f['answers_complete']} | {f['false_absent']} |")
    lines += ["", README_END]
    return "\n".join(lines)


def details(results: Mapping[str, Any]) -> list[str]:
    """The Markdown report: the README section, then per-question misses and the files."""
    out = [markdown(results), "", "## Library questions: misses", ""]
    for r in results["library_questions"]["rows"]:
        ret = r["retrieval"]
        if r["outcome"] != "correct" or (ret is not None and ret["hit@1"] < 1):
            ranks = ",".join("-" if k is None else str(k) for k in r["ranks"])
            out.append(f"- {r['id']} ({r['kind']}, {r['split']}{', filters ' + json.dumps(r['filters'], ensure_ascii=False) if r['filters'] else ''}): "
                       f"rows' ranks {ranks}; {r['outcome']} {r['detail']} — {r['question']} → {r['answer'][:160]!r}")
    out += ["", "## Real blind questions: misses", ""]
    for r in results["real_questions"]["rows"]:
        if r["rank"] != 1 or r["outcome"] not in ("correct", "no_expect"):
            out.append(f"- {r['id']} ({r['doc']}, {r['kind']}, {r['side']}): rank {r['rank']}, {r['outcome']} "
                       f"{r['detail']} — {r['question']} → {r['answer'][:120]!r}")
    d = results.get("distractors")
    if d:
        out += ["", "## Five-plan questions: library against the five-plan index", ""]
        for key in ("lost_hit@1", "won_hit@1", "lost_answer", "won_answer", "new_false_absent"):
            out.append(f"- {key}: {', '.join(d[key]) or '(none)'}")
        out.append("- the `traditional` questions are asked of the five plans with one in Traditional script in both "
                   "runs (eval.variants): the library does not change them")
    out += ["", "## Files", "", "| file | status | pages | chunks | seconds | level | place | title |",
            "|---|---|---|---|---|---|---|---|"]
    for f in results["per_file"]:
        out.append(f"| {f['file']} | {f['status']}{' ' + f['reason'] if f['reason'] else ''} | {f['pages']} | "
                   f"{f['chunks']} | {f['seconds']} | {f['level']} | {f['city']} | {f['title']} |")
    return out


def write(results: Mapping[str, Any], out: Path = RESULTS, readme: Path = REPO / "README.md") -> None:
    write_bench_results(out, "library", results, details(results), readme, (README_START, README_END),
                        markdown(results))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.library", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="the library's data dir (default .data-library)")
    parser.add_argument("--base-dir", type=Path, default=None,
                        help="the five-plan index's data dir (default: the default data dir, built when missing)")
    parser.add_argument("--pdf-dir", type=Path, default=PDF_DIR)
    parser.add_argument("--limit", type=_positive, default=None, help="add only the first N PDFs (a smoke run)")
    parser.add_argument("--no-distractors", action="store_true", help="skip the five-plan comparison")
    parser.add_argument("--no-write", action="store_true", help="print the figures, write no results")
    args = parser.parse_args(argv)
    if not args.pdf_dir.is_dir():
        parser.error(f"--pdf-dir {args.pdf_dir}: no such folder")
    results = run(args.data_dir, args.base_dir, args.pdf_dir, args.limit, distractors=not args.no_distractors)
    print(markdown(results))
    if not args.no_write:
        write(results)
    return 0


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


if __name__ == "__main__":
    raise SystemExit(main())
