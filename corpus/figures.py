"""A general figure grammar: every figure a clause states, whatever its unit or verb.

`assistant.targets` reads targets (indicator + verb + value) for ranking and the explorer; its
grammar lists units and verbs. This module answers a narrower question the answer composer
asks of any clause: which figures does it state? A figure is

  - a quantity: a number (or a range 8-10) with any unit written after it (%, ‰, 个百分点,
    蒸吨/小时, 万立方米/日, 克标准煤/千瓦时 …: a run of unit characters, "/" joining two), with
    its bounds (不低于 / 不超过 / 低于 / 超过 / 力争 before it, 以上 / 以下 / 左右 / 以内 after it);
    a bare number counts when a bound or a decimal point marks it as a value (PUE "1.3以下");
  - a count: a number with a measure word (家 / 个 / 座 / 处 / 项 …) — a quantity whose unit is
    a classifier;
  - a class: a Roman-numeral water or emission class (Ⅱ类, III类 after NFKC);
  - a deadline: a date with its month ("2022年9月底前", "2023年1月1日起"), or a year that ends a
    task ("到2023年完成", "2022年底前", "2025年前全覆盖"), not the period a target is set for ("到2025年，…达到70%"),
    or a date of every year closing a task ("每年3月15日前披露");

Everything reads matching text with whitespace removed (`corpus.text.matching`), so full-width
digits and Traditional script read the same; `Figure.text` is that text. The grammar itself
(units, numbers, bounds, years, deadlines) is `corpus.language`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from corpus.language import (
    BASELINE_BEFORE,
    COUNT_UNITS,
    DATED,
    DEADLINE,
    DECIMAL,
    DURATION_BOUND,
    NOT_UNIT,
    PERIOD_FIRST,
    PERIOD_LAST,
    QUANTITY,
    RECURRING_DATE,
    TITLE_SPAN,
    WATER_CLASS,
    YEAR_LIKE,
)
from corpus.text import matching

FigureKind = Literal["quantity", "count", "class", "deadline"]


@dataclass(frozen=True)
class Figure:
    """One figure a clause states, as matching text."""

    kind: FigureKind
    text: str  # the whole figure with its bounds: "不低于52%", "35蒸吨/小时及以下", "II类", "2023年"
    number: str  # "52", "35", "II", "2023"
    unit: str  # "%", "蒸吨/小时", "类", "年"
    bound: str = ""  # 不低于 / 以上 / 左右 / 力争 … (space separated when two)
    start: int = 0  # offset in the compact matching text
    end: int = 0

    @property
    def value(self) -> str:
        """Number and unit, without bounds: what a comparison compares."""
        return self.number + ("" if self.kind == "deadline" else self.unit)


def compact_matching(text: str) -> str:
    return re.sub(r"\s+", "", matching(text))


def figures_of(text: str, deadlines: bool = True) -> tuple[Figure, ...]:
    """The figures `text` states, in reading order (read on compact matching text)."""
    key = compact_matching(text)
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    taken.extend(_titles(key))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    if deadlines:
        for m in DATED.finditer(key):
            # a bare date (a signature line "2022年12月23日") sets no task: only one in a sentence
            inside = m.end() < len(key) and key[m.end()] not in "。；;，,）)"
            # "有效期至2025年2月28日。": a date a span runs to or from ends or starts something
            bounded = m.group().startswith(("到", "至", "自", "从"))
            if BASELINE_BEFORE.search(key[: m.start()]) or not (m.group("tail") or inside or bounded) or not free(m.start(), m.end()):
                continue
            found.append(Figure("deadline", m.group(), m.group("year"), "年", start=m.start(), end=m.end()))
            taken.append((m.start(), m.end()))
        for m in RECURRING_DATE.finditer(key):
            if free(m.start(), m.end()):
                date = m.group()[: len(m.group()) - len(m.group("tail"))]  # "3月15日"
                found.append(Figure("deadline", m.group(), date, "", start=m.start(), end=m.end()))
                taken.append((m.start(), m.end()))
        for m in DEADLINE.finditer(key):
            if not free(m.start(), m.end()):
                continue
            year, tail = int(m.group("year")), m.group("tail") or ""
            if BASELINE_BEFORE.search(key[: m.start()]) or not PERIOD_FIRST <= year <= PERIOD_LAST:
                continue
            if year == PERIOD_LAST and "前" not in tail:
                continue  # "到2025年，…": the period a target is set for, not a deadline
            found.append(Figure("deadline", m.group(), m.group("year"), "年", start=m.start(), end=m.end()))
            taken.append((m.start(), m.end()))
    for m in WATER_CLASS.finditer(key):
        if not free(m.start(), m.end()):
            continue
        found.append(Figure("class", m.group(), m.group("num"), "类", start=m.start(), end=m.end()))
        taken.append((m.start(), m.end()))
    for m in QUANTITY.finditer(key):
        num, unit = m.group("num"), m.group("unit") or ""
        start, end = m.start(), m.end()
        if not free(start, end):
            continue
        if YEAR_LIKE.fullmatch(num) and (not unit or unit.startswith("年")):
            continue  # a year
        if unit and NOT_UNIT.match(unit):
            if not _duration(key, m, num, unit):
                continue
            unit, end = "年", m.end("num") + 1
        before, after = m.group("before") or "", m.group("after") or ""
        if not unit and not (before or after or "." in num):
            continue  # a bare integer: a list number, a code, a count of nothing
        if key[m.end("num"):m.end("num") + 1] in ("年", "月") and not unit:
            continue
        kind: FigureKind = "count" if unit and unit[0] in COUNT_UNITS and len(unit) == 1 else "quantity"
        bound = " ".join(b for b in (before, after) if b)
        found.append(Figure(kind, key[start:end], num, unit, bound, start, end))
        taken.append((start, end))
    return tuple(sorted(found, key=lambda f: f.start))


def _duration(key: str, m: re.Match[str], num: str, unit: str) -> bool:
    if not unit.startswith("年") or not re.fullmatch(r"\d{1,2}(?:[—–\-~～至到]\d{1,2})?", num) or unit.startswith(("年度", "年代")):
        return False
    after = key[m.end("num") + 1:m.end("num") + 3]
    return bool(m.group("before") or DURATION_BOUND.search(key[:m.start("num")])
                or after.startswith(("内", "以内", "以上", "左右")))


def _titles(key: str) -> list[tuple[int, int]]:
    """Spans of 《…》 titles: a year or number inside a document's name is no figure."""
    return [(m.start(), m.end()) for m in TITLE_SPAN.finditer(key)]


def comparable(a: Figure, b: Figure) -> bool:
    """Two figures that can be compared: same kind and same unit."""
    return a.kind == b.kind and a.unit == b.unit and a.kind in ("quantity", "count")


def magnitude(f: Figure) -> float:
    """The figure's number (a range: its lower end)."""
    return float(DECIMAL.match(f.number).group())  # type: ignore[union-attr]
