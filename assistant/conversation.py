"""Follow-up questions: the self-contained question a turn stands for, built from slots.

The API is stateless: the caller sends the earlier user turns and the state is rebuilt
from them each time, turn by turn, exactly as it was when each was answered.

Each turn is read into parts (assistant.understanding): cities, year, topic (what it is
about once cities, years and question words are removed) and what is asked (kind: a
figure, measures, departments, a comparison). The conversation keeps one slot per part.
A turn's topic counts only when it holds a content word known to the corpus or the
lexicon (`is_content`): what is left of "这方面由哪些部门负责？" after the question words
go is "这", a pronoun, and such a turn inherits the previous topic. The resolved question is
then assembled from the slots - city + year + topic + the ask - never by editing the earlier
question's string:

  "铁岭2025年清洁取暖要到多少？"  -> itself (a self-contained question reads back as asked)
  "那安阳呢？"                    -> 安阳 2025年 清洁取暖 + the figure ask      (new city only)
  "农村生活污水呢？"              -> 铁岭 2025年 农村生活污水 + the figure ask   (new topic only)
  "谁牵头负责？" / "这方面由哪些部门负责？"
                                  -> 铁岭 清洁取暖 + the departments ask        (new aspect)
  "这方面的再生水利用率呢？"      -> 铁岭 污水… 再生水利用率 + the figure ask (aspect of the topic)
  "安顺的挥发性有机物治理有哪些措施" -> itself (a city and a topic of its own: a reset)
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from assistant.model import QueryAnalysis
from assistant.understanding import analyze, has_own_ask, topic_of
from corpus.places import short_name
from corpus.text import fold, matching

# The question part appended to a topic, per kind.
_ASK = {
    "figure": "的目标是多少？",
    "comparison": "的目标分别是多少？",
    "measure": "有哪些措施？",
    "responsibility": "由哪些部门负责？",
}
# Words that refer back to the topic already under discussion ("这方面的…", "该项…").
_ANAPHORA = re.compile(r"这方面|那方面|该方面|这一方面|这项|该项|此项|这块|其中|这些|上述")
# Pronouns and generic nouns that name no topic of their own ("那个数字", "这个情况").
_NOT_CONTENT = frozenset({
    "这", "那", "此", "其", "该", "它", "它们", "这个", "那个", "这些", "那些", "这里", "那里",
    "数字", "数值", "数据", "数", "情况", "内容", "东西", "问题", "事情", "方面", "工作", "要求",
    "目标", "指标", "具体", "多少", "部门", "单位", "个",
})

# Single characters that carry no topic (left when question words are removed).
_FUNCTION_CHARS = frozenset("有由要把对在将为从个的了是和与及或等吗呢吧啊也都还再就")

Known = Callable[[str], bool]


@dataclass(frozen=True)
class ConversationState:
    """What the conversation is about after the last resolved turn."""

    query: str = ""  # last resolved query ("" before the first turn)
    analysis: QueryAnalysis | None = None
    topic: str = ""  # e.g. "清洁取暖"

    @property
    def cities(self) -> tuple[str, ...]:
        return self.analysis.cities if self.analysis else ()

    @property
    def places(self) -> tuple[str, ...]:
        return self.analysis.places if self.analysis else ()

    @property
    def indicators(self) -> tuple[str, ...]:
        return self.analysis.indicators if self.analysis else ()


@lru_cache(maxsize=1)
def _default_known() -> Known:
    """Known words without a corpus vocabulary: lexicon terms and jieba's dictionary."""
    from index.lexicon import synonym_groups, user_words
    from index.tokenizer import get_tokenizer

    tokenizer = get_tokenizer()
    lexicon = {fold(t) for g in synonym_groups() for t in g} | {fold(w) for w in user_words()}
    return lambda word: word in lexicon or tokenizer.known(word)


def is_content(topic: str, known: Known | None = None) -> bool:
    """Whether `topic` holds a content word known to the corpus or the lexicon (not a
    pronoun, a generic noun or a stray character): only such a topic replaces the earlier one."""
    if not topic:
        return False
    from index.tokenizer import get_tokenizer

    known = known or _default_known()
    for word in get_tokenizer().words(topic):
        if word in _NOT_CONTENT or not re.search(r"[\u3400-\u9fffA-Za-z]", word):
            continue
        if known(word) and (len(word) >= 2 or word not in _FUNCTION_CHARS):
            return True  # "秸秆", "用水", or one content character ("水", "煤", "电")
    return False


