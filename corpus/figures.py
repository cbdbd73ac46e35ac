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
    task ("到2023年完成", "2022年底前", "2025年前全覆盖"), not the period a target is set for ("到2025年，…达到70%").

Everything reads matching text with whitespace removed (`corpus.text.matching`), so full-width
digits and Traditional script read the same; `Figure.text` is that text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from corpus.text import matching

FigureKind = Literal["quantity", "count", "class", "deadline"]

# Characters a unit is written with (after the number): SI and Chinese measure characters,
# classifiers, and Latin unit letters. A unit is a run of them, possibly "a/b".
_UNIT_CHARS = (
    "万亿千百十兆吉克吨斤公米升瓦时度焦帕秒分钟日天月周年小时里亩顷辆台家个座处项条套倍人户次床张只件艘列架栋"
    "蒸立方平标准煤油气电水毫微纳元"
)
_LATIN_UNIT = r"(?:kWh|KWh|kwh|MWh|GWh|kW|MW|GW|km|mm|cm|kg|mg|m²|m³|m2|m3|t|m|L|g|W)"
_UNIT_RUN = rf"(?:[{_UNIT_CHARS}]{{1,6}}|{_LATIN_UNIT})"
UNIT = rf"(?:个百分点|%|‰|{_UNIT_RUN}(?:/{_UNIT_RUN})?)"
NUMBER = r"\d+(?:\.\d+)?(?:[—–\-~～至到]\d+(?:\.\d+)?)?"
BEFORE = r"不低于|不少于|不超过|不高于|不大于|不小于|低于|高于|超过|少于|大于|小于|力争|<|>|≤|≥"
AFTER = r"及以上|及以下|以上|以下|左右|以内"
COUNT_UNITS = frozenset("家个座处项条套户台辆艘列架栋床张只件")
# Units that are not units: words that follow a number and begin the next thing said.
_NOT_UNIT = re.compile(r"^(?:年|月|日|号|时期|期间|条例)")

_QUANTITY = re.compile(
    rf"(?P<before>{BEFORE})?(?<![\d.])(?P<num>{NUMBER})(?P<unit>{UNIT})?(?P<after>{AFTER})?"
)
_CLASS = re.compile(r"(?<![A-Za-z])(?P<num>I{1,3}|IV|V|[ⅠⅡⅢⅣⅤ])类")
# A deadline: a year of the plan period with 底/前 after it, or an interim year (before the
# period's last year) — "到2023年，全市钢铁产能完成超低排放改造", "2022年底前".
_DEADLINE = re.compile(r"(?:到|至|于|在)?(?P<year>20\d{2})年(?P<tail>年底前|底前|以前|前|底|末)?(?![\d月]|基础|水平)")
# A date with its month inside a sentence is a deadline or a start ("2022年9月底前将…报",
# "2023年1月1日全面供应"): no plan sets a target for a month, so it is never the period a target
# is set for. A date standing alone (a signature line) is no figure.
_DATED = re.compile(r"(?:到|至|于|在|自|从)?(?P<year>20\d{2})年(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[12]\d|3[01]|0?[1-9])日)?"
                    r"(?P<tail>底前|底|前|以前|起|以后|后)?")
PERIOD_FIRST, PERIOD_LAST = 2021, 2025  # the 十四五 period
_BASELINE_YEAR = re.compile(r"(?:比|较|与|相比)\s*$")


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
        for m in _DATED.finditer(key):
            # a bare date (a signature line "2022年12月23日") sets no task: only one in a sentence
            inside = m.end() < len(key) and key[m.end()] not in "。；;，,）)"
            # "有效期至2025年2月28日。": a date a span runs to or from ends or starts something
            bounded = m.group().startswith(("到", "至", "自", "从"))
            if _BASELINE_YEAR.search(key[: m.start()]) or not (m.group("tail") or inside or bounded) or not free(m.start(), m.end()):
                continue
            found.append(Figure("deadline", m.group(), m.group("year"), "年", start=m.start(), end=m.end()))
            taken.append((m.start(), m.end()))
        for m in _DEADLINE.finditer(key):
            if not free(m.start(), m.end()):
                continue
            year, tail = int(m.group("year")), m.group("tail") or ""
            if _BASELINE_YEAR.search(key[: m.start()]) or not PERIOD_FIRST <= year <= PERIOD_LAST:
                continue
            if year == PERIOD_LAST and "前" not in tail:
                continue  # "到2025年，…": the period a target is set for, not a deadline
            found.append(Figure("deadline", m.group(), m.group("year"), "年", start=m.start(), end=m.end()))
            taken.append((m.start(), m.end()))
    for m in _CLASS.finditer(key):
        if not free(m.start(), m.end()):
            continue
        found.append(Figure("class", m.group(), m.group("num"), "类", start=m.start(), end=m.end()))
        taken.append((m.start(), m.end()))
    for m in _QUANTITY.finditer(key):
        num, unit = m.group("num"), m.group("unit") or ""
        start, end = m.start(), m.end()
        if not free(start, end):
            continue
        if re.fullmatch(r"(?:19|20)\d{2}", num) and (not unit or unit.startswith("年")):
            continue  # a year
        if unit and _NOT_UNIT.match(unit):
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


# A span of years with a bound ("一般不超过3年", "3年内", "连续2年"): a figure; "2021年" is a year.
_DURATION_BOUND = re.compile(r"(?:连续|近|满|不超过|不少于|超过|至少|期|期限|期限为|期为)$")  # 有效期5年


def _duration(key: str, m: re.Match[str], num: str, unit: str) -> bool:
    if not unit.startswith("年") or not re.fullmatch(r"\d{1,2}", num) or unit.startswith(("年度", "年代")):
        return False
    after = key[m.end("num") + 1:m.end("num") + 3]
    return bool(m.group("before") or _DURATION_BOUND.search(key[:m.start("num")])
                or after.startswith(("内", "以内", "以上", "左右")))


def _titles(key: str) -> list[tuple[int, int]]:
    """Spans of 《…》 titles: a year or number inside a document's name is no figure."""
    return [(m.start(), m.end()) for m in re.finditer(r"《[^《》]{1,80}》", key)]


def states_figure(text: str) -> bool:
    return bool(figures_of(text))


def comparable(a: Figure, b: Figure) -> bool:
    """Two figures that can be compared: same kind and same unit."""
    return a.kind == b.kind and a.unit == b.unit and a.kind in ("quantity", "count")


def magnitude(f: Figure) -> float:
    """The figure's number (a range: its lower end)."""
    return float(re.match(r"\d+(?:\.\d+)?", f.number).group())  # type: ignore[union-attr]
