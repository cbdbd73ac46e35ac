"""Results of one evaluation run: the JSON record, the Markdown report, the chart, the table.

The JSON is the source of truth (`compare` and `baseline` read it); the Markdown and the PNG
are views of it and can be regenerated from it with `write_views`.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import METRICS, QuestionScore, aggregate, aggregate_by, latency_summary
from eval.questions import QUESTION_TYPES, Question
from eval.runner import ModeRun

RESULTS_DIR = Path(__file__).resolve().parent / "results"
REPO_DIR = Path(__file__).resolve().parent.parent
SNIPPET_CHARS = 120
CHART_METRICS = ("Hit@1", "Hit@5", "Recall@5", "Recall@10", "MRR@10", "nDCG@10")


def git_commit() -> dict[str, Any]:
    """HEAD commit and whether the tree has local changes; empty when git is unavailable."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_DIR, capture_output=True,
                               text=True, timeout=10, check=True).stdout.strip() != ""
    except (OSError, subprocess.SubprocessError):
        return {"commit": "", "dirty": None}
    return {"commit": sha, "dirty": dirty}


def index_settings(index: Any) -> dict[str, Any]:
    """What identifies the index that was searched: embedder, corpus hash, sizes."""
    manifest = getattr(index, "manifest", None)
    return {
        "embedder": getattr(manifest, "embedder_id", ""),
        "corpus_hash": getattr(manifest, "corpus_hash", ""),
        "chunks": getattr(manifest, "chunks", None),
        "window_scheme": getattr(manifest, "window_scheme", ""),
    }


def _question_record(q: Question, run: Any, score: QuestionScore) -> dict[str, Any]:
    top = run.chunks[0] if run.chunks else None
    return {
        "id": q.id,
        "type": q.type,
        "city": q.city_label,
        "question": q.question,
        "history": list(q.history),
        "gold": list(q.gold),
        "gold_ranks": list(score.gold_ranks),
        "metrics": dict(score.values),
        "latency_ms": round(run.latency_ms, 3),
        "top_ids": [c.chunk_id for c in run.chunks],
        "first": {"chunk_id": top.chunk_id, "city": top.city, "citation": top.citation,
                  "text": top.text[:SNIPPET_CHARS]} if top else None,
        "error": run.error,
    }


