"""The targets explorer: every city's figure for one canonical indicator, side by side.

Targets come in through one adapter (`figure_of`: `assistant.targets.Target` -> `Figure`), so
the explorer does not depend on how they are extracted. For one indicator (`Explorer.view`):

- figures are comparable when they share unit and meaning (`Figure.sense`: a 下降 by some
  percent vs a level to reach) and, when both are known, year; the class stated by the most
  cities is charted, one row per city (a second figure stated as 力争 goes in the 力争 column);
- every other figure is listed apart with the reason (another unit, another meaning, a county
  or district figure, another year, a second figure of the same city);
- a selected city with no figure for the indicator is listed with its closest clause (found by
  `closest`, the assistant's retrieval restricted to that city).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.indicators import Indicator, IndicatorCatalog
from corpus.model import Chunk
from corpus.places import same_city
from corpus.text import fold

SENSES = {"decrease": "降幅", "increase": "增幅", "level": "目标水平"}
_DECREASE_VERB = re.compile(r"^(?:分别)?(?:下降|降低|削减|减少|压减)$")
_INCREASE_VERB = re.compile(r"^(?:分别)?(?:提高|提升|增加|增长)$")
_DECREASE_NAME = re.compile(r"(?:下降|降低)(?:率|幅度)?(?:目标|激励目标)?$|(?:下降|降低)率|降低.*目标")
_INCREASE_NAME = re.compile(r"(?:增长|提高)率")
_NAME_UNIT = re.compile(r"[（(]\s*(%|‰|[^（）()\d]{1,8})\s*[）)]\s*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# closest(city, indicator name) -> (chunk, sentence) or None: the clause nearest to the indicator.
Closest = Callable[[str, str], "tuple[Chunk, str] | None"]


@dataclass(frozen=True)
class Figure:
    """One figure a plan states, as the explorer reads it."""

    city: str
    area: str  # county or district the figure is set for; "" = the whole city
    name: str  # the indicator as the plan names it
    value: str  # as written: "14.5%", "0.7862万吨"
    number: float | None
    unit: str
    qualifier: str
    year: int | None
    baseline: str  # "比2020年" or ""
    verb: str
    sense: str  # decrease | increase | level (SENSES)
    striving: bool  # stated as 力争 / 争取
    chunk_id: str
    sentence: str
    clause: str  # the clause as displayed (what the document view highlights)

    @property
    def shown(self) -> str:
        """Value with its qualifier, for a chart label: "13%以上"."""
        extra = " ".join(q for q in self.qualifier.split() if q not in ("力争", "争取"))
        return self.value + extra


def figure_of(target: object) -> Figure:
    """THE adapter from an extracted target (assistant.targets.Target or anything with its
    fields) to a Figure; a missing field reads as empty."""

    def get(name: str, default: object = "") -> object:
        return getattr(target, name, default)

    name, unit, value = str(get("indicator")), str(get("unit")), str(get("value"))
    if not unit and (m := _NAME_UNIT.search(name)):  # table header "…降低率目标（%）"
        unit = m.group(1)
        value = value + unit if value and not value.endswith(unit) else value
    qualifier, verb, baseline = str(get("qualifier")), str(get("verb")), str(get("baseline"))
    number = _NUMBER.search(value)
    year = get("year", None)
    return Figure(
        city=str(get("city")), area=str(get("area")), name=name, value=value,
        number=float(number.group()) if number else None, unit=unit, qualifier=qualifier,
        year=year if isinstance(year, int) else None, baseline=baseline, verb=verb,
        sense=_sense(name, verb, baseline, unit), striving=bool(re.search(r"力争|争取", qualifier)),
        chunk_id=str(get("chunk_id")), sentence=str(get("sentence")), clause=str(get("clause")),
    )


def _sense(name: str, verb: str, baseline: str, unit: str) -> str:
    if _DECREASE_VERB.match(verb) or (not verb and _DECREASE_NAME.search(name)) or \
            (verb in ("完成", "实现") and _DECREASE_NAME.search(name)):
        return "decrease"
    if _INCREASE_VERB.match(verb) or (not verb and _INCREASE_NAME.search(name)):
        return "increase"
    return "level"


@dataclass(frozen=True)
class Row:
    """One city's comparable figure, with its 力争 figure when the plan states one."""

    figure: Figure
    striving: Figure | None = None


