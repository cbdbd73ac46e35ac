"""One place for places: city names, their short forms, and finding them in text.

A plan's city is stored in full ("铁岭市", "大兴安岭地区"); officials write it either way
("铁岭", "铁岭市的", "鐵嶺"). Every layer (CLI, API, UI, targets, query understanding, the
eval) resolves and detects cities through this module, on matching text (corpus.text).
"""
from __future__ import annotations

import re

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import unicodedata

from corpus.errors import IngestError
from corpus.text import matching

# The place of a national document (DocumentMeta.city): it belongs to no province or city.
NATIONAL = "全国"
# Administrative suffixes, longest first: 地区 before 区.
ADMIN_SUFFIXES: tuple[str, ...] = ("地区", "自治州", "自治县", "市", "县", "区", "州", "盟", "旗")
MIN_SHORT_NAME = 2  # 铁岭市 -> 铁岭, but a one-character stem stays whole (沙市 stays 沙市)
MAX_CITY_CHARS = 20
# Words that would match every question if accepted as a city name (units, date words, bare
# suffixes, generic place words): refused by `validate_city`.
_NOT_CITY_NAMES = frozenset(
    "年 月 日 时 万 亿 吨 元 个 项 家 度 米 全 本 我 各 该 市 县 区 州 盟 旗 省 市县 县区 城市 城镇 "
    "农村 地区 全国 全省 全市 本市 我市 各市 各地 目标 方案 工作 节能 减排 能耗 万吨 标准煤 千瓦时 "
    "平方米 立方米 公里 百分之".split())


def short_name(city: str) -> str:
    """The place name without its administrative suffix (corpus.divisions.stem): 铁岭市 -> 铁岭,
    大兴安岭地区 -> 大兴安岭, 河南省 -> 河南, 广西壮族自治区 -> 广西; 沙市 and 全国 stay whole."""
    from corpus.divisions import stem

    return stem(city.strip())


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
        names = (city, short_name(city)) + (NATIONAL_ALIASES if city == NATIONAL else ())
        for alias in map(matching, names):
            if alias:
                aliases.setdefault(alias, city)
    return tuple(sorted(aliases.items(), key=lambda kv: -len(kv[0])))


# A question names the national documents as 全国 or 国家 ("国家减污降碳方案"); "国家级" (a rank
# any place awards: 国家级示范园区) names no place.
NATIONAL_ALIASES = ("国家",)
_NOT_A_PLACE_AFTER = {"国家": "级"}
# Nor does 国家 in the name of a kind of thing the state designates: "国家高新技术企业",
# "国家重点实验室", "国家枢纽节点", "国家森林城市", "国家标准" (any place has them).
# The designation follows 国家 at once: no 的, verb or mark between ("国家的数据中心", "国家要求
# 新建数据中心" name the national documents).
_NATIONAL_DESIGNATION = re.compile(r"[^，。；？?、,;\s的要对在将为是有提规方定出]{0,6}?(?:企业|实验室|中心|基地|园区|城市|"
                                   r"公园|标准|节点|示范区|试验区|高新区|开发区)")


def city_mentions(text: str, cities: Iterable[str]) -> list[CityMention]:
    """Every non-overlapping mention of a known city in `text` (matching text), in reading order."""
    taken: list[CityMention] = []
    for alias, city in _aliases(tuple(dict.fromkeys(cities))):
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            if text[end : end + 1] and text[end : end + 1] in _NOT_A_PLACE_AFTER.get(alias, ""):
                start = text.find(alias, start + 1)
                continue
            if all(end <= t.start or start >= t.end for t in taken):
                taken.append(CityMention(city, start, end))
            start = text.find(alias, start + 1)
    if any(t.city != NATIONAL for t in taken):
        # With another place named, 国家 before a designation is the designation's (杭州's 国家高新
        # 技术企业); alone, the question is about the national documents.
        taken = [t for t in taken if not (t.city == NATIONAL and text[t.start:t.end] in NATIONAL_ALIASES
                                          and _NATIONAL_DESIGNATION.match(text, t.end))]
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


# --- validating a new city name (uploads, `add`) -----------------------------------------

_ONE_CHAR_SUFFIXES = "".join(s for s in ADMIN_SUFFIXES if len(s) == 1) + "省"


def validate_city(value: object) -> str:
    """The city name, stripped; IngestError("city ...") unless it looks like a place name:
    2 to 20 characters, only letters (CJK or Latin, with "·" "-" or single spaces between
    Latin words), at least one CJK or Latin letter, and not a unit, a date word or a bare
    administrative suffix such as 年, 月, 市 or 万吨 (which would match every question).
    A document's place may also be a province ("河南省", "内蒙古自治区") or NATIONAL ("全国",
    a national document)."""
    if not isinstance(value, str) or not value.strip():
        raise IngestError("city must be a non-empty string")
    name = value.strip()
    if name == NATIONAL:
        return name
    if len(name) > MAX_CITY_CHARS:
        raise IngestError(f"city must be at most {MAX_CITY_CHARS} characters")
    for ch in name:
        if not (unicodedata.category(ch).startswith(("L", "M")) or ch in "·- "):
            code = f"U+{ord(ch):04X}"
            raise IngestError(f"city must contain only letters; found {code} {unicodedata.name(ch, '')}".rstrip())
    if "  " in name or any(ch == " " and not _latin_around(name, i) for i, ch in enumerate(name)):
        raise IngestError("city may contain spaces only between Latin words")
    if not any(_is_cjk(ch) or ("LATIN" in unicodedata.name(ch, "") and ch.isalpha()) for ch in name):
        raise IngestError("city must contain a Chinese character or a Latin letter")
    stem = name[:-1] if len(name) > 1 and name[-1] in _ONE_CHAR_SUFFIXES else name
    if len(name) < 2 or name in _NOT_CITY_NAMES or stem in _NOT_CITY_NAMES or all(ch in _ONE_CHAR_SUFFIXES for ch in name):
        raise IngestError(f"city {_clip(name)!r} is not a place name (a unit, date word or bare suffix would "
                          f"match every question); give the full name, e.g. 铁岭市")
    return name


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def _latin_around(name: str, i: int) -> bool:
    return 0 < i < len(name) - 1 and name[i - 1].isascii() and name[i + 1].isascii()


def _clip(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"
