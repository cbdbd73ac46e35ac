"""The frozen train/test split of the question set (`eval/split.json`).

About a third of the questions are a **test split** that no tuning looks at: settings,
lexicon groups and thresholds are chosen on the training split (and per leave-one-city-out
fold on the training questions of four cities), then confirmed on the test split.

The split was drawn once, stratified by (type, city): within each stratum questions are
ordered by the SHA-1 of their id and every third one (positions 1, 4, 7, ...) is a test
question. It is frozen: a question keeps its side for good. A question added later is
assigned by its id alone (`assign_new`: SHA-1 of the id modulo 3 == 0 is test), which keeps
the split about a third without looking at the question, and `python -m eval split` writes
the new assignments into the file. `tests/eval/test_split.py` fails when a question is in
neither list.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.questions import Question

SPLIT_FILE = Path(__file__).resolve().parent / "split.json"
SPLITS = ("train", "test")


class SplitError(ValueError):
    """The split file is missing, malformed, or does not cover the question set."""


def _digest(qid: str) -> int:
    return int(hashlib.sha1(qid.encode("utf-8")).hexdigest(), 16)


def stratum(question: Question) -> tuple[str, str]:
    """(type, city) with the cities of a multi-city question joined."""
    return question.type, question.city_label


def draw(questions: Iterable[Question]) -> dict[str, list[str]]:
    """The stratified split of `questions` (used once, to freeze `split.json`)."""
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for q in questions:
        strata[stratum(q)].append(q.id)
    test: set[str] = set()
    for ids in strata.values():
        ordered = sorted(ids, key=_digest)
        test.update(ordered[1::3])
    all_ids = [q for ids in strata.values() for q in ids]
    return {"train": sorted(set(all_ids) - test), "test": sorted(test)}


def assign_new(qid: str) -> str:
    """The side of a question added after the split was frozen, from its id alone."""
    return "test" if _digest(qid) % 3 == 0 else "train"


@dataclass(frozen=True)
class Split:
    train: frozenset[str]
    test: frozenset[str]

    def side(self, qid: str) -> str:
        if qid in self.test:
            return "test"
        if qid in self.train:
            return "train"
        raise SplitError(f"question {qid} is in neither split; run `python -m eval split`")

    def select(self, questions: Sequence[Question], side: str) -> tuple[Question, ...]:
        """The questions of one side ("train" or "test"), in question-set order."""
        if side not in SPLITS:
            raise SplitError(f"unknown split {side!r}; valid: {', '.join(SPLITS)}")
        return tuple(q for q in questions if self.side(q.id) == side)


def load_split(path: Path | None = None) -> Split:
    path = path or SPLIT_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        train, test = frozenset(record["train"]), frozenset(record["test"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise SplitError(f"cannot read split file {path.name}: {err}") from None
    if train & test:
        raise SplitError(f"{path.name}: {len(train & test)} questions are in both splits")
    return Split(train, test)


def extend(questions: Sequence[Question], path: Path | None = None) -> list[str]:
    """Assign every question not yet in the split file (by `assign_new`) and rewrite the file.
    Returns the ids added. Existing assignments never change."""
    path = path or SPLIT_FILE
    split = load_split(path)
    added = [q.id for q in questions if q.id not in split.train and q.id not in split.test]
    if not added:
        return []
    train, test = set(split.train), set(split.test)
    for qid in added:
        (test if assign_new(qid) == "test" else train).add(qid)
    write_split({"train": sorted(train), "test": sorted(test)}, path)
    return added


def write_split(sides: dict[str, list[str]], path: Path | None = None) -> Path:
    path = path or SPLIT_FILE
    record = {
        "rule": "frozen; drawn once stratified by (type, city): per stratum, ids ordered by "
                "sha1(id), every third from position 1 is test; later questions: "
                "sha1(id) mod 3 == 0 is test (eval/split.py)",
        "train": sides["train"],
        "test": sides["test"],
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
