"""`make eval-real`: blind questions on real PDFs (eval/real/questions.jsonl), asked of a
library made the way a user makes one: the five built-in plans plus the questions' PDFs added
with `add` and no metadata given (place, title, issuer … read from each document).

Retrieval: Hit@1 / Recall@5 / MRR@10 of the served hybrid search, a hit being a chunk of the
question's document whose text contains a gold span (whitespace and script folded, as
eval.questions.gold_key). Answers: the chat answer scored against `expect` by
eval.answers.score_answer (false "no figure" counted apart). Reported overall, on the test
split (sha1(id) mod 3 == 0, eval.split.assign_new: fixed before any run) and the train split,
and per kind. Writes eval/results/real-questions.{json,md} and the README section.
`python -m eval.real_eval [--data-dir .data-real] [--questions FILE]`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.questions import Question, gold_key
from eval.report import by_split_and_kind, write_bench_results
from eval.split import assign_new

REPO = Path(__file__).resolve().parent.parent
REAL_DIR = REPO / "eval" / "real"
QUESTIONS = REAL_DIR / "questions.jsonl"
DATA_DIR = REPO / ".data-real"
RESULTS = REPO / "eval" / "results"
README_START, README_END = "<!-- real-questions:start (make eval-real) -->", "<!-- real-questions:end -->"


@dataclass(frozen=True)
class RealQuestion:
    id: str
    doc: str  # the PDF's file name
    kind: str
    question: str
    history: tuple[str, ...]
    gold: tuple[str, ...]
    answer: str
    expect: Mapping[str, Any] = field(default_factory=dict)

    @property
    def side(self) -> str:
        return assign_new(self.id)

    def as_question(self, place: str) -> Question:
        return Question(id=self.id, type="real", question=self.question, history=self.history, gold=self.gold,
                        gold_cities=(place,) * len(self.gold), answer=self.answer, expect=dict(self.expect))


def load(path: Path = QUESTIONS) -> list[RealQuestion]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            out.append(RealQuestion(id=row["id"], doc=row["doc"], kind=row["kind"], question=row["question"],
                                    history=tuple(row.get("history", ())), gold=tuple(row["gold"]),
                                    answer=row.get("answer", ""), expect=row.get("expect") or {}))
        except KeyError as err:
            raise ValueError(f"{path.name} line {n}: missing {err}") from None
    return out


def doc_id_of(path: Path) -> str:
    """The doc id `add` gives a file (corpus.ingest: doc-<sha256[:10]>)."""
    return "doc-" + hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def build_library(files: Sequence[Path], data_dir: Path) -> Any:
    """Add `files` to `data_dir` as `python -m assistant add FILE` does (no metadata), then
    open the index (building what is new)."""
    from corpus.errors import IngestError
    from corpus.ingest import ingest_file
    from index.engine import SearchIndex

    data_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            result = ingest_file(path, data_dir)
        except IngestError as err:
            print(f"refused {path.name}: {err}", file=sys.stderr)
            continue
        if not result.duplicate:
            m = result.document.meta
            print(f"added {path.name}: [{m.level} {m.city}] {m.title}", file=sys.stderr)
    return SearchIndex.open(data_dir, build=True, progress=True)


def chunk_holds(chunk: Any, keys: Sequence[str]) -> bool:
    """Whether the chunk's text (or its matching text with table context) contains one of the
    gold keys (eval.questions.gold_key of a gold span)."""
    text = gold_key(chunk.text) + "|" + gold_key(chunk.search_text)
    return any(k and k in text for k in keys)


def _rank(q: RealQuestion, doc_id: str, chunks: Sequence[Any]) -> int | None:
    keys = [gold_key(g) for g in q.gold]
    for rank, chunk in enumerate(chunks, start=1):
        if chunk.doc_id == doc_id and chunk_holds(chunk, keys):
            return rank
    return None


def score_row(q: RealQuestion, doc_id: str, place: str, hits: Sequence[Any], answer: Any) -> dict[str, Any]:
    """One question's record: the rank of its document's gold in `hits` (the served search's,
    top 10) and the outcome of `answer` (the chat answer) against `expect`."""
    from eval.answers import score_answer

    rank = _rank(q, doc_id, [h.chunk for h in hits])
    score = score_answer(q.as_question(place), q.expect, answer)
    top = hits[0].chunk if hits else None
    return {"id": q.id, "doc": q.doc, "kind": q.kind, "side": q.side, "rank": rank,
            "outcome": score.outcome, "detail": score.detail, "question": q.question,
            "answer": score.answer, "top": top.citation if top else "",
            "top_doc": top.doc_id == doc_id if top else False}


def run(questions: Sequence[RealQuestion], data_dir: Path = DATA_DIR, pdf_dir: Path = REAL_DIR / "pdfs") -> dict[str, Any]:
    from assistant.service import Assistant

    files = sorted({pdf_dir / q.doc for q in questions})
    index = build_library(files, data_dir)
    assistant = Assistant(index)
    ids = {path.name: doc_id_of(path) for path in files}
    places = {m.doc_id: m.city for m in index.documents}
    rows = []
    for q in questions:
        doc_id = ids[q.doc]
        hits = assistant.search(q.question, history=q.history, top_k=10).hits
        answer = assistant.answer(q.question, history=q.history)
        rows.append(score_row(q, doc_id, places.get(doc_id, ""), hits, answer))
    return {"questions": len(rows), "documents": len(files), "library_documents": len(index.documents),
            "library_chunks": len(index.chunks), "summary": summarise(rows), "rows": rows}


def _figures(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    if not n:
        return {"n": 0}
    ranks = [r["rank"] for r in rows]
    scored = [r for r in rows if r["outcome"] != "no_expect"]
    return {
        "n": n,
        "hit@1": round(sum(1 for k in ranks if k == 1) / n, 4),
        "recall@5": round(sum(1 for k in ranks if k is not None and k <= 5) / n, 4),
        "mrr@10": round(sum(1 / k for k in ranks if k is not None) / n, 4),
        "answers": round(sum(1 for r in scored if r["outcome"] == "correct") / len(scored), 4) if scored else None,
        "false_absent": sum(1 for r in rows if r["outcome"] == "false_absent"),
    }


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Overall, per split (test / train) and per kind."""
    return by_split_and_kind(rows, _figures, "side")


