"""Answer scoring: is the chat answer (`Assistant.answer`) right, measured against each
question's `expect` gold (eval/questions.jsonl).

`expect` holds one or more of
  "figures": [...]      every figure the answer must state, as the plan writes it; compared on
                        matching text with whitespace removed; a trailing 以上/以下/左右/以内 (and a
                        leading 超过/不低于 …) is optional; a table figure "297克标准煤/千瓦时" also
                        counts when its number and its unit are stated in the same answer line
  "by_city": {city: [...]}  cross-city: each city's figures, looked for in that city's line
  "absent": true        the plan gives no figure: the answer must say so
  "departments": [...]  responsibility: the answer must name each of them
  "quote": true         measure: the answer (text or a cited sentence) must quote a gold clause
  "values": {...}       metadata: each value must be stated

Outcomes (one per question): `correct`, `false_absent` (says the plan gives no figure while it
has one: the most harmful answer), `wrong_figure` (states a figure, not the asked one: another
indicator, city or year), `missing_figure` (states no figure and does not claim absence),
`missed_absent` (asserts something where the plan gives no figure), `missing_departments`,
`no_quote`, `wrong_value`, `no_expect` (the question has no gold; not scored).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from corpus.places import short_name
from eval.questions import Question, gold_key

OUTCOMES: tuple[str, ...] = ("correct", "false_absent", "wrong_figure", "missing_figure", "missed_absent",
                             "missing_departments", "no_quote", "wrong_value")
# What an answer says when the plan gives no figure (assistant.answering's wording and plain variants).
NO_FIGURE = re.compile(r"未给出|未提及|未写明|没有给出|未明确|未设定|无具体")
_SUFFIX = re.compile(r"(?:及以上|及以下|以上|以下|左右|以内)$")
_PREFIX = re.compile(r"^(?:超过|不低于|不少于|不超过|不高于|低于|高于|力争|<|>|≤|≥)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LEFT_EDGE = re.compile(r"[\d.IVX]$")
# A figure stated in an answer: a number that is not a bare year ("2025年") or a list number.
_STATED = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])(?!年)")


@dataclass(frozen=True)
class AnswerScore:
    qid: str
    type: str
    cities: tuple[str, ...]
    outcome: str
    detail: str = ""
    answer: str = ""  # the answer text with its citation markers
    kind: str = ""  # Answer.kind
    citations: tuple[str, ...] = ()  # Chunk.citation of each cited clause

    @property
    def correct(self) -> bool:
        return self.outcome == "correct"

    def record(self) -> dict[str, Any]:
        out = asdict(self)
        out["cities"] = list(self.cities)
        out["citations"] = list(self.citations)
        return out


def _base(figure: str) -> str:
    return _PREFIX.sub("", _SUFFIX.sub("", gold_key(figure)))


def _occurs(needle: str, text: str) -> bool:
    """`needle` in `text`, not as the tail of a longer number ("5%" is not in "15%") nor the
    head of one ("1.3" is not in "1.35")."""
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        left_ok = not (_LEFT_EDGE.search(text[:start]) and needle[:1].isalnum())
        right_ok = not (needle[-1:].isdigit() and text[end : end + 1].isdigit()) and not (
            needle[-1:].isdigit() and text[end : end + 2][:1] == "." and text[end + 1 : end + 2].isdigit())
        if left_ok and right_ok:
            return True
        start = text.find(needle, start + 1)
    return False


def figure_stated(figure: str, text: str) -> bool:
    """Whether the answer text states `figure` (qualifiers optional; a number and its unit in
    one line count for a table value "297" under the header unit "克标准煤/千瓦时")."""
    base = _base(figure)
    if not base:
        return False
    lines = [gold_key(line) for line in text.split("\n")]
    if any(_occurs(base, line) for line in lines):
        return True
    m = _NUMBER.match(base)
    if m and m.end() < len(base):
        number, unit = m.group(), base[m.end():]
        return any(_occurs(number, line) and unit in line for line in lines)
    return False


def says_absent(text: str) -> bool:
    """Whether the text says the document gives no figure (NO_FIGURE, on matching text)."""
    return bool(NO_FIGURE.search(gold_key(text)))


def _city_lines(text: str, city: str) -> list[str]:
    """The answer lines about `city` (a line starts with or names its short name)."""
    short = short_name(city)
    return [line for line in text.split("\n") if short in line]


def _states_some_figure(text: str) -> bool:
    return bool(_STATED.search(gold_key(text)))


def score_answer(q: Question, expect: Mapping[str, Any] | None, answer: Any) -> AnswerScore:
    """One question's outcome. `answer` is an `assistant.model.Answer`."""
    text = answer.text
    common = dict(qid=q.id, type=q.type, cities=q.cities, answer=answer.cited_text, kind=answer.kind,
                  citations=tuple(c.chunk.citation for c in answer.citations))
    if not expect:
        return AnswerScore(outcome="no_expect", **common)

    def done(outcome: str, detail: str = "") -> AnswerScore:
        return AnswerScore(outcome=outcome, detail=detail, **common)

    by_city: Mapping[str, Sequence[str]] = expect.get("by_city") or {}
    # figures per city alone ({"by_city": …} without "figures") are the figures asked for
    figures = list(expect.get("figures", ())) or [f for wanted in by_city.values() for f in wanted]
    if figures:
        multi = len(q.cities) > 1
        if multi:
            for city in q.cities:
                lines = _city_lines(text, city)
                if any(says_absent(line) for line in lines):
                    return done("false_absent", f"{city}: says no figure")
        elif says_absent(text):
            return done("false_absent", "says no figure")
        if by_city:
            missing = [f"{city} {f}" for city, wanted in by_city.items() for f in wanted
                       if not figure_stated(f, "\n".join(_city_lines(text, city)))]
        else:
            missing = [f for f in figures if not figure_stated(f, text)]
        if not missing:
            return done("correct")
        outcome = "wrong_figure" if _states_some_figure(text) else "missing_figure"
        return done(outcome, "missing " + "、".join(missing))
    if expect.get("absent"):
        return done("correct") if says_absent(text) else done("missed_absent", "no absence stated")
    if expect.get("departments"):
        have = gold_key(text)
        missing = [d for d in expect["departments"] if gold_key(d) not in have]
        return done("missing_departments", "missing " + "、".join(missing)) if missing else done("correct")
    if expect.get("values"):
        have = gold_key(text)
        missing = [str(v) for v in expect["values"].values() if gold_key(str(v)) not in have]
        return done("wrong_value", "missing " + "、".join(missing)) if missing else done("correct")
    if expect.get("quote"):
        quoted = gold_key(" ".join([text, *(c.highlight for c in answer.citations)]))
        if all(gold_key(g) in quoted for g in q.gold):
            return done("correct")
        return done("no_quote", "gold clause not quoted")
    return AnswerScore(outcome="no_expect", **common)


