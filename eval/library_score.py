"""Scoring of the library questions (eval/library/questions.jsonl, eval/library/README.md).

Each question has gold rows {doc, clause, answer}: `doc` a PDF of eval/real/pdfs or a built-in
plan's doc_id. Retrieval, on the served search's top 10 (each question asked with its
`filters`):

- a row is found at rank k when the k-th hit is a chunk of the row's document holding its
  clause (eval.real_eval.chunk_holds: gold_key folding, table context included);
- Hit@1: some row found at rank 1; Recall@5: some row found in the top 5; row recall@10: the
  share of rows found in the top 10 (what a list question needs: one row per document).
- `absent` questions are left out of retrieval: their rows are another level's statements,
  which the answer may only cite as that level's, not what the question asks for.

Answers (the chat answer, asked with the same filters):

- scope, whose, filter: eval.answers.score_answer with every row's figure as `figures`
  (correct: each stated, as eval.answers.figure_stated judges; false_absent: the answer says
  the document gives no figure);
- list: the share of rows whose figure is stated (`score`); correct when every row's is;
- absent: score_answer with `absent` (correct: the answer says the asked document gives none,
  eval.answers.says_absent).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.library_check import FILTER_FIELDS, KINDS, QUESTIONS, load, schema_errors
from eval.report import by_split_and_kind
from eval.questions import Question, gold_key
from index.types import Filters

TOP_K = 10


@dataclass(frozen=True)
class GoldRow:
    doc: str  # a PDF's file name ("443.pdf") or a built-in plan's doc_id ("anshun")
    clause: str  # an exact substring of one chunk of that document
    answer: str  # the figure as the clause writes it


@dataclass(frozen=True)
class LibraryQuestion:
    id: str
    kind: str  # scope | whose | list | filter | absent
    question: str
    gold: tuple[GoldRow, ...]
    answer: str
    split: str  # test | train (eval.library_check.side)
    filters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def docs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.doc for g in self.gold))

    def as_question(self) -> Question:
        """The question in the shape eval.answers scores: one place (none), the rows' clauses
        as golds, `expect` by kind (`absent`, else every row's figure)."""
        expect: dict[str, Any] = ({"absent": True} if self.kind == "absent"
                                  else {"figures": list(dict.fromkeys(g.answer for g in self.gold))})
        return Question(id=self.id, type=self.kind, question=self.question, history=(),
                        gold=tuple(g.clause for g in self.gold), gold_cities=("",) * len(self.gold),
                        answer=self.answer, expect=expect)


def parse(row: Mapping[str, Any]) -> LibraryQuestion:
    return LibraryQuestion(id=str(row["id"]), kind=str(row["kind"]), question=str(row["question"]),
                           gold=tuple(GoldRow(str(g["doc"]), str(g["clause"]), str(g["answer"])) for g in row["gold"]),
                           answer=str(row["answer"]), split=str(row["split"]), filters=dict(row.get("filters") or {}))


def load_questions(path: Path = QUESTIONS) -> list[LibraryQuestion]:
    """The library questions, checked by eval.library_check's schema rules (ValueError naming
    the problems otherwise)."""
    rows = load(path)
    errors = schema_errors(rows)
    if errors:
        raise ValueError(f"{path.name}: " + "; ".join(errors[:5]))
    return [parse(r) for r in rows]


def filters_of(spec: Mapping[str, Any] | None) -> Filters | None:
    """A question's `filters` object as index.types.Filters (None without one). ValueError for
    a field Filters does not have."""
    if not spec:
        return None
    unknown = sorted(set(spec) - set(FILTER_FIELDS))
    if unknown:
        raise ValueError(f"unknown filter field(s) {', '.join(unknown)}; use {', '.join(FILTER_FIELDS)}")
    values: dict[str, Any] = {name: spec[name] for name in FILTER_FIELDS if name in spec}
    return Filters(**values)


def row_ranks(q: LibraryQuestion, doc_ids: Mapping[str, str], chunks: Sequence[Any]) -> list[int | None]:
    """Per gold row, the 1-based rank of the first chunk of its document holding its clause
    (None: not among `chunks`). `doc_ids` maps a gold `doc` to the library's doc_id."""
    from eval.real_eval import chunk_holds

    out: list[int | None] = []
    for row in q.gold:
        doc_id, keys = doc_ids.get(row.doc), [gold_key(row.clause)]
        out.append(next((rank for rank, c in enumerate(chunks, start=1)
                         if c.doc_id == doc_id and chunk_holds(c, keys)), None))
    return out


def retrieval(ranks: Sequence[int | None]) -> dict[str, float]:
    """Hit@1, Recall@5 (some row in the top 1 / 5) and row recall@10 from the rows' ranks."""
    found = [r for r in ranks if r is not None]
    return {"hit@1": float(any(r == 1 for r in found)), "recall@5": float(any(r <= 5 for r in found)),
            "row_recall@10": sum(1 for r in found if r <= TOP_K) / len(ranks) if ranks else 0.0}


def score_answer(q: LibraryQuestion, answer: Any) -> dict[str, Any]:
    """outcome (eval.answers' outcomes; a list: correct / partial / missing_figure), score in
    [0, 1] (a list: the share of rows whose figure is stated) and the rows not stated."""
    from eval.answers import figure_stated, score_answer as score

    if q.kind == "list":
        missed = [f"{g.doc} {g.answer}" for g in q.gold if not figure_stated(g.answer, answer.text)]
        share = 1 - len(missed) / len(q.gold)
        outcome = "correct" if not missed else ("partial" if share > 0 else "missing_figure")
        return {"outcome": outcome, "score": share, "detail": ("missing " + "、".join(missed)) if missed else "",
                "answer": answer.cited_text}
    asked = q.as_question()
    s = score(asked, asked.expect, answer)
    return {"outcome": s.outcome, "score": float(s.correct), "detail": s.detail, "answer": s.answer}


def score_question(q: LibraryQuestion, doc_ids: Mapping[str, str], hits: Sequence[Any], answer: Any) -> dict[str, Any]:
    """One question's record: rows' ranks, retrieval figures (None for `absent`), answer score."""
    ranks = row_ranks(q, doc_ids, [h.chunk for h in hits][:TOP_K])
    top = hits[0].chunk if hits else None
    return {"id": q.id, "kind": q.kind, "split": q.split, "question": q.question, "filters": dict(q.filters),
            "ranks": ranks, "retrieval": None if q.kind == "absent" else retrieval(ranks),
            "top": top.citation if top else "", **score_answer(q, answer)}


def _figures(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    if not n:
        return {"n": 0}
    searched = [r["retrieval"] for r in rows if r["retrieval"] is not None]

    def mean(values: Sequence[float]) -> float | None:
        return round(sum(values) / len(values), 4) if values else None

    return {
        "n": n, "retrieval_n": len(searched),
        "hit@1": mean([s["hit@1"] for s in searched]),
        "recall@5": mean([s["recall@5"] for s in searched]),
        "row_recall@10": mean([s["row_recall@10"] for s in searched]),
        "answers": mean([r["score"] for r in rows]),
        "answers_complete": sum(1 for r in rows if r["outcome"] == "correct"),
        "false_absent": sum(1 for r in rows if r["outcome"] == "false_absent"),
    }


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overall, per split (test / train) and per kind."""
    return by_split_and_kind(rows, _figures, "split", KINDS)


def gold_doc_ids(docs: Sequence[str], plans: Sequence[str], pdf_dir: Path,
                 doc_id_of: Callable[[Path], str]) -> dict[str, str]:
    """A gold `doc` -> the doc_id the library gives it: a built-in plan keeps its own, a PDF
    gets the one `add` gives its content (eval.real_eval.doc_id_of)."""
    out = {}
    for doc in docs:
        if doc in plans:
            out[doc] = doc
        elif (pdf_dir / doc).is_file():
            out[doc] = doc_id_of(pdf_dir / doc)
    return out
