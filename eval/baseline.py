"""The regression gate: recorded Recall@5 and Hit@1 on the frozen test split (eval/split.json)
that a change may not lower. The test split is what no tuning reads, so the gate guards the
figures that say how the method generalises, not the ones it was fitted to.

`eval/baseline.json` is updated only on purpose (`python -m eval baseline --from FILE`), from
a results file, so the recorded figures always come from one reproducible run.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BASELINE = Path(__file__).resolve().parent / "baseline.json"
GATED_MODES: tuple[str, ...] = ("hybrid",)  # what the API serves by default
GATED_METRICS: tuple[str, ...] = ("Recall@5", "Hit@1")
GATED_SPLIT = "test"


def _figures(mode_metrics: Mapping[str, Any]) -> Mapping[str, float]:
    """The gated split's overall figures of one mode (a results file without the split: none)."""
    split = mode_metrics.get(GATED_SPLIT)
    if not isinstance(split, Mapping):
        raise ValueError(f"results carry no {GATED_SPLIT} split (run the harness with eval/split.json)")
    return split["overall"]
TOLERANCE = 1e-9  # float noise only: any real drop fails


def baseline_from_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline record for the gated modes present in `results`."""
    modes = {
        mode: {m: _figures(results["metrics"][mode])[m] for m in GATED_METRICS}
        for mode in GATED_MODES
        if mode in results["metrics"]
    }
    if not modes:
        raise ValueError(f"results {results.get('name')!r} contain none of the gated modes {GATED_MODES}")
    settings = results.get("settings", {})
    record: dict[str, Any] = {
        "source": results.get("name", ""),
        "date": settings.get("date", ""),
        "commit": settings.get("commit", ""),
        "embedder": settings.get("embedder", ""),
        "top_k": settings.get("top_k"),
        "questions": settings.get("questions"),
        "split": GATED_SPLIT,
        "test_questions": settings.get("test_questions"),
        "modes": modes,
    }
    if results.get("answers"):
        record["answers"] = answers_baseline(results["answers"])
    return record


ANSWER_GATED: tuple[str, ...] = ("accuracy", "false_absent", "wrong_figure")


def answers_baseline(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answer figures a change may not worsen: accuracy (not lower), false-absent and
    wrong-figure counts (not higher), and which questions were answered right."""
    overall = answers["overall"]
    return {"mode": answers["mode"], **{k: overall[k] for k in ANSWER_GATED}, "n": overall["n"],
            "correct": sorted(r["qid"] for r in answers["questions"] if r["outcome"] == "correct")}


def answer_regressions(baseline: Mapping[str, Any], answers: Mapping[str, Any]) -> list[str]:
    """One message per gated answer figure that got worse, and per question answered right in
    the baseline and wrong now."""
    recorded = baseline.get("answers")
    if not recorded:
        return ["baseline has no answers record"]
    overall = answers["overall"]
    problems = []
    if overall["accuracy"] < recorded["accuracy"] - TOLERANCE:
        problems.append(f"answer accuracy {overall['accuracy']:.4f} < baseline {recorded['accuracy']:.4f}")
    for key in ("false_absent", "wrong_figure"):
        if overall[key] > recorded[key]:
            problems.append(f"{key} {overall[key]} > baseline {recorded[key]}")
    now = {r["qid"]: r for r in answers["questions"]}
    for qid in recorded.get("correct", ()):
        if qid in now and now[qid]["outcome"] != "correct":
            problems.append(f"{qid} now {now[qid]['outcome']}: {now[qid]['detail']}")
    return problems


def write_baseline(record: Mapping[str, Any], path: Path = BASELINE) -> Path:
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_baseline(path: Path = BASELINE) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"cannot read baseline {path.name}: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("modes"), dict):
        raise ValueError(f"{path.name} is not a baseline file")
    return data


def regressions(baseline: Mapping[str, Any], metrics: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One message per gated figure that dropped below the baseline (or whose mode did not run)."""
    problems = []
    for mode, recorded in baseline["modes"].items():
        if mode not in metrics:
            problems.append(f"{mode}: not evaluated")
            continue
        for name, value in recorded.items():
            now = _figures(metrics[mode])[name]
            if now < value - TOLERANCE:
                problems.append(f"{mode} {name}: {now:.4f} < baseline {value:.4f}")
    return problems