@dataclass(frozen=True)
class Apart:
    """A figure for the indicator that is not comparable with the charted ones."""

    figure: Figure
    reason: str


@dataclass(frozen=True)
class Missing:
    """A selected city whose plan gives no figure for the indicator."""

    city: str
    chunk: Chunk | None  # its closest paragraph, if any
    sentence: str  # the closest clause in it ("" when none)


@dataclass(frozen=True)
class View:
    indicator: Indicator
    unit: str  # of the comparable figures
    sense: str  # of the comparable figures
    rows: tuple[Row, ...]
    apart: tuple[Apart, ...]
    missing: tuple[Missing, ...]
    cities: tuple[str, ...]  # the cities looked at, in order

    @property
    def sense_label(self) -> str:
        return SENSES.get(self.sense, "")


def _dedupe(figures: Iterable[Figure]) -> list[Figure]:
    """A plan that prints the same table twice states each figure once."""
    seen, out = set(), []
    for f in figures:
        key = (f.city, f.area, fold(f.name), f.value, f.qualifier, f.year)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def split_terms(figures: Sequence[Figure], catalog: IndicatorCatalog) -> set[str]:
    """Synonym terms that a plan gives two different figures of the same kind (city, unit,
    meaning, neither a 力争 figure): such terms name different indicators."""
    by_kind: dict[tuple, dict[str, set[str]]] = {}
    for f in figures:
        ind = catalog.indicator(catalog.canonical(f.name))
        if ind is None or ind.name not in ind.terms or f.striving:  # one group's terms only
            continue
        term = next((t for t in sorted(ind.terms, key=len, reverse=True) if fold(t) in fold(f.name)), "")
        if term:
            kind = (f.city, f.area, ind.name, f.unit, f.sense)
            by_kind.setdefault(kind, {}).setdefault(term, set()).add(f.value)
    out: set[str] = set()
    for terms in by_kind.values():
        if len(terms) > 1 and len(set().union(*terms.values())) > 1:
            out.update(terms)
    return out


