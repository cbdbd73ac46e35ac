"""Query understanding: which cities, year, indicators and kind of answer a question asks for.

Everything is read from data, not from code: city names come from the documents'
metadata (so plans added later are recognised, through `corpus.places`), indicator names
and their equivalents from the synonym groups in `index/lexicon/synonyms.tsv`. Every rule
reads the question's matching text (`corpus.text.matching`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import ahocorasick

from assistant.model import QueryAnalysis
from assistant.naming import strip_document_names
from corpus.hierarchy import holds, question_places, strip_places
from corpus.places import NATIONAL
from corpus.language import (
    ASK_WORD,
    ACROSS_WITH_SELF,
    ASKS_ACROSS,
    ASKS_COMPARISON,
    ASKS_EACH,
    ASKS_FIGURE,
    ASKS_MEASURES,
    ASKS_TARGET,
    ASKS_WHEN,
    ASKS_WHICH,
    ASKS_WHO,
    BASELINE_MENTION,
    CN_DIGITS,
    CN_YEAR,
    CONJUNCTION,
    DUTY_MODAL,
    FIGURE_WORDS,
    PERIOD_PHRASE,
    QUESTION_NOISE,
    QUESTION_SEGMENT,
    PERIOD_END,
    PLAN_PERIODS,
    QUESTION_YEAR,
    TOPIC_CHANGE_VERB,
    WHERE_IN_DOCUMENT,
    WHO_COMPARES,
    YEAR_MENTION,
)
from corpus.model import DocumentMeta
from corpus.text import bigrams, matching
from index.tokenizer import get_tokenizer

# The words of years and asks (what a question asks for) are corpus.language's.
# Canonical indicator names that denote a measurable quantity (asking about one asks for its figure).
_METRIC = re.compile(r"(率|比例|比重|占比|能耗|效率|量|强度|能力|排放)$")


def city_names(documents: Iterable[DocumentMeta | str]) -> tuple[str, ...]:
    """Full city names of `documents` (DocumentMeta or names), in order, once each."""
    return tuple(dict.fromkeys(d if isinstance(d, str) else d.city for d in documents))


def as_documents(documents: Iterable[DocumentMeta | str]) -> tuple[DocumentMeta, ...]:
    """`documents` as DocumentMeta (a bare place name stands for a document placed there)."""
    return tuple(DocumentMeta(doc_id=d, city=d, province="", title="") if isinstance(d, str) else d
                 for d in documents)


def read_places(text: str, documents: Iterable[DocumentMeta | str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(cities, places) of a question (matching text): QueryAnalysis.cities and .places."""
    docs = as_documents(documents)
    scopes = question_places(text, docs).scopes
    known = set(city_names(docs))
    cities = tuple(dict.fromkeys(s.place for s in scopes if s.place in known))
    return cities, tuple(dict.fromkeys(s.named for s in scopes))


def listed_places(text: str, documents: Iterable[DocumentMeta | str], places: Sequence[str] = ()) -> tuple[str, ...]:
    """The places a question asks across (matching text): the places of the documents at the level
    its words name (各省: 省, 各市: 市 and county-level cities whose city has no document, 各县: 县,
    各地: any), inside the
    places it names and not those places themselves ("河南各市" -> 河南省's cities with documents)
    unless the words join them ("河北省及省内各市县" -> 河北省 and its cities); never 全国. () when it asks across no places, or when fewer than two have documents."""
    level = next((lv for lv, pattern in ASKS_ACROSS if pattern.search(text)), None)
    if level is None:
        return ()
    inside = [d for d in as_documents(documents) if d.city != NATIONAL and d.city not in places
              and (not places or any(holds(p, d) for p in places if p != NATIONAL))]

    covered = {d.city for d in inside}

    def at_level(d: DocumentMeta) -> bool:
        # A county-level city (定州市) is one of the cities when its city has no document here.
        return not level or d.level == level or (
            level == "市" and d.level == "县" and d.city.endswith("市") and d.prefecture not in covered)

    found = tuple(dict.fromkeys(d.city for d in inside if at_level(d)))
    if ACROSS_WITH_SELF.search(text):  # "河北省及省内各市县": 河北省's own documents too
        own = {d.city for d in as_documents(documents)}
        found = tuple(p for p in places if p != NATIONAL and p in own) + found
    return found if len(found) > 1 else ()


