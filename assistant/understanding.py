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
from corpus.hierarchy import holds, question_places, strip_places
from corpus.places import NATIONAL
from corpus.model import DocumentMeta
from corpus.text import bigrams, matching

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"二[〇零○]([〇零○一二三四五六七八九]{2})年")
_YEAR = re.compile(r"(?<![比较\d])(20\d{2})(?!\d)(?:\s*年)?(?!基础|水平)")

# Words that ask for a number, for measures, for departments, or compare cities.
_RESPONSIBILITY = re.compile(r"谁|牵头|负责|责任单位|责任部门|主管部门|哪个部门|哪些部门|什么部门|部门")
_FIGURE_STRONG = re.compile(r"多少|几[个家座项%]?|多大|多高|数值|百分之|具体数|目标值|指标值|要到|达到什么")
_MEASURE = re.compile(r"措施|怎么|如何|怎样|举措|做法|工作|任务|推进|开展|哪些|什么|手段|办法|方面|内容")
# Canonical indicator names that denote a measurable quantity (asking about one asks for its figure).
_METRIC = re.compile(r"(率|比例|比重|占比|能耗|效率|量|强度|能力|排放)$")
_FIGURE_WEAK = re.compile(r"目标|指标|率|比例|比重|占比|下降|降低|提高|达到|控制|减排量|总量|多少")
_FIGURE_WEAK_ASK = re.compile(r"目标|指标|要达到|达到|下降|降低|提高")
# "谁的…更高", "哪个城市…降得更多": who compares, it does not ask who is in charge.
_WHO_COMPARES = re.compile(
    r"(?:谁|哪个|哪一个|哪座|哪些)[^，。？?]{0,30}?(?:更|最|较)(?:高|低|多|少|大|小|快|慢|严|强|好)|"
    r"(?:谁|哪个|哪一个)[^，。？?]{0,30}?(?:高于|低于|多于|少于|大于|小于)"
)
# A question asking when: its answer is a date or deadline (one definition: assistant.clauses reads it too).
ASKS_WHEN = re.compile(r"什么时候|何时|哪一年|哪年|几年|什么时间|截止|期限|哪天|哪一天|几月|什么日期|最晚|最迟")
_COMPARE = re.compile(r"比较|对比|相比|哪个城市|哪个市|哪些城市|各市|各城市|分别|差异|区别|谁更|哪个更")

# Function words removed when reading the topic of a question (what it is about).
_TOPIC_NOISE = re.compile(
    r"请问|请|那么|那|还有|另外|以及|和|与|、|这项|这些|这个|该项|上述|此项|主要(?=由|是|有)|量化|具体|"
    r"到底|究竟|具体|分别|各自|力争|争取|确保|"
    r"(?:要|需要|应|应该|将|计划|预计|能|可以)?(?:达到|提高到|提升到|降到|下降到|控制在|下降|降低|提高|提升|减少|增长|到)?"
    r"(?:多少|几何|几|什么水平|多大|多高)|"
    r"的?(?:目标值|指标值|目标|指标|数值|要求|规划|安排)(?:是|为)?|"
    r"有哪些|有什么|哪些|什么|怎么样|怎样|如何|怎么|是否|有没有|"
    r"由谁|谁来|谁|牵头负责|牵头|负责|哪个部门|部门|责任单位|"
    r"方案|计划|方面|情况|措施|举措|做法|工作|"
    r"呢|吗|吧|啊|呀|"
    r"[的是了]|"
    r"[\s?？!！。，,；;：:、“”\"'《》（）()]"
)


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


# Words asking across places of one level: 各省 / 哪些省份, 各市 / 哪些城市, 各县 / 各区县; 各地 /
# 哪些地方 asks across places of any level below the one named.
_ACROSS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("省", re.compile(r"各省|哪些省|哪几个省|各个省")),
    ("市", re.compile(r"各(?:地|个)?市|各城市|哪些(?:城)?市|哪几个(?:城)?市")),
    ("县", re.compile(r"各(?:区)?县|哪些(?:区)?县|哪几个(?:区)?县")),
    ("", re.compile(r"各地|哪些地方|哪些地区")),
)


def listed_places(text: str, documents: Iterable[DocumentMeta | str], places: Sequence[str] = ()) -> tuple[str, ...]:
    """The places a question asks across (matching text): the places of the documents at the level
    its words name (各省: 省, 各市: 市 and county-level cities whose city has no document, 各县: 县,
    各地: any), inside the
    places it names and not those places themselves ("河南各市" -> 河南省's cities with documents);
    never 全国. () when it asks across no places, or when fewer than two have documents."""
    level = next((lv for lv, pattern in _ACROSS if pattern.search(text)), None)
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
    return found if len(found) > 1 else ()


# Asking which places ("哪些省份提出了…"), as against "各省…" (each place, or all of them at once).
_ASKS_WHICH_PLACES = re.compile(r"哪些|哪几个")


def _without_across(text: str) -> str:
    for _, pattern in _ACROSS:
        text = pattern.sub("", text)
    return text


def detect_year(text: str) -> int | None:
    m = _CN_YEAR.search(text)
    if m:
        return 2000 + int("".join(_CN_DIGITS[c] for c in m.group(1)))
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


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
    return bool(_WHO_COMPARES.search(text))


