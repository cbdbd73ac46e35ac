"""The evaluation question set: one JSON object per line in `eval/questions.jsonl`.

Each question carries gold strings: verbatim substrings of its city's plan (10-40 characters
after `gold_key`). A retrieved chunk is relevant to a gold when it belongs to the gold's city
and its normalised text contains the normalised gold (see `eval.relevance`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from corpus.text import compact, matching

QuestionType = Literal[
    "numeric",  # a target figure
    "measure",  # what the city will do about X
    "responsibility",  # which departments lead / are responsible
    "paraphrase",  # wording that is not in the text (单位GDP能耗, PUE, 烧煤锅炉 ...)
    "followup",  # elliptical question; `history` holds the earlier user turns
    "absent",  # the plan gives no figure; gold is the closest clause
    "cross_city",  # a figure compared across cities; one gold per city
    "traditional",  # asked of the corpus in which its city's plan is in Traditional script (eval.variants)
    "lead",  # what a plan's news lead (导语) states; the plan's own text should answer
    "table",  # a value of an annex table row (with its column: 2020 actual, 2025 target, change)
    "metadata",  # the plan's 文号, date, issuer or the documents it implements
]
QUESTION_TYPES: tuple[str, ...] = (
    "numeric", "measure", "responsibility", "paraphrase", "followup", "absent", "cross_city",
    "traditional", "lead", "table", "metadata",
)
DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
GOLD_MIN_CHARS, GOLD_MAX_CHARS = 10, 40
_ID = re.compile(r"^q\d{3,}$")


class QuestionSetError(ValueError):
    """The question file is missing or malformed; the message names the line."""


def gold_key(text: str) -> str:
    """The comparison key of golds and chunk texts: matching text (corpus.text: NFKC, Traditional -> Simplified) with all whitespace removed.

    Source lines read "到 2025 年" or "98%以上", and a plan may be reposted in Traditional
    script, so golds and chunk texts are compared in this form; applying it to both sides
    keeps the comparison symmetric.
    """
    return compact(matching(text))


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    question: str
    history: tuple[str, ...]  # earlier user turns, oldest first
    gold: tuple[str, ...]
    gold_cities: tuple[str, ...]  # city of each gold (cross_city: one per gold)
    answer: str  # short expected answer; numeric: the figure as written in the gold
    note: str = ""
    # Answer gold (eval.answers): figures / by_city / absent / departments / quote / values.
    expect: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def cities(self) -> tuple[str, ...]:
        """Distinct cities, in gold order."""
        return tuple(dict.fromkeys(self.gold_cities))

    @property
    def city_label(self) -> str:
        """One city name, or the cities joined with "+" for cross-city questions."""
        return "+".join(self.cities)


def load_questions(path: Path | str | None = None) -> tuple[Question, ...]:
    """Parse and validate the question file (default: the committed set)."""
    path = Path(path) if path is not None else DEFAULT_QUESTIONS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise QuestionSetError(f"cannot read question file {path}: {err.strerror}") from None
    questions: list[Question] = []
    seen: set[str] = set()
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise QuestionSetError(f"{path.name}:{lineno}: invalid JSON ({err.msg})") from None
        question = parse_question(record, where=f"{path.name}:{lineno}")
        if question.id in seen:
            raise QuestionSetError(f"{path.name}:{lineno}: duplicate id {question.id}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise QuestionSetError(f"{path.name}: no questions")
    return tuple(questions)


def parse_question(record: object, where: str = "question") -> Question:
    """One validated `Question` from a decoded JSON object."""

    def fail(reason: str) -> QuestionSetError:
        return QuestionSetError(f"{where}: {reason}")

    if not isinstance(record, dict):
        raise fail("expected a JSON object")
    for key in ("id", "city", "type", "question", "history", "gold", "answer"):
        if key not in record:
            raise fail(f"missing field {key!r}")
    qid, qtype, text, answer = record["id"], record["type"], record["question"], record["answer"]
    if not isinstance(qid, str) or not _ID.match(qid):
        raise fail(f"bad id {qid!r} (expected q001 style)")
    if qtype not in QUESTION_TYPES:
        raise fail(f"unknown type {qtype!r}; valid: {', '.join(QUESTION_TYPES)}")
    if not isinstance(text, str) or not text.strip():
        raise fail("empty question")
    if not isinstance(answer, str) or not answer.strip():
        raise fail("empty answer")
    history = record["history"]
    if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
        raise fail("history must be a list of non-empty strings")
    if qtype == "followup" and not history:
        raise fail("a followup question needs a history")
    gold = record["gold"]
    if not isinstance(gold, list) or not gold or not all(isinstance(g, str) for g in gold):
        raise fail("gold must be a non-empty list of strings")
    for g in gold:
        if not GOLD_MIN_CHARS <= len(gold_key(g)) <= GOLD_MAX_CHARS:
            raise fail(f"gold {g!r} is not {GOLD_MIN_CHARS}-{GOLD_MAX_CHARS} characters")
    city = record["city"]
    if qtype == "cross_city":
        if not isinstance(city, list) or len(city) < 2 or not all(isinstance(c, str) for c in city):
            raise fail("a cross_city question needs a list of at least two cities")
        if len(city) != len(gold):
            raise fail("a cross_city question needs one gold per city")
        gold_cities = tuple(city)
    else:
        if not isinstance(city, str) or not city:
            raise fail("city must be a city name")
        gold_cities = (city,) * len(gold)
    if qtype == "numeric" and gold_key(answer) not in gold_key(gold[0]):
        raise fail(f"numeric answer {answer!r} does not occur in its gold")
    note = record.get("note", "")
    if not isinstance(note, str):
        raise fail("note must be a string")
    expect = record.get("expect")
    if expect is not None:
        _check_expect(expect, fail)
    return Question(
        id=qid,
        type=qtype,
        question=text.strip(),
        history=tuple(h.strip() for h in history),
        gold=tuple(gold),
        gold_cities=gold_cities,
        answer=answer.strip(),
        note=note,
        expect=expect,
    )


EXPECT_KEYS = ("figures", "by_city", "absent", "departments", "quote", "values")


def _check_expect(expect: object, fail: Any) -> None:
    """The answer gold's shape (eval.answers scores it)."""
    if not isinstance(expect, dict) or not expect:
        raise fail("expect must be a non-empty object")
    unknown = set(expect) - set(EXPECT_KEYS)
    if unknown:
        raise fail(f"unknown expect keys {sorted(unknown)}; valid: {', '.join(EXPECT_KEYS)}")
    for key in ("figures", "departments"):
        if key in expect and (not isinstance(expect[key], list) or not expect[key]
                              or not all(isinstance(v, str) and v.strip() for v in expect[key])):
            raise fail(f"expect.{key} must be a non-empty list of strings")
    if "by_city" in expect and not (isinstance(expect["by_city"], dict) and all(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in expect["by_city"].values())):
        raise fail("expect.by_city must map cities to lists of figures")
    for key in ("absent", "quote"):
        if key in expect and not isinstance(expect[key], bool):
            raise fail(f"expect.{key} must be true or false")
    if "values" in expect and not isinstance(expect["values"], dict):
        raise fail("expect.values must be an object")