class Explorer:
    """Indicators and per-indicator views over one set of targets."""

    def __init__(self, targets: Iterable[object], cities: Sequence[str],
                 chunk_of: Callable[[str], Chunk | None] = lambda _: None,
                 closest: Closest | None = None) -> None:
        self.figures = tuple(_dedupe(figure_of(t) for t in targets))
        self.cities = tuple(cities)
        self.chunk_of = chunk_of
        self._closest = closest
        names = [f.name for f in self.figures]
        first = IndicatorCatalog(names)
        self.catalog = IndicatorCatalog(names, frozenset(split_terms(self.figures, first)))
        self._by_indicator: dict[str, list[Figure]] = {}
        for f in self.figures:
            self._by_indicator.setdefault(self.catalog.canonical(f.name), []).append(f)

    def canonical(self, figure: Figure) -> str:
        return self.catalog.canonical(figure.name)

    def figures_of(self, indicator: str) -> list[Figure]:
        return list(self._by_indicator.get(indicator, ()))

    def counts(self, indicator: str) -> tuple[int, int]:
        """(figures, cities) stated for an indicator."""
        figures = self._by_indicator.get(indicator, [])
        return len(figures), len({f.city for f in figures})

    def resolve(self, query: str) -> Indicator | None:
        """The indicator a name or synonym denotes (best match of `IndicatorCatalog.search`)."""
        found = self.catalog.lookup(query)
        return found[0] if found else None

    def view(self, indicator: str, cities: Sequence[str] = ()) -> View:
        ind = self.catalog.indicator(indicator)
        if ind is None:
            raise KeyError(indicator)
        wanted = tuple(c for c in self.cities if not cities or any(same_city(c, w) for w in cities))
        figures = [f for f in self._by_indicator[indicator] if f.city in wanted]
        city_level = [f for f in figures if not f.area]
        classes: Counter[tuple[str, str]] = Counter()
        for f in city_level:
            classes[(f.unit, f.sense)] += 0  # keep insertion order for ties
        for key in classes:
            classes[key] = len({f.city for f in city_level if (f.unit, f.sense) == key})
        unit, sense = max(classes, key=lambda k: classes[k]) if classes else ("", "")
        years = Counter(f.year for f in city_level if (f.unit, f.sense) == (unit, sense) and f.year)
        year = years.most_common(1)[0][0] if years else None
        rows: dict[str, Row] = {}
        apart: list[Apart] = []
        for f in figures:
            reason = self._reason(f, unit, sense, year)
            if reason is None:
                row = rows.get(f.city)
                if row is None:
                    rows[f.city] = Row(f)
                    continue
                if row.striving is None and f.striving and not row.figure.striving:
                    rows[f.city] = Row(row.figure, f)
                    continue
                if row.striving is None and row.figure.striving and not f.striving:
                    rows[f.city] = Row(f, row.figure)
                    continue
                reason = f"同市另一项数值（原文：{f.name}）"
            apart.append(Apart(f, reason))
        stated = {f.city for f in figures}
        missing = tuple(self._missing(city, ind) for city in wanted if city not in stated)
        ordered = tuple(rows[c] for c in wanted if c in rows)
        return View(ind, unit, sense, ordered, tuple(apart), missing, wanted)

    @staticmethod
    def _reason(f: Figure, unit: str, sense: str, year: int | None) -> str | None:
        if f.area:
            return f"分解到{f.area}的目标，非全市目标"
        if f.unit != unit:
            return f"单位为“{f.unit or '无'}”，可比数值的单位为“{unit or '无'}”"
        if f.sense != sense:
            return f"为{SENSES[f.sense]}（{f.baseline or f.verb or '原文表述'}），可比数值为{SENSES[sense]}"
        if year and f.year and f.year != year:
            return f"目标年份为{f.year}年，可比数值为{year}年"
        if f.number is None:
            return "未给出数值"
        return None

    def _missing(self, city: str, ind: Indicator) -> Missing:
        found = self._closest(city, ind.name) if self._closest else None
        if not found:
            return Missing(city, None, "")
        chunk, sentence = found
        return Missing(city, chunk, sentence)

    def mentioned(self, text: str) -> list[Indicator]:
        """Indicators with figures that `text` names (for links from a chat answer)."""
        return [i for i in self.catalog.mentioned(text) if i.name in self._by_indicator]


def assistant_closest(assistant: object) -> Closest:
    """`closest` through the assistant's own retrieval (Assistant.search restricted to the city)."""
    from assistant.highlight import best_sentence

    def closest(city: str, name: str) -> tuple[Chunk, str] | None:
        outcome = assistant.search(name, top_k=1, cities=(city,))  # type: ignore[attr-defined]
        if not outcome.hits:
            return None
        chunk = outcome.hits[0].chunk
        return chunk, best_sentence(chunk, name)

    return closest


def explorer_for(assistant: object) -> Explorer:
    """The explorer over an Assistant's targets, rebuilt when its index's chunks change."""
    index = assistant.index  # type: ignore[attr-defined]
    cached = _CACHE.get(id(assistant))
    if cached is not None and cached[0] is assistant and cached[1] is index.chunks:
        return cached[2]
    cities = tuple(dict.fromkeys(d.city for d in index.documents))

    def chunk_of(chunk_id: str) -> Chunk | None:
        try:
            return index.get_chunk(chunk_id)
        except KeyError:
            return None

    from assistant.table_targets import headline_targets  # a table row's 2020 actual is no figure to compare

    targets = headline_targets(assistant.targets)  # type: ignore[attr-defined]
    explorer = Explorer(targets, cities, chunk_of, assistant_closest(assistant))
    _CACHE.clear()  # one live assistant at a time (the API swaps snapshots)
    _CACHE[id(assistant)] = (assistant, index.chunks, explorer)
    return explorer


_CACHE: dict[int, tuple[object, object, Explorer]] = {}
