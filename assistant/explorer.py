"""The targets explorer: every city's figure for one canonical indicator, side by side.

Targets come in through one adapter (`figure_of`: `assistant.target_model.Target` -> `Figure`), so
the explorer does not depend on how they are extracted. For one indicator (`Explorer.view`):

- figures are comparable when they share unit and meaning (`Figure.sense`: a 下降 by some
  percent vs a level to reach) and, when both are known, year; the class stated by the most
  cities is charted, one row per city (a second figure stated as 力争 goes in the 力争 column);
- every other figure is listed apart with the reason (another unit, another meaning, a county
  or district figure, another year, a second figure of the same city);
- a selected city with no figure for the indicator is listed with its closest clause (found by
  `closest`, the assistant's retrieval restricted to that city).

Places of every level (corpus.hierarchy.Place): the nation's figure, and a province's when a
place inside it is compared, are reference rows (`View.national`, `View.references`), not rows;
each row says how it stands against them (对标, `versus`: 高于 / 持平 / 低于, only between figures
of the same meaning, year and unit: corpus.figures.comparable). A province with no place inside
it compared is a row of its own. `arrange` groups the rows by province and sorts them, or keeps
the highest or lowest N, so that 40 and more places stay readable.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from assistant.indicators import Indicator, IndicatorCatalog
from corpus import figures as grammar
from corpus.hierarchy import Place, contains, place_of, resolve_place
from corpus.language import DECIMAL, DECREASE_VERB, INCREASE_VERB, NAME_UNIT
from corpus.model import Chunk, DocumentMeta
from corpus.places import NATIONAL, same_city
from corpus.text import fold, matching

SENSES = {"decrease": "降幅", "increase": "增幅", "level": "目标水平"}
_DECREASE_NAME = re.compile(r"(?:下降|降低)(?:率|幅度)?(?:目标|激励目标)?$|(?:下降|降低)率|降低.*目标")
_INCREASE_NAME = re.compile(r"(?:增长|提高)率")

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
    """THE adapter from an extracted target (assistant.target_model.Target or anything with its
    fields) to a Figure; a missing field reads as empty."""

    def get(name: str, default: object = "") -> object:
        return getattr(target, name, default)

    name, unit, value = str(get("indicator")), str(get("unit")), str(get("value"))
    if not unit and (m := NAME_UNIT.search(name)):  # table header "…降低率目标（%）"
        unit = m.group(1)
        value = value + unit if value and not value.endswith(unit) else value
    qualifier, verb, baseline = str(get("qualifier")), str(get("verb")), str(get("baseline"))
    number = DECIMAL.search(value)
    year = get("year", None)
    return Figure(
        city=str(get("city")), area=str(get("area")), name=name, value=value,
        number=float(number.group()) if number else None, unit=unit, qualifier=qualifier,
        year=year if isinstance(year, int) else None, baseline=baseline, verb=verb,
        sense=_sense(name, verb, baseline, unit), striving=bool(re.search(r"力争|争取", qualifier)),
        chunk_id=str(get("chunk_id")), sentence=str(get("sentence")), clause=str(get("clause")),
    )


def _sense(name: str, verb: str, baseline: str, unit: str) -> str:
    if DECREASE_VERB.match(verb) or (not verb and _DECREASE_NAME.search(name)) or \
            (verb in ("完成", "实现") and _DECREASE_NAME.search(name)):
        return "decrease"
    if INCREASE_VERB.match(verb) or (not verb and _INCREASE_NAME.search(name)):
        return "increase"
    return "level"


VERSUS_WORDS = ("高于", "持平", "低于")


@dataclass(frozen=True)
class Versus:
    """对标: a figure beside the figure of a place above it (its province's or the nation's)."""

    place: str  # the reference place: "河南省", "全国"
    reference: Figure
    word: str  # 高于 | 持平 | 低于 (VERSUS_WORDS); "" when the two are not comparable
    reason: str = ""  # why they are not compared ("" when compared)

    @property
    def text(self) -> str:
        """As a cell reads: "高于河南省（14%）", "不可比：单位不同（%与个百分点）"."""
        if not self.word:
            return f"不可比：{self.reason}"
        return f"{self.word}{self.place}（{self.reference.value}）"


def _quantity(f: Figure) -> grammar.Figure | None:
    """The figure as the general grammar reads it (corpus.figures): a quantity or a count."""
    text = f.value if not f.unit or f.value.endswith(f.unit) else f.value + f.unit
    return next((g for g in grammar.figures_of(text, deadlines=False) if g.kind in ("quantity", "count")), None)


def versus(figure: Figure, reference: Figure, place: str) -> Versus:
    """How `figure` stands against `reference`, the figure of the place `place` above it: 高于,
    持平 or 低于 when they are comparable: the same meaning (Figure.sense: a 下降 is no level),
    the same target year when both state one, and the same unit (corpus.figures.comparable,
    compared by corpus.figures.magnitude: a range by its lower end); otherwise no word, and why."""
    if figure.sense != reference.sense:
        return Versus(place, reference, "", f"口径不同（{SENSES[figure.sense]}与{SENSES[reference.sense]}）")
    if figure.year and reference.year and figure.year != reference.year:
        return Versus(place, reference, "", f"目标年份不同（{figure.year}年与{reference.year}年）")
    mine, theirs = _quantity(figure), _quantity(reference)
    if mine is None or theirs is None:
        return Versus(place, reference, "", "未给出可比数值")
    if not grammar.comparable(mine, theirs):
        return Versus(place, reference, "", f"单位不同（{mine.unit or '无单位'}与{theirs.unit or '无单位'}）")
    a, b = grammar.magnitude(mine), grammar.magnitude(theirs)
    return Versus(place, reference, "高于" if a > b else "低于" if a < b else "持平")


@dataclass(frozen=True)
class Row:
    """One place's comparable figure, with its 力争 figure when the plan states one, and (set by
    `Explorer.view`) its place, its rank among the rows (1 = highest figure) and how it stands
    against its province's and the nation's figures."""

    figure: Figure
    striving: Figure | None = None
    place: Place | None = None
    rank: int = 0
    province: Versus | None = None
    nation: Versus | None = None


@dataclass(frozen=True)
class Reference:
    """The figure of the nation, or of a province a compared place lies in, shown beside the rows.
    `reason` is why it is not comparable with them ("" when it is)."""

    place: Place
    row: Row
    reason: str = ""


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
    national: Reference | None = None  # the nation's figure
    references: tuple[Reference, ...] = ()  # the provinces' figures, in province order
    national_places: bool = False  # whether the library has national documents at all

    @property
    def sense_label(self) -> str:
        return SENSES.get(self.sense, "")

    def reference_of(self, province: str) -> Reference | None:
        return next((r for r in self.references if r.place.name == province), None)


ORDERS = {"desc": "从高到低", "asc": "从低到高"}


@dataclass(frozen=True)
class Group:
    """Rows shown together: the places of one province, with its figure as reference; or every
    row in one list (`province` "")."""

    province: str
    reference: Reference | None
    rows: tuple[Row, ...]


def arrange(view: View, grouped: bool = True, order: str = "desc", limit: int = 0) -> tuple[Group, ...]:
    """The rows as shown. `limit` > 0 keeps the `limit` highest figures, < 0 the `-limit` lowest
    (by Row.rank); `order` "desc" or "asc" sorts by figure. `grouped`: one group per province,
    provinces in GB/T 2260 code order (places of no known province last), each with its figure
    as reference; a province whose figure is a reference but has no row left is shown (with no
    rows) only when nothing is cut. Otherwise one group of every row."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}")
    ranked = sorted(view.rows, key=lambda r: (r.rank, view.rows.index(r)))
    kept = ranked[:limit] if limit > 0 else ranked[limit:] if limit < 0 else ranked
    rows = kept if order == "desc" else sorted(kept, key=lambda r: (-r.rank, view.rows.index(r)))
    if not grouped:
        return (Group("", None, tuple(rows)),) if rows else ()
    by_province: dict[str, list[Row]] = {}
    for r in rows:
        by_province.setdefault(r.place.province if r.place else "", []).append(r)
    if not limit:
        for ref in view.references:
            by_province.setdefault(ref.place.province, [])
    order_of = {ref.place.province: ref.place.order for ref in view.references}
    order_of.update({r.place.province: r.place.order for r in view.rows if r.place})

    def key(province: str) -> tuple[int, str, str]:
        return (not province, order_of.get(province, "~"), province)

    return tuple(Group(p, view.reference_of(p), tuple(by_province[p])) for p in sorted(by_province, key=key))


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
    """Indicators and per-indicator views over one set of targets. `cities` are the places the
    targets come from (DocumentMeta.city); `documents` (optional) give their level and province
    where the divisions alone cannot (corpus.hierarchy.doc_place)."""

    def __init__(self, targets: Iterable[object], cities: Sequence[str],
                 chunk_of: Callable[[str], Chunk | None] = lambda _: None,
                 closest: Closest | None = None, documents: Sequence[DocumentMeta] = ()) -> None:
        self.figures = tuple(_dedupe(figure_of(t) for t in targets))
        self.cities = tuple(dict.fromkeys(cities))
        self.chunk_of = chunk_of
        self._closest = closest
        given = {d.city: place_of(d.city, d.province, d.prefecture, d.level) for d in documents}
        self.places: dict[str, Place] = {c: given.get(c) or place_of(c) for c in self.cities}
        self._by_key = {matching(c): c for c in self.cities}
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

    def place(self, city: str) -> Place:
        return self.places.get(city) or place_of(city)

    def _selects(self, name: str, full: str | None, city: str) -> bool:
        """Whether a selected place `name` (铁岭, 安阳市, 河南省; `full`: its full name, by
        corpus.hierarchy.resolve_place) takes in `city`: the place itself or one inside it (全国
        selects only the national documents)."""
        if same_city(city, name):
            return True
        if not full or full == NATIONAL:
            return False
        p = self.place(city)
        return contains(full, city, p.province, p.prefecture)

    def _above(self, wanted: Sequence[str]) -> list[str]:
        """The places of this explorer above the wanted ones: the nation, their provinces."""
        names = [NATIONAL] if NATIONAL in self.cities else []
        for city in wanted:
            province = self._by_key.get(matching(self.place(city).province))
            if province and province != city:
                names.append(province)
        return list(dict.fromkeys(names))

    def view(self, indicator: str, cities: Sequence[str] = ()) -> View:
        ind = self.catalog.indicator(indicator)
        if ind is None:
            raise KeyError(indicator)
        selected = [(w, resolve_place(w, self.cities)) for w in cities]
        wanted = tuple(c for c in self.cities if not selected or any(self._selects(w, full, c) for w, full in selected))
        above = [c for c in self._above(wanted) if c not in wanted]
        looked = set(wanted) | set(above)
        figures = [f for f in self._by_indicator[indicator] if f.city in looked]
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
        national, references = self._references(rows, apart, set(above))
        refs = {r.place.name for r in references} | ({NATIONAL} if national else set())
        stated = {f.city for f in figures}
        missing = tuple(self._missing(city, ind) for city in wanted
                        if city not in stated and city != NATIONAL and not self._is_reference(city, rows))
        kept = [rows[c] for c in wanted if c in rows and c not in refs]
        numbers = sorted((r.figure.number for r in kept if r.figure.number is not None), reverse=True)
        ordered = []
        for r in kept:
            p = self.place(r.figure.city)
            ref = next((x for x in references if x.place.name == p.province and x.place.name != p.name), None)
            ordered.append(replace(
                r, place=p, rank=numbers.index(r.figure.number) + 1 if r.figure.number is not None else 0,
                province=versus(r.figure, ref.row.figure, ref.place.name) if ref else None,
                nation=versus(r.figure, national.row.figure, NATIONAL) if national else None))
        return View(ind, unit, sense, tuple(ordered), tuple(apart), missing, wanted, national, references,
                    NATIONAL in self.cities)

    def _is_reference(self, city: str, rows: dict[str, Row]) -> bool:
        """The nation, or a province some other compared place (a row) lies in."""
        p = self.place(city)
        if p.is_national:
            return True
        return p.is_province and any(q != city and not self.place(q).is_national
                                     and matching(self.place(q).province) == matching(p.name) for q in rows)

    def _references(self, rows: dict[str, Row], apart: list[Apart],
                    above: set[str]) -> tuple[Reference | None, tuple[Reference, ...]]:
        """Take the reference places' figures out of `rows`; a reference place whose figures are
        all incomparable gives its first one, out of `apart`, with the reason. The places looked
        at only as references (`above`: not selected) keep no other row or figure."""
        cities = dict.fromkeys([*rows, *(a.figure.city for a in apart if not a.figure.area)])
        taken = [c for c in cities if self._is_reference(c, rows)]
        national: Reference | None = None
        references: list[Reference] = []
        for city in taken:
            place = self.place(city)
            if city in rows:
                ref = Reference(place, rows[city])
            else:
                at = next(i for i, a in enumerate(apart) if a.figure.city == city and not a.figure.area)
                first = apart.pop(at)
                ref = Reference(place, Row(first.figure), first.reason)
            if place.is_national:
                national = ref
            else:
                references.append(ref)
        for city in list(rows):
            if city in taken or city in above:
                del rows[city]
        apart[:] = [a for a in apart if a.figure.city not in above]
        references.sort(key=lambda r: (r.place.order, r.place.name))
        return national, tuple(references)

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
    explorer = Explorer(targets, cities, chunk_of, assistant_closest(assistant), documents=index.documents)
    _CACHE.clear()  # one live assistant at a time (the API swaps snapshots)
    _CACHE[id(assistant)] = (assistant, index.chunks, explorer)
    return explorer


_CACHE: dict[int, tuple[object, object, Explorer]] = {}
