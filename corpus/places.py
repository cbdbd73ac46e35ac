"""One place for places: city names, their short forms, and finding them in text.

A plan's city is stored in full ("铁岭市", "大兴安岭地区"); officials write it either way
("铁岭", "铁岭市的", "鐵嶺"). Every layer (CLI, API, UI, targets, query understanding, the
eval) resolves and detects cities through this module, on matching text (corpus.text).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from corpus.text import matching

# Administrative suffixes, longest first: 地区 before 区.
ADMIN_SUFFIXES: tuple[str, ...] = ("地区", "自治州", "自治县", "市", "县", "区", "州", "盟", "旗")
MIN_SHORT_NAME = 2  # 铁岭市 -> 铁岭, but a one-character stem stays whole (沙市 stays 沙市)


def short_name(city: str) -> str:
    """The city name without its administrative suffix: 铁岭市 -> 铁岭, 大兴安岭地区 -> 大兴安岭."""
    city = city.strip()
    for suffix in ADMIN_SUFFIXES:
        if city.endswith(suffix) and len(city) - len(suffix) >= MIN_SHORT_NAME:
            return city[: -len(suffix)]
    return city


def _key(name: str) -> str:
    return short_name(matching(name)).casefold()


def same_city(a: str, b: str) -> bool:
    """铁岭 ~ 铁岭市 ~ 鐵嶺市; empty names match nothing."""
    return bool(a.strip() and b.strip()) and _key(a) == _key(b)


def resolve_city(name: str, cities: Iterable[str]) -> str | None:
    """The known city `name` denotes (full form as stored), or None."""
    if not name or not name.strip():
        return None
    wanted = _key(name)
    return next((city for city in cities if _key(city) == wanted), None)


@dataclass(frozen=True)
class CityMention:
    city: str  # full name, as stored (DocumentMeta.city)
    start: int  # span in the text searched
    end: int


@lru_cache(maxsize=64)
def _aliases(cities: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(alias in matching form, full city name), longest alias first so 铁岭市 wins over 铁岭."""
    aliases: dict[str, str] = {}
    for city in cities:
        for alias in (matching(city), matching(short_name(city))):
            if alias:
                aliases.setdefault(alias, city)
    return tuple(sorted(aliases.items(), key=lambda kv: -len(kv[0])))


def city_mentions(text: str, cities: Iterable[str]) -> list[CityMention]:
    """Every non-overlapping mention of a known city in `text` (matching text), in reading order."""
    taken: list[CityMention] = []
    for alias, city in _aliases(tuple(dict.fromkeys(cities))):
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            if all(end <= t.start or start >= t.end for t in taken):
                taken.append(CityMention(city, start, end))
            start = text.find(alias, start + 1)
    return sorted(taken, key=lambda t: t.start)


def detect_cities(text: str, cities: Iterable[str]) -> tuple[str, ...]:
    """Known cities named in `text` (matching text), in order of first mention."""
    return tuple(dict.fromkeys(m.city for m in city_mentions(text, cities)))


def strip_cities(text: str, cities: Iterable[str], only: Sequence[str] | None = None) -> str:
    """`text` without its city mentions (of `only`, when given): once a filter holds the
    cities, their names only add noise to the query. Whitespace is collapsed."""
    for m in reversed(city_mentions(text, cities)):
        if only is None or m.city in only:
            text = text[: m.start] + " " + text[m.end :]
    return " ".join(text.split())
