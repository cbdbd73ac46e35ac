"""Candidate clauses: what the answer composer chooses from (evidence first).

Every clause of the top retrieved chunks (paragraph sentences split at ，；：, each table row
value read with its header, a news lead's own clauses) is a candidate, with the figures it
states (`corpus.figures`, a general grammar: any unit, any verb), the time phrase it falls
under (a paragraph's year holds for its next sentences), and, when `assistant.targets` read a
target from it, that target (its indicator aligned to its value). How well a candidate answers
is `answering.evidence`.

Qualifiers: when the question names a member of a contrast set (农村 / 城市 / 城镇 / 县城;
省级 / 国家级 / 市级; the main pollutants), a candidate whose context does not name it cannot
answer ("城市生活污水处理率" does not answer "农村生活污水…").
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from assistant.highlight import body_sentences
from assistant.model import Question
from assistant.target_model import Target
from assistant.understanding import group_of
from corpus.figures import Figure, figures_of
from corpus.language import CLAUSE_BREAK, PERIOD_MENTION, PLAN_PERIODS, YEAR_DIGITS
from corpus.model import Chunk
from corpus.text import align, compact, fold
from index.types import Hit

# Contrast sets: a question naming one member asks about that member only. The members are the
# plans' own words for places (urban / rural / county seat), administrative levels and the
# pollutants whose reductions the plans list side by side.
POLLUTANTS = ("化学需氧量", "氨氮", "氮氧化物", "挥发性有机物", "二氧化硫")
QUALIFIER_SETS: tuple[tuple[str, ...], ...] = (
    ("农村", "城市", "城镇", "县城", "市城区"),
    ("国家级", "省级", "市级"),
    POLLUTANTS,
)
# Sets whose members exclude each other: a clause naming one of them is about that one, whatever
# its sentence said before ("每吨NOx…2万元，每吨VOCs…5万元"). Place words overlap (市城区 is the
# city's, 县城 the towns'), so a place is read from the sentence.
DISJOINT_SETS: tuple[tuple[str, ...], ...] = (POLLUTANTS,)
# Contrast pairs a clause may leave unsaid ("增加调峰能力47万千瓦" answers "新增多少"): only a clause
# naming the other member, not the asked one, is excluded.
OPEN_SETS: tuple[tuple[str, ...], ...] = (
    ("新增", "累计"),  # "新增装机50万千瓦，累计装机260万千瓦": the increment is not the total
)
CLAUSE_CACHE = 8192  # chunks whose candidate clauses are kept (`chunk_clauses`)
# Questions that ask when: a deadline year is then a figure of the answer.


@dataclass(frozen=True)
class Clause:
    """One candidate clause of a retrieved chunk."""

    chunk: Chunk
    sentence: str  # the display sentence it belongs to (verbatim substring of chunk.text): cited
    text: str  # the clause as displayed, whitespace removed (what the answer quotes)
    key: str  # folded matching text of the clause
    context: str  # folded matching text of the sentence up to the clause's end (its subject)
    figures: tuple[Figure, ...]
    rank: int  # position of its chunk among the hits
    period: str = ""  # the time phrase the clause falls under ("到2025年"), as displayed
    targets: tuple[Target, ...] = field(default=())  # targets assistant.targets read from it
    # Its key with the figure-less clauses that complete it, up to the next ；/： ("对连续3个月
    # 预警为红色的地方" + "实施区域节能评估限批"): what the figure is about, for wording overlap.
    scope: str = ""

    def __post_init__(self) -> None:
        if not self.scope:
            object.__setattr__(self, "scope", self.key)


def _period(text: str) -> str:
    m = PERIOD_MENTION.search(text)
    return compact(m.group()) if m else ""


def period_year(period: str) -> int | None:
    """The year a period phrase ends: "到2025年" -> 2025, "“十三五”期间" -> 2020; None when none."""
    m = YEAR_DIGITS.search(period)
    if m:
        return int(m.group())
    return next((year for name, year in PLAN_PERIODS.items() if name in period), None)


def asked_year(q: Question) -> int | None:
    """The year a question asks about: the year it names, else the plan period it names."""
    return q.analysis.year or period_year(next((p for p in PLAN_PERIODS if p in q.analysis.text), ""))


def chunk_clauses(chunk: Chunk, rank: int, targets: Sequence[Target]) -> list[Clause]:
    """The candidate clauses of one chunk, `rank` its position among the hits."""
    return [c if c.rank == rank else replace(c, rank=rank) for c in _clauses_of(chunk, tuple(targets))]


@lru_cache(maxsize=CLAUSE_CACHE)
def _clauses_of(chunk: Chunk, targets: tuple[Target, ...]) -> tuple[Clause, ...]:
    """The candidate clauses of one chunk at rank 0: read once per chunk and its targets (the
    same chunks come back across questions), not on every answer."""
    rank = 0
    if chunk.table_row and chunk.context:
        # A table row: one candidate per value the row sets (assistant.table_targets), read
        # with its header ("火电平均供电煤耗（克标准煤/千瓦时）：…2025年目标值297").
        out = []
        for t in targets:
            text = compact(t.clause) if t.clause else compact(chunk.context)
            own = fold(f"{t.indicator}{t.column}{t.clause}")  # this value's row label and column
            out.append(Clause(chunk, chunk.text, text, own, own, figures_of(text), rank, t.column, (t,)))
        return tuple(out)
    by_clause: dict[str, list[Target]] = {}
    for t in targets:
        by_clause.setdefault(t.clause, []).append(t)
    out = []
    # The time phrase a paragraph sets holds for its next sentences until another is named
    # ("2020年，全市空气优良天数达到294天。细颗粒物（PM2.5）年均浓度为41μg/m3…": 2020's too).
    period = ""
    for sentence in body_sentences(chunk):
        aligned = align(sentence)
        starts = [0, *(m.end() for m in CLAUSE_BREAK.finditer(aligned.text))]
        ends = [*(m.start() for m in CLAUSE_BREAK.finditer(aligned.text)), len(aligned.text)]
        spans = [(lo, hi) for lo, hi in zip(starts, ends) if compact(aligned.display(lo, hi)).strip("，,；;：:。 ")]
        keys = [fold(aligned.text[lo:hi]) for lo, hi in spans]
        stated = [bool(figures_of(k)) for k in keys]
        for i, (lo, hi) in enumerate(spans):
            shown = compact(aligned.display(lo, hi))
            found = _period(aligned.text[lo:hi])
            period = found or period
            key = keys[i]
            figures = figures_of(shown)
            if period and not found and not any(f.kind == "deadline" for f in figures):
                # "到2023年，全市钢铁产能完成超低排放改造": the year before is the clause's deadline.
                figures = tuple(f for f in figures_of(period) if f.kind == "deadline") + figures
            scope, j = key, i + 1
            while j < len(spans) and aligned.text[spans[j - 1][1]:spans[j][0]].startswith(",") and not stated[j]:
                scope, j = scope + keys[j], j + 1
            out.append(Clause(chunk, sentence, shown.rstrip("。"), key, fold(aligned.text[:hi]),
                              figures, rank, period, tuple(by_clause.get(shown, ())), scope))
    return tuple(out)


# "三个城市", "各城市", "哪个城市": the cities compared, not the urban qualifier.
_CITIES_WORD = re.compile(r"(?:[一二三四五六七八九两几各哪每]个?|这些|哪些|五)城市")


def qualifiers(q: Question) -> list[tuple[str, ...]]:
    """Per contrast set, the members the question names (sets it names none of are left out)."""
    text = _CITIES_WORD.sub("", fold(q.analysis.text))
    out = []
    for members in QUALIFIER_SETS + OPEN_SETS:
        named = tuple(m for m in members if m in text)
        if named:
            out.append(named)
    return out


def area_qualifiers(q: Question, targets: Mapping[str, Sequence[Target]],
                    places: Collection[str] | None = None) -> list[tuple[str, ...]]:
    """A county or district the question names that the plans' annex tables set figures for
    (Target.area): only clauses naming it answer ("林州市化学需氧量…" is not the city's total).
    `places`: only the tables of these places' documents (those searched) count: in a library,
    a province's table listing its cities must not make "三门峡…" a county question in
    三门峡市's own plan."""
    text = fold(q.analysis.text)
    areas = {t.area for ts in targets.values() for t in ts if t.area and (places is None or t.city in places)}
    return [(area,) for area in sorted(areas) if fold(area) in text]


def admits(clause: Clause, named: Sequence[tuple[str, ...]], asked: str = "") -> bool:
    """Whether the clause's context names a member of every contrast set the question names
    (by any lexicon synonym: 化学需氧量 is COD in a table), and, for a county's table value,
    whether the question (`asked`, folded) names that county."""
    if clause.targets and all(t.area and fold(t.area) not in asked for t in clause.targets):
        return False  # a county's figure answers only a question about that county
    return all(_names_member(clause, members) for members in named)


def _names_member(clause: Clause, members: tuple[str, ...]) -> bool:
    """Whether the clause is about one of `members` (a contrast set's asked members): for a set
    of DISJOINT_SETS or OPEN_SETS named in the clause itself when it names any member of the set,
    else in the sentence up to it (its subject); an OPEN_SETS pair left unsaid admits."""
    def names(text: str, words: Sequence[str]) -> bool:
        return any(fold(t) in text for m in words for t in group_of(m))

    contrast = next((s for s in QUALIFIER_SETS + OPEN_SETS if members[0] in s), members)
    if contrast in DISJOINT_SETS + OPEN_SETS and names(clause.key, contrast):
        return names(clause.key, members)
    return contrast in OPEN_SETS or names(clause.context, members)


def candidate_clauses(hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]], depth: int) -> list[Clause]:
    """The clauses of the first `depth` hits that may state an answer: a heading (the document's
    title, a section's, a table's header row) names what follows, and its year ("重庆市生态环境系统
    2022年应对气候变化工作要点") is the document's, not a figure of what is asked."""
    out: list[Clause] = []
    for rank, hit in enumerate(hits[:depth]):
        if hit.chunk.kind != "heading":
            out.extend(chunk_clauses(hit.chunk, rank, targets.get(hit.chunk.chunk_id, ())))
    return out