def asks_shared_duty(text: str) -> bool:
    """Whether a question across places (matching text) asks for a duty a plan lays on all of them
    alike, not for each place's own figure: a deadline or who is in charge ("各省…规划最晚什么
    时候报住建部"), or a task they are told to do, as the plans address places ("各地摸底…时，
    多大规模以上的数据中心要逐一登记造册": corpus.language.DUTY_MODAL after the places). A
    question asking which places ("哪些省份要…") asks for places, never a shared duty."""
    if ASKS_WHICH.search(text):
        return False
    if ASKS_WHEN.search(text) or ASKS_WHO.search(text):
        return True
    ends = [m.end() for _, pattern in ASKS_ACROSS for m in [pattern.search(text)] if m]
    return bool(ends) and DUTY_MODAL.search(text, min(ends)) is not None


def _without_across(text: str) -> str:
    for _, pattern in ASKS_ACROSS:
        text = pattern.sub("", text)
    return text


def detect_year(text: str) -> int | None:
    m = CN_YEAR.search(text)
    if m:
        return 2000 + int("".join(CN_DIGITS[c] for c in m.group(1)))
    m = QUESTION_YEAR.search(text)
    if m:
        return int(m.group(1))
    m = PERIOD_END.search(text)  # "十四五末": the year the period ends
    return PLAN_PERIODS[m.group(1)] if m else None


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The synonym groups of the lexicon, canonical term first."""
    from index.lexicon import synonym_groups as load

    return tuple(tuple(group) for group in load())


@lru_cache(maxsize=1)
def _groups_by_term() -> dict[str, tuple[str, ...]]:
    """Each lower-cased lexicon term's group: the first group holding it."""
    by_term: dict[str, tuple[str, ...]] = {}
    for group in synonym_groups():
        for t in group:
            by_term.setdefault(t.lower(), group)
    return by_term


def group_of(term: str) -> tuple[str, ...]:
    """The synonym group a canonical name or term belongs to; (term,) when it has none."""
    return _groups_by_term().get(term.lower()) or (term,)


@lru_cache(maxsize=1)
def _not_expanded() -> frozenset[str]:
    from index.lexicon import not_expanded

    return frozenset(t.lower() for t in not_expanded())


def _ambiguous(term: str) -> bool:
    """A term marked "~" in the lexicon: never an expansion, and expands to nothing (its
    relation to the group's other terms is not one of equivalence)."""
    return term.lower() in _not_expanded()


@lru_cache(maxsize=1)
def _terms_longest_first() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted(((t.lower(), g) for g in synonym_groups() for t in g), key=lambda tg: -len(tg[0])))


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton | None:
    """One Aho-Corasick automaton over the lexicon's lower-cased terms, built once; each term
    keeps (its rank in `_terms_longest_first`, its length, its group). A term in two groups
    keeps its first rank: a later copy could only ever land on the same span. None when the
    lexicon has no term."""
    automaton = ahocorasick.Automaton()
    for rank, (term, group) in enumerate(_terms_longest_first()):
        if term and term not in automaton:
            automaton.add_word(term, (rank, len(term), group))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def canonical_terms(text: str) -> str:
    """`text` with every unambiguous synonym term replaced by its group's canonical name
    ("PM2.5和O3协同治理" -> "细颗粒物和臭氧协同治理"), so that wording overlap between a
    question and a sentence counts synonyms as the same words. Terms marked "~" stay."""
    out, pos = [], 0
    for start, end, group in indicator_matches(text):
        if _ambiguous(text[start:end]) or _ambiguous(group[0]):
            continue
        out += [text[pos:start], group[0]]
        pos = end
    return "".join(out) + text[pos:]


