"""`python -m eval from-feedback`: candidate eval questions from officials' feedback, for review.

Reads `<data dir>/feedback.sqlite3` (assistant.feedback) and writes one JSON line per candidate:
the question and its history as the official asked them, and as `gold` the clause the
official gave as the right one (answers marked 有误). `--useful` adds answers marked 有用 (gold:
the quoted sentence), `--not-found` the logged questions answered "not found" (no gold yet).

Candidates are never written into eval/questions.jsonl: a person checks each one (is the gold a
verbatim clause of 10-40 characters of that city's plan? which type? which id?) and copies the
good ones into the set. Each candidate says what is left to check in `review`.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.feedback import DB_NAME, AnswerRecord, FeedbackRecord, FeedbackStore
from eval.questions import DEFAULT_QUESTIONS, GOLD_MAX_CHARS, GOLD_MIN_CHARS, gold_key, load_questions

DEFAULT_NAME = "eval-candidates.jsonl"


class CandidateError(ValueError):
    """A bad output path; the message says why."""


@dataclass(frozen=True)
class Written:
    path: Path
    counts: dict[str, int]  # wrong / useful / not_found candidates written
    skipped: int  # already in the eval set, or the same question again


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _city(answer: AnswerRecord, chunk_id: str = "") -> str:
    chosen = [c for c in answer.citations if chunk_id and c.get("chunk_id") == chunk_id]
    cited = chosen or list(answer.citations)
    return str(cited[0].get("city", "")) if cited else ""


def _gold_checks(gold: str, answer: AnswerRecord, chunk_id: str) -> list[str]:
    """What a reviewer must still check about `gold`, as far as the stored answer can tell."""
    review = []
    key = gold_key(gold)
    texts = [c.get("text", "") for c in answer.citations if not chunk_id or c.get("chunk_id") == chunk_id]
    if not any(key and key in gold_key(str(t)) for t in texts):
        where = "the paragraph the official chose" if chunk_id else "the cited paragraphs"
        review.append(f"the gold is not a verbatim clause of {where}: find the clause in the plan "
                      "(or turn the note into one)")
    if not GOLD_MIN_CHARS <= len(key) <= GOLD_MAX_CHARS:
        review.append(f"cut the gold to a verbatim clause of {GOLD_MIN_CHARS}-{GOLD_MAX_CHARS} characters")
    return review


def _candidate(answer: AnswerRecord, origin: str, gold: list[str], review: list[str],
               feedback: FeedbackRecord | None = None) -> dict[str, Any]:
    chunk_id = feedback.chunk_id if feedback else ""
    record: dict[str, Any] = {
        "id": f"fb-{answer.answer_id[:10]}",
        "origin": origin,  # wrong | useful | not_found
        "city": _city(answer, chunk_id),
        "type": "followup" if answer.history else "",
        "question": answer.question,
        "history": list(answer.history),
        "gold": gold,
        "answer": "",
        "review": ["assign an id (q001 style) and a type (eval/questions.py QUESTION_TYPES)",
                   "write `answer` and `expect` (eval/answers.py)", *review],
        "given": {  # what the assistant answered, for the reviewer
            "answer_id": answer.answer_id, "asked_at": _when(answer.asked_at), "kind": answer.kind,
            "answer": answer.answer, "mode": answer.mode, "index_version": answer.index_version,
            "citations": [f"[{c.get('n')}] {c.get('citation', '')}：{c.get('highlight', '')}" for c in answer.citations],
        },
    }
    if feedback is not None:
        record["feedback"] = {"verdict": feedback.verdict, "correction": feedback.correction,
                              "chunk_id": chunk_id, "at": _when(feedback.created_at)}
    return record


def candidates(store: FeedbackStore, useful: bool = False, not_found: bool = False,
               known: Iterable[tuple[str, tuple[str, ...]]] = ()) -> tuple[list[dict[str, Any]], int]:
    """(candidates newest first, how many were skipped). A question (with its history) already in
    `known` (the eval set) or already taken is skipped."""
    seen = {(gold_key(q), tuple(gold_key(h) for h in hist)) for q, hist in known}
    out: list[dict[str, Any]] = []
    skipped = 0

    def take(answer: AnswerRecord) -> bool:
        nonlocal skipped
        key = (gold_key(answer.question), tuple(gold_key(h) for h in answer.history))
        if key in seen:
            skipped += 1
            return False
        seen.add(key)
        return True

    for f in store.feedback("wrong", limit=100_000):
        if take(f.answer):
            gold = [f.correction] if f.correction else []
            review = _gold_checks(f.correction, f.answer, f.chunk_id) if f.correction else [
                "the official gave no correction: find the right clause in the plan"]
            out.append(_candidate(f.answer, "wrong", gold, review, f))
    if useful:
        for f in store.feedback("useful", limit=100_000):
            if take(f.answer) and f.answer.citations:
                quoted = str(f.answer.citations[0].get("highlight", ""))
                out.append(_candidate(f.answer, "useful", [quoted], _gold_checks(quoted, f.answer, ""), f))
    if not_found:
        for answer in store.logged(kinds=("not_found",)):
            if take(answer):
                out.append(_candidate(answer, "not_found", [], [
                    "the assistant found nothing: write the gold clause, or make it an `absent` question"]))
    return out, skipped


def default_out(data_dir: Path) -> Path:
    """Next to the feedback database: officials' questions stay in the data dir (not in the
    repository) until a person has reviewed them."""
    return Path(data_dir) / DEFAULT_NAME


def write_candidates(data_dir: Path, out: Path | None = None, useful: bool = False,
                     not_found: bool = False, questions: Path = DEFAULT_QUESTIONS) -> Written:
    out = Path(out) if out is not None else default_out(data_dir)
    if out.resolve() == Path(questions).resolve() or out.name == Path(questions).name:
        raise CandidateError(f"refusing to write into the eval set ({out.name}): candidates are "
                             "reviewed by a person first; choose another --out")
    if out.is_dir():
        raise CandidateError(f"--out {out} is a directory")
    known = [(q.question, q.history) for q in load_questions(questions)] if Path(questions).exists() else []
    store = FeedbackStore(Path(data_dir))
    try:
        found, skipped = candidates(store, useful=useful, not_found=not_found, known=known)
    finally:
        store.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".candidates-", suffix=".tmp", dir=out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for record in found:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    counts = {origin: sum(1 for c in found if c["origin"] == origin) for origin in ("wrong", "useful", "not_found")}
    return Written(out, counts, skipped)


def describe(written: Written, data_dir: Path) -> str:
    c = written.counts
    source = Path(data_dir) / DB_NAME
    return (f"wrote {sum(c.values())} candidate question(s) to {written.path} ({c['wrong']} marked wrong, "
            f"{c['useful']} useful, {c['not_found']} not found; {written.skipped} skipped: already in the eval "
            f"set or asked again) from {source}; review each before adding it to eval/questions.jsonl")
