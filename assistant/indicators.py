"""Canonical indicators and their domains, for comparing figures across plans.

Plans name one indicator in many ways ("单位地区生产总值能耗", "单位生产总值能源消耗", "万元GDP能耗",
"能耗强度"). `IndicatorCatalog` maps each name a plan uses to one canonical indicator, from two
sources only:

1. the synonym groups of the lexicon (`index/lexicon/synonyms.tsv`): a name is read for the
   group terms it contains (compared on `corpus.text.fold`, longest term first). The last term is
   the head (Chinese indicator names end in their head noun); groups whose terms touch the head
   directly before it qualify it ("化学需氧量" + "重点工程减排量" -> "化学需氧量重点工程减排量",
   while "…数据中心达到能效标杆水平的比例" is read as "能效标杆水平"). The canonical name is
   the group's first term. A term the caller says the plans distinguish (`split_terms`: a plan
   gives two different figures of the same kind to two terms of one group) is its own indicator.
2. the names' own vocabulary, for names no group covers: scope words at the start (城市, 县城,
   主要…) and leading count verbs (创建, 遴选…) are not part of the indicator, and a name that
   ends with another such name is that indicator ("重大病虫害统防统治覆盖率" -> "统防统治覆盖率").

The domain (能耗, 污染物, 建筑, 交通 …) of an indicator is read from its words (`DOMAINS`).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from corpus.language import COUNT_VERB_OPENING
from corpus.text import fold

# Ordered: the first domain whose words occur in the canonical name wins (公共机构单位建筑面积能耗
# belongs to 公共机构, not to 建筑 or 能耗).
DOMAINS: tuple[tuple[str, str], ...] = (
    ("公共机构", r"公共机构|机关"),
    ("农业农村", r"农村|农业|农作物|秸秆|化肥|农药|农膜|畜禽|粪污|农田|耕作|防控|统防统治|养殖|病虫害"),
    ("交通", r"交通|运输|货运|公交|出租|车辆|汽车|车位|船舶|铁路|充电|出行|油耗|机动车"),
    ("建筑", r"建筑(?!垃圾)|取暖|供暖|装配式|可渗透|海绵城市"),
    ("水", r"污水|再生水|用水|供水|水体|污泥|管网|水质"),
    ("污染物", r"需氧量|氨氮|氮氧化物|挥发性有机物|二氧化硫|减排量|排放|颗粒物|涂料|油墨|胶粘剂|vocs|污染物"),
    ("固废", r"垃圾|固体废物|固废"),
    ("工业", r"工业|工厂|园区|行业|标杆|产能|企业"),
    ("能耗", r"能耗|能源|能效|煤|电能|用能|节能|碳"),
)
OTHER_DOMAIN = "其他"
DOMAIN_ORDER: tuple[str, ...] = ("能耗", "污染物", "建筑", "交通", "农业农村", "公共机构", "水", "工业", "固废",
                                 OTHER_DOMAIN)

_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_QUOTES = re.compile(r"[“”\"'‘’]")
# Scope at the start of a name: where the figure applies, not what it measures.
_SCOPE = re.compile(r"^(?:(?:全市|市城区|城市|城镇|县城|县级以上|县|全区|全县|主要农作物|主要)[、和及]?)+")
_CHANGE_SUFFIX = re.compile(r"(?:下降率|降低率)$")
_MIN_GAPPED, _MAX_GAP = 6, 4  # gapped reading: long terms only, a few inserted characters
_MIN_SUFFIX = 4  # a shorter common ending ("覆盖率") says too little to merge two names


def domain_of(name: str) -> str:
    key = fold(name)
    for domain, words in DOMAINS:
        if re.search(words, key):
            return domain
    return OTHER_DOMAIN


@lru_cache(maxsize=1)
def _lexicon_groups() -> tuple[tuple[str, ...], ...]:
    from index.lexicon import synonym_groups

    return tuple(synonym_groups())


@dataclass(frozen=True)
class Indicator:
    """One canonical indicator: its name, domain and every name that maps to it."""

    name: str
    domain: str
    terms: tuple[str, ...] = ()  # synonym terms of its group(s) (empty for names no group covers)
    names: tuple[str, ...] = ()  # the names plans use for it, as written


@dataclass
class _Reading:
    canonical: str
    terms: tuple[str, ...] = ()
    from_group: bool = False


@dataclass
class IndicatorCatalog:
    """Name -> canonical indicator for a set of indicator names (the plans' targets)."""

    names: Sequence[str]
    split_terms: frozenset[str] = frozenset()
    groups: Sequence[Sequence[str]] | None = None  # default: the lexicon's synonym groups
    _readings: dict[str, _Reading] = field(init=False, default_factory=dict)
    _indicators: dict[str, Indicator] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        groups = [tuple(g) for g in (self.groups if self.groups is not None else _lexicon_groups())]
        split = {fold(t) for t in self.split_terms}
        # (folded term, canonical, group terms), longest first: "单位地区生产总值能耗" before "能耗".
        self._terms = sorted(
            ((fold(t), (t if fold(t) in split else g[0]), tuple(x for x in g if fold(x) not in split or x == t))
             for g in groups for t in g),
            key=lambda item: -len(item[0]),
        )
        names = list(dict.fromkeys(n for n in self.names if n))
        loose: dict[str, str] = {}
        for name in names:
            reading = self._read_group(name)
            if reading is None:
                loose[name] = _key(name)
            else:
                self._readings[name] = reading
        self._merge_loose(loose)
        members: dict[str, list[str]] = {}
        for name, reading in self._readings.items():
            members.setdefault(reading.canonical, []).append(name)
        for canonical, own in members.items():
            terms = next((r.terms for n in own if (r := self._readings[n]).from_group), ())
            self._indicators[canonical] = Indicator(canonical, domain_of(canonical), terms, tuple(own))

    # --- reading one name ---------------------------------------------------------------

    def _read_group(self, name: str) -> _Reading | None:
        text = fold(_QUOTES.sub("", _BRACKETED.sub("", name)))
        found: list[tuple[int, int, str, tuple[str, ...]]] = []
        for term, canonical, terms in self._terms:
            start = text.find(term)
            while start >= 0:
                end = start + len(term)
                if all(end <= s or start >= e for s, e, _, _ in found):
                    found.append((start, end, canonical, terms))
                start = text.find(term, start + 1)
        if not found:
            return self._read_gapped(text)
        found.sort()
        chain = [found[-1]]
        for match in reversed(found[:-1]):  # qualifiers written right before the head
            if match[1] == chain[0][0]:
                chain.insert(0, match)
            else:
                break
        parts = list(dict.fromkeys(c for _, _, c, _ in chain))
        # A qualified head ("化学需氧量" + "重点工程减排量") is searchable by every term of its parts.
        terms = tuple(dict.fromkeys(t for *_, ts in chain for t in ts))
        return _Reading("".join(parts), terms, from_group=True)

    def _read_gapped(self, text: str) -> _Reading | None:
        """A name that ends like a long term with a few words inserted in it ("畜禽粪污资源化综合
        利用率" ~ "畜禽粪污综合利用率"): the term's characters in order, at most `_MAX_GAP` others
        between them, the last one ending the name."""
        for term, canonical, terms in self._terms:
            if len(term) < _MIN_GAPPED or not text.endswith(term[-1]):
                continue
            pos, gap, start = len(text), 0, None
            for ch in reversed(term):
                at = text.rfind(ch, 0, pos)
                if at < 0:
                    break
                if start is not None:
                    gap += pos - at - 1
                start, pos = at, at
            else:
                if gap <= _MAX_GAP:
                    return _Reading(canonical, terms, from_group=True)
        return None

    def _merge_loose(self, loose: dict[str, str]) -> None:
        """Names no group covers: the same key is one indicator; a key ending with a shorter
        key is that one. The canonical name is the shortest name (scope words removed)."""
        keys = sorted(set(loose.values()), key=len)
        target: dict[str, str] = {}
        for key in keys:
            target[key] = next((k for k in keys if len(_MIN_SUFFIX * "x") <= len(k) < len(key)
                                and key.endswith(k) and target.get(k) == k), key)
        shown: dict[str, str] = {}
        for name, key in sorted(loose.items(), key=lambda item: len(_display(item[0]))):
            shown.setdefault(target[key], _display(name))
        for name, key in loose.items():
            self._readings[name] = _Reading(shown[target[key]])

    # --- queries --------------------------------------------------------------------------

    def canonical(self, name: str) -> str:
        """The canonical indicator of a name (names outside the catalog are read on the fly)."""
        reading = self._readings.get(name)
        if reading is not None:
            return reading.canonical
        group = self._read_group(name)
        return group.canonical if group else _display(name)

    def indicator(self, canonical: str) -> Indicator | None:
        return self._indicators.get(canonical)

    @property
    def indicators(self) -> list[Indicator]:
        """Every canonical indicator, by domain (DOMAIN_ORDER) then name."""
        return sorted(self._indicators.values(), key=lambda i: (DOMAIN_ORDER.index(i.domain), i.name))

    def search(self, query: str) -> list[Indicator]:
        """Indicators a user's words point to: the query names the indicator or one of its
        synonyms or plan names (exact first), is part of one, or contains one."""
        q = fold(_QUOTES.sub("", query or ""))
        if not q:
            return self.indicators
        scored = []
        for ind in self._indicators.values():
            words = [fold(w) for w in (ind.name, *ind.terms, *ind.names)]
            if q in words:
                score = 3
            elif any(q in w for w in words):
                score = 2
            elif any(len(w) >= 2 and w in q for w in words):
                score = 1
            else:
                continue
            scored.append((-score, DOMAIN_ORDER.index(ind.domain), ind.name, ind))
        return [ind for *_, ind in sorted(scored, key=lambda s: s[:3])]

    def lookup(self, query: str) -> list[Indicator]:
        """What a filter `indicator=query` selects: the indicators the query names exactly (its
        name, a synonym or a plan's name for it) when there are any, else every partial match."""
        q = fold(_QUOTES.sub("", query or ""))
        exact = [i for i in self._indicators.values()
                 if q in {fold(w) for w in (i.name, *i.terms, *i.names)}]
        return exact or (self.search(query) if q else [])

    def mentioned(self, text: str) -> list[Indicator]:
        """Indicators whose name or synonyms occur in `text` (longest first, no overlaps)."""
        key = fold(text or "")
        out: list[Indicator] = []
        taken: list[tuple[int, int]] = []
        # A qualified head is mentioned by its whole name only: "减排量" alone names no pollutant.
        words = sorted(((fold(w), ind) for ind in self._indicators.values()
                        for w in ((ind.name, *ind.terms) if ind.name in ind.terms else (ind.name,))),
                       key=lambda wi: -len(wi[0]))
        for word, ind in words:
            start = key.find(word) if len(word) >= 2 else -1
            if start >= 0 and all(start + len(word) <= s or start >= e for s, e in taken):
                taken.append((start, start + len(word)))
                if ind not in out:
                    out.append(ind)
        return out


def _strip_scope(name: str) -> str:
    text = _QUOTES.sub("", _BRACKETED.sub("", name)).strip()
    stripped = _SCOPE.sub("", text)
    return stripped if len(stripped) >= 2 else text


def _display(name: str) -> str:
    """The canonical name shown for names no group covers: without scope words, a leading count
    verb ("创建…示范单位" names what is counted) or a trailing 下降率 (the figure says it falls)."""
    text = _strip_scope(name)
    verb = COUNT_VERB_OPENING.match(text)
    if verb and len(text) - verb.end() >= 4:
        text = text[verb.end():]
    trimmed = _CHANGE_SUFFIX.sub("", text)
    return trimmed if len(trimmed) >= 4 else text


def _key(name: str) -> str:
    """Comparison key of a name no group covers: folded, scope words, count verbs and a level
    word after them removed."""
    key = fold(_strip_scope(name))
    verb = COUNT_VERB_OPENING.match(key)
    if verb and len(key) - verb.end() >= 2:
        key = key[verb.end():]
    return key
