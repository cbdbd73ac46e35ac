"""Which questions got better or worse between two result files, per mode."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eval.metrics import METRICS


def cover_rank(gold_ranks: Sequence[int | None]) -> float:
    """Rank by which every gold has been retrieved (inf when one never is): lower is better."""
    ranks = [r for r in gold_ranks if r is not None]
    if not ranks or len(ranks) < len(gold_ranks):
        return math.inf
    return float(max(ranks))


@dataclass(frozen=True)
class Change:
    qid: str
    question: str
    old_rank: float
    new_rank: float

    def describe(self) -> str:
        def show(r: float) -> str:
            return "-" if math.isinf(r) else str(int(r))

        return f"{self.qid} rank {show(self.old_rank)} -> {show(self.new_rank)}  {self.question}"


@dataclass(frozen=True)
class ModeComparison:
    mode: str
    better: tuple[Change, ...]
    worse: tuple[Change, ...]
    deltas: Mapping[str, float]  # overall metric: new - old
    only_in: str = ""  # "old" / "new" when the mode ran in one file only


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[ModeComparison]:
    """Per mode present in either file: questions whose cover rank improved or regressed."""
    out = []
    for mode in dict.fromkeys([*old["questions"], *new["questions"]]):
        if mode not in old["questions"] or mode not in new["questions"]:
            out.append(ModeComparison(mode, (), (), {}, only_in="new" if mode in new["questions"] else "old"))
            continue
        before = {r["id"]: r for r in old["questions"][mode]}
        better, worse = [], []
        for rec in new["questions"][mode]:
            if rec["id"] not in before:
                continue
            a, b = cover_rank(before[rec["id"]]["gold_ranks"]), cover_rank(rec["gold_ranks"])
            text = " / ".join([*rec.get("history", []), rec["question"]])
            if b < a:
                better.append(Change(rec["id"], text, a, b))
            elif b > a:
                worse.append(Change(rec["id"], text, a, b))
        deltas = {
            m: new["metrics"][mode]["overall"][m] - old["metrics"][mode]["overall"][m] for m in METRICS
        }
        out.append(ModeComparison(mode, tuple(better), tuple(worse), deltas))
    return out


def format_comparison(comparisons: Sequence[ModeComparison]) -> str:
    lines: list[str] = []
    for c in comparisons:
        if c.only_in:
            lines.append(f"== {c.mode}: only in the {c.only_in} file")
            continue
        lines.append(f"== {c.mode}: {len(c.better)} better, {len(c.worse)} worse")
        lines.append("   " + "  ".join(f"{m} {d:+.3f}" for m, d in c.deltas.items()))
        for label, changes in (("better", c.better), ("worse", c.worse)):
            for ch in changes:
                lines.append(f"   {label:6s} {ch.describe()}")
    return "\n".join(lines)