def markdown(results: Mapping[str, Any]) -> str:
    s = results["summary"]
    lines = [README_START, "",
             f"Blind questions on real PDFs ({results['questions']} questions on {results['documents']} PDFs, "
             f"asked of the built-in plans plus those PDFs added with `add` and no metadata: "
             f"{results['library_documents']} documents, {results['library_chunks']} chunks; "
             "`make eval-real`, `eval/results/real-questions.json`):", "",
             "| questions | n | Hit@1 | Recall@5 | MRR@10 | answers | false \"no figure\" |", "|---|---|---|---|---|---|---|"]
    for name in ("overall", "test", "train"):
        f = s[name]
        lines.append(f"| {name} | {f['n']} | {f['hit@1']:.3f} | {f['recall@5']:.3f} | {f['mrr@10']:.3f} | "
                     f"{f['answers']:.3f} | {f['false_absent']} |")
    lines += ["", "| kind | n | Hit@1 | answers |", "|---|---|---|---|"]
    for kind, f in s["by_kind"].items():
        answers = "–" if f["answers"] is None else f"{f['answers']:.3f}"
        lines.append(f"| {kind} | {f['n']} | {f['hit@1']:.3f} | {answers} |")
    lines += ["", README_END]
    return "\n".join(lines)


def write(results: Mapping[str, Any], out: Path = RESULTS, readme: Path = REPO / "README.md") -> None:
    md = markdown(results)
    fails = [r for r in results["rows"] if r["rank"] != 1 or r["outcome"] not in ("correct", "no_expect")]
    details = [md, "", "## Misses", ""] + [
        f"- {r['id']} ({r['doc']}, {r['kind']}, {r['side']}): rank {r['rank']}, {r['outcome']} {r['detail']} — "
        f"{r['question']} → {r['answer'][:120]!r}" for r in fails]
    write_bench_results(out, "real-questions", results, details, readme, (README_START, README_END), md)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.real_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    results = run(load(args.questions), args.data_dir)
    print(markdown(results))
    if not args.no_write:
        write(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