def build_results(
    name: str,
    questions: Sequence[Question],
    mode_runs: Sequence[ModeRun],
    scores: Mapping[str, Sequence[QuestionScore]],
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """The JSON-serialisable record of a run."""
    by_id = {q.id: q for q in questions}
    metrics: dict[str, Any] = {}
    per_question: dict[str, Any] = {}
    for run in mode_runs:
        if run.skipped:
            continue
        mode_scores = scores[run.mode]
        metrics[run.mode] = {
            "overall": aggregate(mode_scores),
            "by_type": aggregate_by(mode_scores, "type"),
            "by_city": aggregate_by(mode_scores, "city"),
            "latency_ms": latency_summary([r.latency_ms for r in run.results]),
            "errors": sum(1 for r in run.results if r.error),
        }
        per_question[run.mode] = [
            _question_record(by_id[r.qid], r, s) for r, s in zip(run.results, mode_scores, strict=True)
        ]
    return {
        "name": name,
        "settings": {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            **git_commit(),
            **settings,
            "modes": [r.mode for r in mode_runs if not r.skipped],
        },
        "skipped": {r.mode: r.skipped for r in mode_runs if r.skipped},
        "metrics": metrics,
        "questions": per_question,
    }


def load_results(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ValueError(f"cannot read {path}: {err.strerror}") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"{path.name} is not valid JSON ({err.msg})") from None
    if not isinstance(data, dict) or "metrics" not in data or "questions" not in data:
        raise ValueError(f"{path.name} is not an eval results file")
    return data


def write_results(results: Mapping[str, Any], out_dir: Path = RESULTS_DIR) -> dict[str, Path]:
    """Write <name>.json, <name>.md and <name>.png; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / str(results["name"])
    paths = {"json": base.with_suffix(".json"), "md": base.with_suffix(".md"), "png": base.with_suffix(".png")}
    paths["json"].write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths["md"].write_text(markdown(results), encoding="utf-8")
    write_chart(results, paths["png"])
    return paths


def _fmt(value: float) -> str:
    return f"{value:.3f}"


SPLIT_METRICS = ("Hit@1", "Recall@5", "MRR@10")


def views(results: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(view name, {mode: {"overall", "by_type"}}) for the full set, the test split and the
    pooled leave-one-city-out figures (those present in `results`)."""
    metrics = results["metrics"]
    out: list[tuple[str, dict[str, Any]]] = [("full", {m: v for m, v in metrics.items()})]
    test = {m: v["test"] for m, v in metrics.items() if "test" in v}
    if test:
        out.append(("test", test))
    loco = results.get("loco") or {}
    if loco:
        out.append(("LOCO", {m: v for m, v in loco.items()}))
    return out


def split_table(results: Mapping[str, Any]) -> str:
    """Plain text: Hit@1 / Recall@5 / MRR@10 per mode on the full set, the test split and
    leave-one-city-out, then Hit@1 per type in each view."""
    lines = []
    for view, by_mode in views(results):
        rows = [["mode", "n", *SPLIT_METRICS]]
        for mode, m in by_mode.items():
            o = m["overall"]
            rows.append([mode, str(int(o["n"])), *(_fmt(o[k]) for k in SPLIT_METRICS)])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines.append(f"[{view}]")
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
        types = [t for t in QUESTION_TYPES if any(t in m["by_type"] for m in by_mode.values())]
        modes = list(by_mode)
        rows = [["type", "n", *(f"{mode} H@1/R@5/MRR" for mode in modes)]]
        for t in types:
            n = next((int(m["by_type"][t]["n"]) for m in by_mode.values() if t in m["by_type"]), 0)
            cells = []
            for mode in modes:
                v = by_mode[mode]["by_type"].get(t)
                cells.append("/".join(_fmt(v[k]) for k in SPLIT_METRICS) if v else "")
            rows.append([t, str(n), *cells])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
        lines.append("")
    return "\n".join(lines)


def overall_table(results: Mapping[str, Any]) -> str:
    """Plain-text table: one row per mode, the metrics and the latency."""
    header = ["mode", *METRICS, "mean ms", "p95 ms"]
    rows = [header]
    for mode, m in results["metrics"].items():
        lat = m["latency_ms"]
        rows.append([mode, *(_fmt(m["overall"][k]) for k in METRICS), f"{lat['mean']:.1f}", f"{lat['p95']:.1f}"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    n = next(iter(results["metrics"].values()))["overall"]["n"] if results["metrics"] else 0
    text = "\n".join(lines) + f"\n({int(n)} questions)"
    if results.get("answers"):
        text += "\n\n" + answer_table(results["answers"])
    return text


ANSWER_COLUMNS = ("n", "accuracy", "false_absent", "wrong_figure", "missing_figure", "missed_absent",
                  "missing_departments", "no_quote", "wrong_value")


def _answer_rows(groups: Mapping[str, Mapping[str, Any]], order: Sequence[str] = ()) -> list[list[str]]:
    keys = [k for k in order if k in groups] + sorted(set(groups) - set(order))
    return [[key, *(_fmt(groups[key][c]) if c == "accuracy" else str(groups[key][c]) for c in ANSWER_COLUMNS)]
            for key in keys]


def answer_table(answers: Mapping[str, Any]) -> str:
    """Plain-text answer accuracy: overall and per question type, then the failures."""
    rows = [["group", *ANSWER_COLUMNS], *_answer_rows({"overall": answers["overall"]}),
            *_answer_rows(answers["by_type"], QUESTION_TYPES), *_answer_rows(answers["by_city"])]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = [r for r in answers["questions"] if r["outcome"] not in ("correct", "no_expect")]
    lines.append(f"answers ({answers['mode']}): {len(failed)} failures")
    lines += [f"  {r['qid']} {r['type']} {r['outcome']}: {r['detail']}" for r in failed]
    return "\n".join(lines)


def answer_markdown(answers: Mapping[str, Any]) -> list[str]:
    """The answer sections of the Markdown report."""
    lines = ["", "## Answer accuracy", "",
             f"The chat answers (`Assistant.answer`, mode `{answers['mode']}`) scored against each question's "
             "`expect` gold (eval/answers.py). false_absent: says the plan gives no figure while it states "
             "one; wrong_figure: states a figure, not the asked one. A cross-city question counts once "
             "for each of its cities in the per-city table.", ""]
    header = ["group", *ANSWER_COLUMNS]
    lines += _md_table(header, _answer_rows({"overall": answers["overall"]}) + _answer_rows(answers["by_type"], QUESTION_TYPES))
    lines += ["", "### Answer accuracy by city", ""]
    lines += _md_table(["city", *ANSWER_COLUMNS], _answer_rows(answers["by_city"]))
    lines += ["", "### Answer accuracy by gold", ""]
    lines += _md_table(["gold", *ANSWER_COLUMNS], _answer_rows(answers["by_gold"]))
    failed = [r for r in answers["questions"] if r["outcome"] not in ("correct", "no_expect")]
    lines += ["", f"### Answer failures: {len(failed)} of {answers['overall']['n']}", ""]
    rows = [[r["qid"], r["type"], r["outcome"], _cell(r["detail"]), _cell(r["answer"][:200])] for r in failed]
    lines += _md_table(["id", "type", "outcome", "detail", "answer"], rows) if rows else ["(none)"]
    return lines


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _group_table(results: Mapping[str, Any], group: str, metric: str, order: Sequence[str]) -> list[str]:
    modes = list(results["metrics"])
    keys = [k for k in order if any(k in results["metrics"][m][group] for m in modes)]
    keys += sorted({k for m in modes for k in results["metrics"][m][group]} - set(keys))
    rows = []
    for key in keys:
        cells = [results["metrics"][m][group].get(key, {}).get(metric) for m in modes]
        n = next((results["metrics"][m][group][key]["n"] for m in modes if key in results["metrics"][m][group]), 0)
        rows.append([key, str(int(n)), *("" if c is None else _fmt(c) for c in cells)])
    return _md_table([group.removeprefix("by_"), "n", *modes], rows)


def failures(records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Questions whose golds are not all among the first n results (n = number of golds)."""
    out = []
    for rec in records:
        ranks = rec["gold_ranks"]
        if not all(r is not None and r <= len(ranks) for r in ranks):
            out.append(rec)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(results: Mapping[str, Any]) -> str:
    s = results["settings"]
    lines = [f"# Retrieval evaluation: {results['name']}", ""]
    lines.append(f"- date: {s.get('date', '')}; commit: {s.get('commit', '') or 'n/a'}"
                 f"{' (uncommitted changes)' if s.get('dirty') else ''}")
    lines.append(f"- embedder: {s.get('embedder', '') or 'n/a'}; top_k: {s.get('top_k')}; "
                 f"questions: {s.get('questions')} ({s.get('questions_file', '')})")
    for mode, reason in results.get("skipped", {}).items():
        lines.append(f"- mode `{mode}` skipped: {reason}")
    lines += ["", "Hit@k: all n golds of a question in the top max(k, n) (cross-city: one clause per "
              "city; Hit@1 asks that the first n results hold every city's clause). "
              "Recall@k, MRR@10, nDCG@10: ir-measures (pytrec_eval) over gold-level qrels. "
              "Latency: wall time per search call, query embedding included (the query-vector cache "
              "is cleared before each mode).", ""]
    lines += _split_markdown(results)
    lines += ["## Overall (full set, every metric)", ""]
    header = ["mode", *METRICS, "mean ms", "p95 ms", "errors"]
    rows = []
    for mode, m in results["metrics"].items():
        lat = m["latency_ms"]
        rows.append([mode, *(_fmt(m["overall"][k]) for k in METRICS), f"{lat['mean']:.1f}",
                     f"{lat['p95']:.1f}", str(m.get("errors", 0))])
    lines += _md_table(header, rows)
    for group, title in (("by_type", "By question type"), ("by_city", "By city")):
        order = QUESTION_TYPES if group == "by_type" else ()
        for metric in ("Hit@1", "Recall@5", "MRR@10"):
            lines += ["", f"## {title}: {metric}", ""]
            lines += _group_table(results, group, metric, order)
    lines += ["", "## Failures", "",
              "A question fails when its golds are not all among the first n results "
              "(n = its number of golds). Ranks: position of each gold in the top k, - = not retrieved.", ""]
    for mode, records in results["questions"].items():
        failed = failures(records)
        lines += [f"### {mode}: {len(failed)} of {len(records)}", ""]
        rows = []
        for rec in failed:
            first = rec.get("first") or {}
            asked = " / ".join([*rec["history"], rec["question"]])
            ranks = ",".join("-" if r is None else str(r) for r in rec["gold_ranks"])
            first_text = f"[{first.get('city', '')}] {first.get('text', '')}" if first else "(nothing)"
            rows.append([rec["id"], rec["type"], _cell(asked), _cell(" ‖ ".join(rec["gold"])), ranks,
                         _cell(first_text + (f" ERROR {rec['error']}" if rec.get("error") else ""))])
        lines += _md_table(["id", "type", "question", "gold", "ranks", "first result"], rows) if rows else ["(none)"]
        lines.append("")
    if results.get("answers"):
        lines += answer_markdown(results["answers"])
    return "\n".join(lines) + "\n"


def _split_markdown(results: Mapping[str, Any]) -> list[str]:
    """The full / test / LOCO tables (Hit@1, Recall@5, MRR@10 per mode, then per type)."""
    found = views(results)
    if len(found) == 1:
        return []
    s = results["settings"]
    lines = [f"Test split: {s.get('test_questions', '?')} of {s.get('questions')} questions (eval/split.json, "
             "frozen; no tuning reads it). LOCO: per fold (city C) settings chosen on the training "
             "questions none of whose cities is C (eval.tuning), every question whose cities include C "
             "scored; pooled over the five folds (a cross-city question counts once per fold it is in).",
             ""]
    modes = list(results["metrics"])
    header = ["mode", *(f"{view} {k}" for view, _ in found for k in SPLIT_METRICS)]
    rows = []
    for mode in modes:
        cells = []
        for _, by_mode in found:
            o = by_mode.get(mode, {}).get("overall")
            cells += [_fmt(o[k]) if o else "" for k in SPLIT_METRICS]
        rows.append([mode, *cells])
    lines += ["## Full set, test split, leave-one-city-out", ""] + _md_table(header, rows) + [""]
    for view, by_mode in found:
        types = [t for t in QUESTION_TYPES if any(t in m["by_type"] for m in by_mode.values())]
        lines += [f"### {view}: per type (Hit@1 / Recall@5 / MRR@10)", ""]
        trows = []
        for t in types:
            n = next((int(m["by_type"][t]["n"]) for m in by_mode.values() if t in m["by_type"]), 0)
            trows.append([t, str(n), *("/".join(_fmt(by_mode[m]["by_type"][t][k]) for k in SPLIT_METRICS)
                                       if t in by_mode[m]["by_type"] else "" for m in by_mode)])
        lines += _md_table(["type", "n", *by_mode], trows) + [""]
    loco = results.get("loco") or {}
    if loco:
        lines += ["### LOCO folds: settings chosen (differences from the defaults)", ""]
        rows = []
        for mode, rec in loco.items():
            for city, fold in rec["folds"].items():
                o = fold["overall"]
                rows.append([mode, city, str(int(o["n"])), *(_fmt(o[k]) for k in SPLIT_METRICS),
                             _cell(json.dumps(fold["settings"], ensure_ascii=False) if fold["settings"] else "defaults")])
            rows.append([mode, "(whole training split)", "", "", "", "",
                         _cell(json.dumps(rec.get("train_choice") or {}, ensure_ascii=False) or "defaults")])
        lines += _md_table(["mode", "fold", "n", *SPLIT_METRICS, "settings"], rows) + [""]
    return lines


README_START = "<!-- retrieval-accuracy:start (python -m eval readme) -->"
README_END = "<!-- retrieval-accuracy:end -->"


def readme_section(results: Mapping[str, Any]) -> str:
    """The README's figures: full / test / LOCO per mode, then per type, from a results file."""
    s = results["settings"]
    found = views(results)
    lines = [README_START, "",
             f"From `eval/results/{results['name']}.json` ({s.get('questions')} questions, "
             f"{s.get('test_questions', '?')} in the test split; commit {str(s.get('commit', ''))[:10] or 'n/a'}; "
             f"embedder {s.get('embedder', '')}).", ""]
    retrieval = s.get("retrieval") or {}
    if retrieval:
        lines += ["Settings served (`RetrievalSettings` defaults): "
                  + ", ".join(f"{k}={v}" for k, v in retrieval.items()) + "."]
        hybrid = (results.get("loco") or {}).get("hybrid")
        if hybrid is not None:
            folds = "; ".join(f"{city}: {json.dumps(f['settings'], ensure_ascii=False) if f['settings'] else 'defaults'}"
                              for city, f in hybrid["folds"].items())
            chosen = json.dumps(hybrid.get("train_choice") or {}, ensure_ascii=False)
            lines += [f"Chosen for hybrid on the whole training split: {chosen if chosen != '{}' else 'the defaults'}; "
                      f"per LOCO fold (differences from the defaults): {folds}."]
        lines.append("")
    header = ["mode", *(f"{view} {k}" for view, _ in found for k in SPLIT_METRICS)]
    rows = []
    for mode in results["metrics"]:
        cells = []
        for _, by_mode in found:
            o = by_mode.get(mode, {}).get("overall")
            cells += [_fmt(o[k]) if o else "" for k in SPLIT_METRICS]
        rows.append([f"**{mode}**" if mode == "hybrid" else mode, *cells])
    lines += _md_table(header, rows) + [""]
    for view, by_mode in found:
        types = [t for t in QUESTION_TYPES if any(t in m["by_type"] for m in by_mode.values())]
        lines += [f"Hit@1 per type, {view}:", ""]
        trows = []
        for t in types:
            n = next((int(m["by_type"][t]["n"]) for m in by_mode.values() if t in m["by_type"]), 0)
            trows.append([t, str(n), *(_fmt(by_mode[m]["by_type"][t]["Hit@1"]) if t in by_mode[m]["by_type"] else ""
                                       for m in by_mode)])
        lines += _md_table(["type", "n", *by_mode], trows) + [""]
    lines += _expansion_lines(results)
    lines.append(README_END)
    return "\n".join(lines)


def _expansion_lines(results: Mapping[str, Any]) -> list[str]:
    """Hit@1 per type on the test split by synonym expansion weight (0 = none)."""
    expansion = results.get("expansion") or {}
    if not expansion:
        return []
    default = results["settings"].get("retrieval", {}).get("expansion_weight")
    lines = [f"Synonym expansion, test split, Hit@1 per type by expansion weight (default {default}):", ""]
    header = ["type", "n"]
    columns = []
    for mode, by_weight in expansion.items():
        for weight in by_weight:
            header.append(f"{mode} w={weight}")
            columns.append(by_weight[weight])
    types = [t for t in QUESTION_TYPES if any(t in c["by_type"] for c in columns)]
    rows = [["all", str(int(columns[0]["overall"]["n"])), *(_fmt(c["overall"]["Hit@1"]) for c in columns)]]
    for t in types:
        n = next((int(c["by_type"][t]["n"]) for c in columns if t in c["by_type"]), 0)
        rows.append([t, str(n), *(_fmt(c["by_type"][t]["Hit@1"]) if t in c["by_type"] else "" for c in columns)])
    return lines + _md_table(header, rows) + [""]


def replace_block(path: Path, start_marker: str, end_marker: str, content: str) -> bool:
    """Replace a generated section of a file (from `start_marker` to `end_marker`, both
    included, `content` holding both); False, and nothing written, when the markers are missing."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        return False
    new = text[:start] + content + text[end + len(end_marker):]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return True


def write_bench_results(out: Path, name: str, results: Mapping[str, Any], details: Sequence[str], readme: Path,
                  markers: tuple[str, str], section: str) -> None:
    """`out/name.json` (the results), `out/name.md` (the details lines) and the README section
    between `markers` (`section`, markers included): what a benchmark target writes."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text("\n".join(details) + "\n", encoding="utf-8")
    replace_block(readme, markers[0], markers[1], section)


def update_readme(results: Mapping[str, Any], path: Path) -> bool:
    """Replace the README's generated retrieval section; False when the markers are missing."""
    return replace_block(path, README_START, README_END, readme_section(results))


def write_chart(results: Mapping[str, Any], path: Path) -> None:
    """Grouped bar chart, one group per metric, one bar per mode (ASCII labels only)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    modes = list(results["metrics"])
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=120)
    x = np.arange(len(CHART_METRICS))
    width = 0.8 / max(1, len(modes))
    for i, mode in enumerate(modes):
        values = [results["metrics"][mode]["overall"][m] for m in CHART_METRICS]
        bars = ax.bar(x + (i - (len(modes) - 1) / 2) * width, values, width, label=mode)
        ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
    ax.set_xticks(x, CHART_METRICS)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    n = int(next(iter(results["metrics"].values()))["overall"]["n"]) if modes else 0
    ax.set_title(f"Retrieval eval '{results['name']}' ({n} questions)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


README = REPO_DIR / "README.md"
ANSWERS_START, ANSWERS_END = "<!-- answer-accuracy:start -->", "<!-- answer-accuracy:end -->"


def _answer_split_rows(answers: Mapping[str, Any]) -> list[list[str]]:
    """Answer accuracy on each side of the frozen split (eval/split.json)."""
    from eval.split import load_split

    split = load_split()
    rows = []
    for side in ("train", "test"):
        scored = [r for r in answers.get("questions", ()) if r["outcome"] != "no_expect" and split.side(r["qid"]) == side]
        if scored:
            n = len(scored)
            rows.append([f"*{side} split*", str(n), _fmt(sum(r["outcome"] == "correct" for r in scored) / n),
                         str(sum(r["outcome"] == "false_absent" for r in scored)),
                         str(sum(r["outcome"] == "wrong_figure" for r in scored))])
    return rows


def readme_answer_section(results: Mapping[str, Any], loco: Mapping[str, Any] | None = None) -> str:
    """The README's answer accuracy table (from a results file with `answers`) and, when given,
    the leave-one-city-out figures (eval/answer_loco.py)."""
    answers = results["answers"]
    cols = ("n", "accuracy", "false_absent", "wrong_figure")
    rows = _answer_rows({"overall": answers["overall"]}) + _answer_rows(answers["by_type"], QUESTION_TYPES)
    lines = [ANSWERS_START, "",
             f"Answers of `/api/v1/chat` (mode `{answers['mode']}`), scored against each question's `expect` "
             f"gold by `eval/answers.py`; from `eval/results/{results['name']}.json`:", ""]
    lines += _md_table(["type", *cols], [[r[0], *r[1:5]] for r in rows] + _answer_split_rows(answers))
    if loco:
        lines += ["", "Leave one city out (composer settings chosen on the train-side questions without the "
                  f"city; `eval/results/{loco['name']}.json`; pooled counts a question once per fold it is in):", ""]
        lines += _md_table(["fold", "n", "accuracy", "false_absent", "wrong_figure"],
                           [[f["city"], str(f["n"]), _fmt(f["accuracy"]), str(f["false_absent"]), str(f["wrong_figure"])]
                            for f in loco["folds"]]
                           + [["pooled", str(loco["pooled"]["n"]), _fmt(loco["pooled"]["accuracy"]),
                               str(loco["pooled"]["false_absent"]), str(loco["pooled"]["wrong_figure"])]])
    lines += ["", ANSWERS_END]
    return "\n".join(lines)


def update_readme_answers(results: Mapping[str, Any], loco: Mapping[str, Any] | None = None, path: Path = README) -> Path:
    """Replace the answer accuracy section of the README (between its markers)."""
    if not replace_block(path, ANSWERS_START, ANSWERS_END, readme_answer_section(results, loco)):
        raise ValueError(f"{path.name} has no {ANSWERS_START} … {ANSWERS_END} section")
    return path


def by_split_and_kind(rows: Sequence[Mapping[str, Any]], figures: Callable[[Sequence[Mapping[str, Any]]], Any],
                      split: str, kinds: Sequence[str] = ()) -> dict[str, Any]:
    """`figures` of all rows, of each split side (the rows' `split` field: "test" / "train") and
    of each kind (in `kinds` order, else sorted): the summary every question-set runner writes."""
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_kind.setdefault(r["kind"], []).append(r)
    order = [k for k in kinds if k in by_kind] if kinds else sorted(by_kind)
    return {"overall": figures(rows),
            "test": figures([r for r in rows if r[split] == "test"]),
            "train": figures([r for r in rows if r[split] == "train"]),
            "by_kind": {k: figures(by_kind[k]) for k in order}}