def detect_kind(text: str, cities: Sequence[str], indicators: Sequence[str] = ()) -> str:
    """The kind of answer, read from the whole question: 谁 + a comparative compares
    ("谁的…更高"); 谁负责 / 牵头 / 哪些部门 asks for departments."""
    if asks_comparison(text):
        return "comparison"
    if _RESPONSIBILITY.search(text):
        return "responsibility"
    strong = bool(_FIGURE_STRONG.search(text))
    metric = any(_METRIC.search(name) for name in indicators)
    figure_ish = strong or metric or bool(_FIGURE_WEAK.search(text))
    if figure_ish and (len(cities) > 1 or (_COMPARE.search(text) and not cities)):
        if strong or not _MEASURE.search(text):
            return "comparison"
    if strong or ASKS_WHEN.search(text):
        return "figure"  # a deadline year is a figure ("到2023年完成")
    if _MEASURE.search(text):
        return "measure"
    return "figure" if figure_ish else "measure"


def is_metric(indicator: str) -> bool:
    """Whether a canonical indicator name denotes a measurable quantity (a rate, a total…)."""
    return bool(_METRIC.search(indicator))


def asks_figure(text: str) -> bool:
    """Whether the question asks for a figure or a date in so many words (多少, 要到, 何时 …)."""
    return bool(_FIGURE_STRONG.search(text) or ASKS_WHEN.search(text))


def has_own_ask(text: str) -> bool:
    """Whether the question says what it wants (a figure, measures, departments) in words."""
    return any(p.search(text) for p in (_RESPONSIBILITY, _FIGURE_STRONG, _MEASURE, _FIGURE_WEAK_ASK))


# A document named in the question by (a short form of) its title: words ending in a kind of
# document ("数据中心和5G绿色发展方案"). Such a name says where to look, not what is asked: each
# of that document's clauses shares its words. Removed from the topic when the longest suffix of
# the words before the kind holding at least NAMED_TITLE_COVERAGE of its bigrams in one of the
# library's titles is found (bigrams, as assistant.metadata names documents).
_DOCUMENT_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9“”\"（）()]{2,40}?(?:方案|规划|意见|办法|要点|指南|计划|细则|导则|条例)")
NAMED_TITLE_COVERAGE = 0.6
MIN_NAMED = 4  # characters of a name before its kind word: shorter ones are a bare kind word


@lru_cache(maxsize=4096)
def _title_bigrams(title: str) -> frozenset[str]:
    return bigrams(title)  # a library's titles, asked of on every question: computed once each


def _strip_document_names(text: str, docs: Sequence[DocumentMeta]) -> str:
    titles = [_title_bigrams(d.title) for d in docs if d.title]
    if not titles:
        return text

    def named(m: re.Match[str]) -> str:
        span = m.group(0)
        for start in range(len(span) - MIN_NAMED - 1):
            grams = bigrams(span[start:])
            if grams and max(len(grams & t) for t in titles) >= NAMED_TITLE_COVERAGE * len(grams):
                return span[:start] + " "
        return span

    return _DOCUMENT_NAME.sub(named, text)


def topic_of(text: str, documents: Iterable[DocumentMeta | str]) -> str:
    """What the question is about once places, years and question words are removed (the
    places that scope it: corpus.hierarchy.strip_places)."""
    docs = as_documents(documents)
    text = strip_places(_strip_document_names(text, docs), docs)
    text = _CN_YEAR.sub(" ", text)
    text = re.sub(r"(?:比|较|在)\s*20\d{2}\s*年(?:基础上|水平)?", " ", text)
    text = re.sub(r"(?:到|至|在)?\s*20\d{2}\s*年?(?:底|末|前)?", " ", text)
    text = re.sub(r"[“\"]?十四五[”\"]?(?:时期|期间|末)?", " ", text)
    text = _TOPIC_NOISE.sub("", text)
    text = re.sub(r"(?:要|需要|应|将)?(?:下降|降低|降|提高|提升|达到|达|控制到|控制在|控制|稳定在|稳定|"
                  r"保持在|保持|减少|增长|削减|压减)$", "", text)
    # Single function characters left at the edges ("有量化目标吗" -> "有", "主要由…" -> "由").
    return re.sub(r"^[有由要把对在将为从]+|[有由要把对在将为从]+$", "", text)


# Asking for several things at once: "A和B分别是多少", or an ask word per thing ("新建多少公里管网、
# 新增多少处理能力"). Conjunctions and list marks separate the things asked.
_RESPECTIVELY = re.compile(r"分别|各自|各为")
_ASK_WORD = re.compile(r"多少|几何|多大|多高|多长|多久|几[个年月项家座]")
_CONJUNCTION = re.compile(r"以及|[和及与、]")
_SEGMENT = re.compile(r"[，,；;。？?！!]")


def asked_parts(text: str, documents: Iterable[DocumentMeta | str]) -> tuple[str, ...]:
    """The topics of the things a question asks for at once, when it asks for more than one
    ("森林覆盖率和草原植被综合盖度分别要达到多少" -> (森林覆盖率, 草原植被综合盖度); "新建改造多少
    公里管网、新增多少污水处理能力" -> (新建改造公里管网, 新增污水处理能力)); () otherwise."""
    segments = [s for s in _SEGMENT.split(text) if s.strip()]
    pieces: list[str] = []
    for segment in segments:
        m = _RESPECTIVELY.search(segment)
        if m:
            pieces = _CONJUNCTION.split(segment[: m.start()])
            break
    else:
        asks = len(_ASK_WORD.findall(text)) + len(ASKS_WHEN.findall(text))
        asking = [p for s in segments for p in _CONJUNCTION.split(s)
                  if _ASK_WORD.search(p) or ASKS_WHEN.search(p)] if asks > 1 else []
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
    if listed and not _ASKS_WHICH_PLACES.search(text) and (ASKS_WHEN.search(text) or _RESPONSIBILITY.search(text)):
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