# Texts are matched again and again (a chunk's sentences, clauses and targets on every
# question): the matches of a text are kept, like `corpus.text.fold`'s.
@lru_cache(maxsize=65536)
def indicator_matches(text: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """Non-overlapping (start, end, group) matches of synonym terms in reading order: longer
    terms first, then the lexicon's order, then the earlier occurrence (positions are those
    of `text.lower()`). Every occurrence of every term comes from one Aho-Corasick pass."""
    automaton = _automaton()
    low = text.lower()
    if automaton is None or not low:
        return ()
    occurrences = sorted((rank, last + 1 - length, length, group) for last, (rank, length, group) in automaton.iter(low))
    taken = bytearray(len(low))
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for _, start, length, group in occurrences:
        end = start + length
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * length
            found.append((start, end, group))
    return tuple(sorted(found))


def asks_comparison(text: str) -> bool:
    """Whether the question compares with 谁/哪个 + a comparative (not who is in charge)."""
    return bool(WHO_COMPARES.search(text))


def detect_kind(text: str, cities: Sequence[str], indicators: Sequence[str] = ()) -> str:
    """The kind of answer, read from the whole question: 谁 + a comparative compares
    ("谁的…更高"); 谁负责 / 牵头 / 哪些部门 asks for departments, unless a figure or a date is
    asked after it: a question puts what it asks last, and a department before a figure's ask
    says who acts ("林业主管部门收到材料后多少个工作日内完成初审", "科技部牵头的方案…多少个示范工程")."""
    if asks_comparison(text):
        return "comparison"
    if _asks_who_last(text):
        return "responsibility"
    strong = bool(ASKS_FIGURE.search(text))
    metric = any(_METRIC.search(name) for name in indicators)
    figure_ish = strong or metric or bool(FIGURE_WORDS.search(text))
    if figure_ish and (len(cities) > 1 or (ASKS_COMPARISON.search(text) and not cities)):
        if strong or not ASKS_MEASURES.search(text):
            return "comparison"
    if strong or ASKS_WHEN.search(text):
        return "figure"  # a deadline year is a figure ("到2023年完成")
    if ASKS_MEASURES.search(text):
        return "measure"
    return "figure" if figure_ish else "measure"


def _asks_who_last(text: str) -> bool:
    """Whether the question names who is in charge and asks no figure or date after that."""
    who = [m.start() for m in ASKS_WHO.finditer(text)]
    if not who:
        return False
    asks = [m.start() for pattern in (ASKS_FIGURE, ASKS_WHEN) for m in pattern.finditer(text)]
    return not asks or max(who) > max(asks)


def is_metric(indicator: str) -> bool:
    """Whether a canonical indicator name denotes a measurable quantity (a rate, a total…)."""
    return bool(_METRIC.search(indicator))


def asks_figure(text: str) -> bool:
    """Whether the question asks for a figure or a date in so many words (多少, 要到, 何时 …)."""
    return bool(ASKS_FIGURE.search(text) or ASKS_WHEN.search(text))


def has_own_ask(text: str) -> bool:
    """Whether the question says what it wants (a figure, measures, departments) in words."""
    return any(p.search(text) for p in (ASKS_WHO, ASKS_FIGURE, ASKS_MEASURES, ASKS_TARGET))


# "…方案里，…": the postposition after a document or place name left out (a space marks where).
_IN_NAMED = re.compile(r"(?<= )里(?:面)?(?!程)")


# Function characters a topic may be left with at its edges ("有量化目标吗" -> "有").
_EDGE_CHARS = "有由要把对在将为从"
_LEADING = re.compile(f"^[{_EDGE_CHARS}]+")
_TRAILING = re.compile(f"[{_EDGE_CHARS}]+$")


def topic_of(text: str, documents: Iterable[DocumentMeta | str]) -> str:
    """What the question is about once places, years and question words are removed (the
    places that scope it: corpus.hierarchy.strip_places)."""
    docs = as_documents(documents)
    text = strip_places(_IN_NAMED.sub(" ", strip_document_names(text, docs)), docs)
    text = CN_YEAR.sub(" ", text)
    text = BASELINE_MENTION.sub(" ", text)
    text = YEAR_MENTION.sub(" ", text)
    text = PERIOD_PHRASE.sub(" ", text)
    text = WHERE_IN_DOCUMENT.sub("", text)
    text = QUESTION_NOISE.sub("", text)
    text = TOPIC_CHANGE_VERB.sub("", text)
    # Single function characters left at the edges ("有量化目标吗" -> "有", "主要由…" -> "由"),
    # unless they begin or end a word ("有效期多长": 有效期).
    if not (_LEADING.search(text) or _TRAILING.search(text)):
        return text
    words = get_tokenizer().words(text)
    if not (words and len(words[0]) > 1 and text.lower().startswith(words[0])):
        text = _LEADING.sub("", text)
    if not (words and len(words[-1]) > 1 and text.lower().endswith(words[-1])):
        text = _TRAILING.sub("", text)
    return text


# Asking for several things at once: "A和B分别是多少", or an ask word per thing ("新建多少公里管网、
# 新增多少处理能力"). Conjunctions and list marks separate the things asked.


def asked_parts(text: str, documents: Iterable[DocumentMeta | str]) -> tuple[str, ...]:
    """The topics of the things a question asks for at once, when it asks for more than one
    ("森林覆盖率和草原植被综合盖度分别要达到多少" -> (森林覆盖率, 草原植被综合盖度); "新建改造多少
    公里管网、新增多少污水处理能力" -> (新建改造公里管网, 新增污水处理能力)); () otherwise."""
    segments = [s for s in QUESTION_SEGMENT.split(text) if s.strip()]
    pieces: list[str] = []
    for segment in segments:
        m = ASKS_EACH.search(segment)
        if m:
            pieces = CONJUNCTION.split(segment[: m.start()])
            break
    else:
        asks = len(ASK_WORD.findall(text)) + len(ASKS_WHEN.findall(text))
        asking = [p for s in segments for p in CONJUNCTION.split(s)
                  if ASK_WORD.search(p) or ASKS_WHEN.search(p)] if asks > 1 else []
        pieces = asking if len(asking) > 1 else []
    topics = [topic_of(p, documents) for p in pieces]
    topics = [t for t in topics if len(t) >= 2]
    return tuple(dict.fromkeys(topics)) if len(topics) > 1 else ()


def analyze(question: str, documents: Iterable[DocumentMeta | str]) -> QueryAnalysis:
    """Read places, year, indicators, kind and BM25 expansions from one question."""
    text = matching(question or "")
    cities, places = read_places(text, documents)
    matches = indicator_matches(text)
    indicators = tuple(dict.fromkeys(group[0] for _, _, group in matches))
    present = text.lower()
    expansions = tuple(dict.fromkeys(
        t for start, end, group in matches if not _ambiguous(text[start:end])
        for t in group if t.lower() not in present and not _ambiguous(t)
    ))
    listed = listed_places(text, documents, places)
    if listed and asks_shared_duty(text):
        # "各省…规划最晚什么时候报住建部": a duty the places share (a national plan's), not their figures
        listed = ()
    cities = () if listed else cities  # "河南各市": 河南's cities, not 河南省's own documents
    return QueryAnalysis(
        text=text,
        cities=cities,
        places=places,
        listed=listed,
        year=detect_year(text),
        indicators=indicators,
        # "哪些省份提出了…目标": the 哪些 asks for places, not for measures
        kind=detect_kind(_without_across(text) if listed else text, cities or listed, indicators),  # type: ignore[arg-type]
        expansions=expansions,
    )
