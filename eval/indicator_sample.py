"""`python -m eval.indicator_sample`: precision of the indicator grouping on the hand-checked sample.

The sample (`eval/indicator_sample.tsv`) gives, for each target, the canonical indicator it
belongs to as judged by reading its clause. Each sampled name is grouped by the explorer's
catalog over the current corpus (`assistant.explorer.Explorer`), and the grouping is compared
with the judged one as a clustering of the sampled targets:

- B-cubed precision: for each target, the share of the targets grouped with it that belong with
  it, averaged (1.0 = no wrong merge); B-cubed recall: the share of those that belong with it that
  are grouped with it (1.0 = no missed merge);
- pairwise precision / recall: the same over pairs of targets;
- name agreement: the share of targets whose canonical name is the one judged.

Writes eval/results/indicators.{json,md}. Exit code 2 with a one-line reason on bad input.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "eval" / "indicator_sample.tsv"
RESULTS = REPO / "eval" / "results"


@dataclass(frozen=True)
class Item:
    city: str
    indicator: str
    value: str
    expected: str


def read_sample(path: Path = SAMPLE) -> list[Item]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    if not rows or not {"city", "indicator", "value", "expected"} <= set(rows[0]):
        raise ValueError(f"{path.name}: expected columns city, indicator, value, clause, expected")
    return [Item(r["city"], r["indicator"], r["value"], r["expected"]) for r in rows]


def grouping_scores(assigned: Sequence[str], expected: Sequence[str]) -> dict[str, float]:
    """B-cubed and pairwise precision/recall of `assigned` against `expected` (parallel labels)."""
    n = len(assigned)
    if n == 0 or n != len(expected):
        raise ValueError("need two non-empty label lists of the same length")
    b_p = b_r = 0.0
    for i in range(n):
        same_a = {j for j in range(n) if assigned[j] == assigned[i]}
        same_e = {j for j in range(n) if expected[j] == expected[i]}
        b_p += len(same_a & same_e) / len(same_a)
        b_r += len(same_a & same_e) / len(same_e)
    pairs_a = {(i, j) for i, j in combinations(range(n), 2) if assigned[i] == assigned[j]}
    pairs_e = {(i, j) for i, j in combinations(range(n), 2) if expected[i] == expected[j]}
    both = len(pairs_a & pairs_e)
    return {
        "bcubed_precision": round(b_p / n, 4),
        "bcubed_recall": round(b_r / n, 4),
        "pairwise_precision": round(both / len(pairs_a), 4) if pairs_a else 1.0,
        "pairwise_recall": round(both / len(pairs_e), 4) if pairs_e else 1.0,
        "name_agreement": round(sum(a == e for a, e in zip(assigned, expected)) / n, 4),
    }


def measure(sample: Sequence[Item] | None = None) -> dict:
    from assistant.explorer import Explorer
    from assistant.targets import extract_targets
    from corpus.catalog import builtin_documents

    items = list(sample if sample is not None else read_sample())
    documents = builtin_documents()
    explorer = Explorer(extract_targets([c for d in documents for c in d.chunks]), [d.meta.city for d in documents])
    assigned = [explorer.catalog.canonical(item.indicator) for item in items]
    scores = grouping_scores(assigned, [item.expected for item in items])
    wrong = [{"city": i.city, "indicator": i.indicator, "value": i.value, "expected": i.expected, "grouped_as": a}
             for i, a in zip(items, assigned) if a != i.expected]
    return {"sample": len(items), "expected_indicators": len({i.expected for i in items}),
            "grouped_indicators": len(set(assigned)), **scores, "disagreements": wrong}


def _markdown(result: dict) -> str:
    lines = [
        "# Indicator grouping on the hand-checked sample",
        "",
        f"{result['sample']} targets (`eval/indicator_sample.tsv`), {result['expected_indicators']} indicators "
        f"as judged, {result['grouped_indicators']} as grouped.",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {k} | {result[k]:.3f} |" for k in ("bcubed_precision", "bcubed_recall", "pairwise_precision",
                                                "pairwise_recall", "name_agreement")),
        "",
        "Targets whose canonical indicator differs from the judged one:",
        "",
        "| city | indicator (as extracted) | value | judged | grouped as |",
        "|---|---|---|---|---|",
        *(f"| {w['city']} | {w['indicator']} | {w['value']} | {w['expected']} | {w['grouped_as']} |"
          for w in result["disagreements"]),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.indicator_sample", description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--out", type=Path, default=RESULTS / "indicators.json")
    args = parser.parse_args(argv)
    try:
        result = measure(read_sample(args.sample))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(_markdown(result), encoding="utf-8")
    print(f"B-cubed precision {result['bcubed_precision']:.3f}, recall {result['bcubed_recall']:.3f}; "
          f"pairwise precision {result['pairwise_precision']:.3f}, recall {result['pairwise_recall']:.3f}; "
          f"names {result['name_agreement']:.3f} on {result['sample']} targets -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