def _city_phrase(cities: Sequence[str], places: Sequence[str] = ()) -> str:
    """The places of the slot as a question writes them: a corpus city by its short name (铁岭),
    any other place in full (林州市, 河南省: a county's short name reads as no place)."""
    return "和".join(short_name(p) if p in cities else p for p in (places or cities))


def _turn_text(turn: object) -> str:
    """A user turn as text; accepts plain strings or {"role", "content"} messages."""
    if isinstance(turn, str):
        return turn
    if isinstance(turn, Mapping):
        return str(turn.get("content") or "")
    return str(turn)


def _compose(cities: Sequence[str], places: Sequence[str], year: int | None, topic: str, kind: str) -> str:
    """The resolved question from its slots."""
    year_part = f"{year}年" if year and kind in ("figure", "comparison") else ""
    return _city_phrase(cities, places) + year_part + topic + _ASK.get(kind, "？")


def _topic_without_anaphora(topic: str) -> str:
    return re.sub(r"^[这那该此其]+", "", _ANAPHORA.sub("", topic))


def _step(question: str, state: ConversationState, documents: Sequence, known: Known | None) -> ConversationState:
    """Resolve one turn against the state left by the earlier ones."""
    analysis = analyze(question, documents)
    text = " ".join(question.split()) if analysis.text else ""
    topic = topic_of(analysis.text, documents)
    own_topic = is_content(topic, known)
    if not state.query or not text or state.analysis is None:
        return ConversationState(text, analysis, topic)
    prev = state.analysis

    if own_topic and analysis.places:
        return ConversationState(text, analysis, topic)  # a place and a topic: a new question
    if _ANAPHORA.search(analysis.text):  # "这方面…" refers back; it asks for nothing itself
        bare = analyze(_ANAPHORA.sub("", analysis.text), documents)
        asks, kind = has_own_ask(bare.text), bare.kind
    else:
        asks, kind = has_own_ask(analysis.text), analysis.kind
    kind = kind if asks else prev.kind
    # The places slot: this turn's when it names any (and its cities with them), else the earlier.
    cities, places = (analysis.cities, analysis.places) if analysis.places else (prev.cities, prev.places)
    if len(cities) == 1 and kind == "comparison":
        kind = "figure"  # "那定州呢？" after a comparison asks for one city's figure
    year = analysis.year or (prev.year if kind in ("figure", "comparison") else None)

    if own_topic:
        new_topic = _topic_without_anaphora(topic)
        if _ANAPHORA.search(analysis.text) and state.topic and new_topic not in state.topic:
            new_topic = f"{state.topic} {new_topic}"  # "这方面的再生水利用率": an aspect of the topic
        if not places:
            return ConversationState(text, analysis, topic)  # no place to inherit: as asked
        resolved = _compose(cities, places, year, new_topic, kind)
        return ConversationState(resolved, _analysis(resolved, documents, cities, places, kind), new_topic)

    # No topic of its own: the earlier topic, with whatever this turn changes.
    if not state.topic:
        return ConversationState(text, analysis, topic)
    resolved = _compose(cities, places, year, state.topic, kind)
    return ConversationState(resolved, _analysis(resolved, documents, cities, places, kind), state.topic)


def _analysis(resolved: str, documents: Sequence, cities: Sequence[str], places: Sequence[str],
              kind: str) -> QueryAnalysis:
    """The resolved question's analysis, with the slots' places and kind."""
    return replace(analyze(resolved, documents), cities=tuple(cities), places=tuple(places),
                   kind=kind)  # type: ignore[arg-type]


def conversation_state(history: Iterable[object], documents: Iterable, known: Known | None = None) -> ConversationState:
    documents = list(documents)
    state = ConversationState()
    for turn in history:
        text = _turn_text(turn)
        if matching(text):
            state = _step(text, state, documents, known)
    return state


def resolve(
    question: str, history: Iterable[object], documents: Iterable, known: Known | None = None
) -> tuple[str, QueryAnalysis]:
    """The self-contained query a follow-up stands for, and its analysis. `known(word)` says
    whether a word is known to the corpus (the assistant passes its BM25 vocabulary);
    default: the lexicon and jieba's dictionary."""
    documents = list(documents)
    state = _step(question, conversation_state(history, documents, known), documents, known)
    assert state.analysis is not None
    return state.query, state.analysis
