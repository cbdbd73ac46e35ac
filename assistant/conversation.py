"""Follow-up questions: carry city, year, indicator and topic from the earlier turns.

The API is stateless: the caller sends the earlier user turns and the state is rebuilt
from them each time, turn by turn, exactly as it was when each was answered.

  "铁岭2025年清洁取暖要到多少？" -> itself
  "那安阳呢？"                   -> same question, city swapped
  "农村生活污水呢？"             -> same city and kind, topic swapped
  "谁牵头负责？"                 -> the previous question, asking for its departments
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.model import QueryAnalysis
from assistant.understanding import analyze, city_names, has_own_ask, topic_of
from corpus.text import matching
from corpus.places import city_mentions, short_name

# The question part appended to a bare topic, per kind (when no earlier wording can be reused).
_ASK = {
    "figure": "的目标是多少？",
    "comparison": "的目标分别是多少？",
    "measure": "有哪些措施？",
    "responsibility": "由哪些部门负责？",
}
RESPONSIBILITY_SUFFIX = "，由哪些部门牵头负责？"
_CONNECTOR = r"(?:和|与|及|、|以及)"
_FOLLOW_UP_LEAD = re.compile(r"^(?:那么|那|还有|另外|再问|再看看?)")


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
    def indicators(self) -> tuple[str, ...]:
        return self.analysis.indicators if self.analysis else ()


def _city_phrase(cities: Sequence[str]) -> str:
    return "和".join(short_name(c) for c in cities)


def _swap_cities(query: str, cities: Sequence[str], documents: Sequence) -> str:
    """Replace the city mentions of `query` (and the connectors between them) by `cities`."""
    names = city_names(documents)
    mentions = city_mentions(query, names)
    phrase = _city_phrase(cities)
    if not mentions:
        return phrase + query
    start, end = mentions[0].start, mentions[0].end
    for m in mentions[1:]:
        if re.fullmatch(rf"\s*{_CONNECTOR}?\s*", query[end : m.start]):
            end = m.end
    rest = query[:start] + phrase + query[end:]
    # Mentions further on (rare: "铁岭…与铁岭…") are dropped so the old city does not linger.
    for m in reversed(city_mentions(rest, names)):
        if m.city not in cities:
            rest = rest[: m.start] + rest[m.end :]
    return rest


def _swap_year(query: str, year: int) -> str:
    swapped, n = re.subn(r"(?<![比较\d])20\d{2}(?=\s*年)", str(year), query, count=1)
    return swapped if n else f"{year}年" + query


def _strip_ask(question: str) -> str:
    question = _FOLLOW_UP_LEAD.sub("", question)
    return re.sub(r"[呢吗吧]?[?？。!！\s]*$", "", question)


def _turn_text(turn: object) -> str:
    """A user turn as text; accepts plain strings or {"role", "content"} messages."""
    if isinstance(turn, str):
        return turn
    if isinstance(turn, Mapping):
        return str(turn.get("content") or "")
    return str(turn)


def _step(question: str, state: ConversationState, documents: Sequence) -> ConversationState:
    """Resolve one turn against the state left by the earlier ones."""
    analysis = analyze(question, documents)
    # Rules read the matching text (analysis.text); the resolved question is built from the
    # words as typed, so a self-contained question reads back exactly as asked.
    text = " ".join(question.split()) if analysis.text else ""
    topic = topic_of(analysis.text, documents)
    if not state.query or not text:
        return ConversationState(text, analysis, topic)

    prev = state.analysis
    assert prev is not None
    if not topic:
        if analysis.kind == "responsibility":
            # "谁牵头负责？": the departments of the clause just answered.
            base = re.sub(r"[?？。\s]*$", "", state.query)
            if base.endswith(RESPONSIBILITY_SUFFIX.rstrip("？")):
                base = base[: -len(RESPONSIBILITY_SUFFIX.rstrip("？"))]
            if analysis.cities and analysis.cities != prev.cities:
                base = _swap_cities(base, analysis.cities, documents)
            resolved = base + RESPONSIBILITY_SUFFIX
            cities = analysis.cities or prev.cities
            return ConversationState(
                resolved,
                dataclasses.replace(prev, text=resolved, cities=cities, kind="responsibility"),
                state.topic,
            )
        if analysis.cities or analysis.year:
            # "那安阳呢？" / "2030年呢？": same question, other city or year.
            resolved = state.query
            if analysis.cities:
                resolved = _swap_cities(resolved, analysis.cities, documents)
            if analysis.year:
                resolved = _swap_year(resolved, analysis.year)
            new = analyze(resolved, documents)
            if len(new.cities) == 1 and prev.kind == "comparison":
                new = dataclasses.replace(new, kind="figure")
            return ConversationState(resolved, new, state.topic)
        if state.topic:
            # "有量化目标吗？" / "有哪些措施？": the same subject, asked another way.
            year = f"{prev.year}年" if prev.year and analysis.kind == "figure" else ""
            resolved = _city_phrase(prev.cities) + year + state.topic + _ASK.get(analysis.kind, "？")
            return ConversationState(resolved, analyze(resolved, documents), state.topic)
        return ConversationState(text, analysis, topic)

    if analysis.cities or not prev.cities:
        return ConversationState(text, analysis, topic)  # a new, self-contained question

    # A new topic without a city: keep the cities (and year) of the conversation.
    if not has_own_ask(text):
        # "农村生活污水呢？": the earlier question about another topic.
        if state.topic and state.topic in state.query:
            resolved = state.query.replace(state.topic, topic, 1)
        else:
            year = f"{prev.year}年" if prev.year else ""
            resolved = _city_phrase(prev.cities) + year + topic + _ASK.get(prev.kind, "？")
    else:
        prefix = _city_phrase(prev.cities)
        if prev.year and not analysis.year and analysis.kind in ("figure", "comparison"):
            prefix += f"{prev.year}年"
        resolved = prefix + _strip_ask(text) + "？"
    return ConversationState(resolved, analyze(resolved, documents), topic)


def conversation_state(history: Iterable[object], documents: Iterable) -> ConversationState:
    documents = list(documents)
    state = ConversationState()
    for turn in history:
        text = _turn_text(turn)
        if matching(text):
            state = _step(text, state, documents)
    return state


def resolve(
    question: str, history: Iterable[object], documents: Iterable
) -> tuple[str, QueryAnalysis]:
    """The self-contained query a follow-up stands for, and its analysis."""
    documents = list(documents)
    state = _step(question, conversation_state(history, documents), documents)
    assert state.analysis is not None
    return state.query, state.analysis