def _summary(scores: Sequence[AnswerScore]) -> dict[str, Any]:
    scored = [s for s in scores if s.outcome != "no_expect"]
    n = len(scored)
    out: dict[str, Any] = {"n": n, "accuracy": (sum(s.correct for s in scored) / n) if n else 0.0}
    for outcome in OUTCOMES[1:]:
        out[outcome] = sum(s.outcome == outcome for s in scored)
    return out


def summarise(scores: Sequence[AnswerScore], expects: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Overall, per type and per city (a cross-city question counts once for each of its
    cities), plus the accuracy of each gold kind (figure, absent, departments, quote, values)."""
    by_type: dict[str, list[AnswerScore]] = {}
    by_city: dict[str, list[AnswerScore]] = {}
    by_gold: dict[str, list[AnswerScore]] = {}
    for s in scores:
        by_type.setdefault(s.type, []).append(s)
        for city in s.cities:
            by_city.setdefault(city, []).append(s)
        gold = gold_kind(expects.get(s.qid))
        if gold:
            by_gold.setdefault(gold, []).append(s)
    return {
        "overall": _summary(scores),
        "by_type": {k: _summary(v) for k, v in by_type.items()},
        "by_city": {k: _summary(v) for k, v in by_city.items()},
        "by_gold": {k: _summary(v) for k, v in by_gold.items()},
    }


def gold_kind(expect: Mapping[str, Any] | None) -> str:
    """figure | absent | departments | values | quote ("" without gold), in scoring order."""
    if not expect:
        return ""
    for key, name in (("figures", "figure"), ("absent", "absent"), ("departments", "departments"),
                      ("values", "values"), ("quote", "quote")):
        if expect.get(key):
            return name
    return ""


def failures(scores: Iterable[AnswerScore]) -> list[AnswerScore]:
    return [s for s in scores if s.outcome not in ("correct", "no_expect")]


ANSWER_MODE = "hybrid"  # what /api/v1/chat serves by default


def answer_questions(
    questions: Sequence[Question], ctx: Any, mode: str = ANSWER_MODE, options: Sequence[Any] | None = None,
) -> list[tuple[Question, Any]]:
    """(question, Answer) for every question, asked as the chat serves it
    (`Assistant.answer(question, history, mode)`); `traditional` questions are asked of the
    corpus whose plan of their city is its Traditional twin (eval.variants)."""
    return [(q, answers[0]) for q, answers in answer_variants(questions, ctx, mode, options)]


def answer_variants(
    questions: Sequence[Question], ctx: Any, mode: str = ANSWER_MODE, options: Sequence[Any] | None = None,
) -> list[tuple[Question, list[Any]]]:
    """(question, one Answer per composer setting in `options`; default: the served one)."""
    from assistant.service import Assistant
    from eval.variants import group_by_variant, variant_context

    contexts: dict[object, Any] = {}
    out: dict[str, tuple[Question, list[Any]]] = {}
    for key, group in group_by_variant(questions):
        assistant = Assistant(variant_context(ctx, key, contexts).index)
        chosen = tuple(options) if options else (assistant.settings,)
        for q in group:
            out[q.id] = (q, assistant.answer_variants(q.question, history=q.history, mode=mode, variants=chosen))
    return [out[q.id] for q in questions]


def score_answers(answered: Sequence[tuple[Question, Any]]) -> list[AnswerScore]:
    return [score_answer(q, q.expect, a) for q, a in answered]


def answers_record(questions: Sequence[Question], ctx: Any, mode: str = ANSWER_MODE) -> dict[str, Any]:
    """The `answers` part of a results file: summary, per-question outcomes."""
    scores = score_answers(answer_questions(questions, ctx, mode))
    expects = {q.id: q.expect or {} for q in questions}
    return {"mode": mode, **summarise(scores, expects), "questions": [s.record() for s in scores]}
