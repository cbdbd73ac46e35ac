"""`python -m eval.library_check`: validate the library question set (eval/library/questions.jsonl).

The set's questions need the whole library (the five built-in plans plus the 160 PDFs of
eval/real/pdfs): place and level scoping, whose figure it is, lists across documents, metadata
filters and facts the scoped place's document does not state (eval/library/README.md). This
module only checks the file; it does not search or answer anything:

- schema: ids L001…, unique and in order; kind one of KINDS; a question; filters only with the
  fields FILTER_FIELDS (level one of LEVELS, year an integer); at least one gold, each with doc,
  clause and answer; expect "absent" exactly for the absent kind; split by the fixed rule
  (`side`: every third id is test).
- gold documents: a built-in plan by its doc_id (corpus/plans/manifest.json) or a PDF of
  eval/real/pdfs by file name.
- clauses (skipped with --no-read): each gold clause is an exact substring of one chunk of its
  document as the product reads it (corpus.ingest.inspect_file, what `python -m assistant
  inspect` prints), and its answer is written in the clause (compared as eval.questions.gold_key:
  NFKC, Simplified script, no whitespace).
- filters: every gold document of a non-absent question matches the question's filters
  according to the hand-made record (eval/real/metadata.tsv, level and city derived as
  eval.real_facts does; doc_type by its coarse class) or, for a built-in plan, the manifest.

Exit codes: 0 valid, 1 problems found (one line each on stdout), 2 bad input.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "eval" / "library" / "questions.jsonl"
PDF_DIR = REPO / "eval" / "real" / "pdfs"
PLANS_DIR = REPO / "corpus" / "plans"
KINDS = ("scope", "whose", "list", "filter", "absent")
FILTER_FIELDS = ("level", "province", "city", "doc_type", "year", "issuer")
LEVELS = ("国家", "省", "市", "县")
_ID = re.compile(r"^L\d{3}$")
# Built-in plans: the manifest gives no level; 定州市 is a county-level city under 保定市.
_BUILTIN_LEVEL = {"dingzhou": "县"}
# The right values of record fields that eval.real_facts.RECORD_ERRORS judges wrong (its reasons).
_CORRECTED: dict[str, dict[str, str]] = {
    "117.pdf": {"level": "县", "city": "繁昌区"},
    "159.pdf": {"level": "国家", "province": "", "city": "全国"},
    "197.pdf": {"city": "临沂市"},
    "481.pdf": {"province": "河北省"},
}


class LibraryQuestionError(ValueError):
    """The question file is missing or is not JSON lines."""


def side(qid: str) -> str:
    """The fixed split rule, decided before any question was written: every third id is test."""
    return "test" if int(qid[1:]) % 3 == 0 else "train"


def load(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise LibraryQuestionError(f"cannot read {path}: {err.strerror or err}") from None
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise LibraryQuestionError(f"{path.name} line {n}: not JSON ({err.msg})") from None
        if not isinstance(row, dict):
            raise LibraryQuestionError(f"{path.name} line {n}: not a JSON object")
        rows.append(row)
    return rows


# --- documents ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocFacts:
    """What the filters are checked against: the record's (or the manifest's) facts."""

    level: str
    province: str
    city: str
    doc_class: str  # coarse class (corpus.metadata.kind_class), e.g. 办法条例
    year: int | None
    issuers: tuple[str, ...]


@lru_cache(maxsize=1)
def _manifest() -> dict[str, dict[str, Any]]:
    rows = json.loads((PLANS_DIR / "manifest.json").read_text(encoding="utf-8"))
    return {str(r["doc_id"]): r for r in rows}


def doc_path(doc: str) -> Path | None:
    """The file of a gold document, None when the name is neither a built-in plan nor a PDF."""
    if doc in _manifest():
        return PLANS_DIR / str(_manifest()[doc]["source_file"])
    if re.fullmatch(r"\d+\.pdf", doc) and (PDF_DIR / doc).is_file():
        return PDF_DIR / doc
    return None


@lru_cache(maxsize=1)
def _record() -> dict[str, DocFacts]:
    from corpus.language import DOC_KINDS
    from eval.real_facts import load_record, record_city, record_level

    facts = {}
    for row in load_record():
        date = row.date.strip()
        fixed = _CORRECTED.get(row.file, {})
        facts[row.file] = DocFacts(
            level=fixed.get("level", record_level(row.province, row.city)),
            province=fixed.get("province", row.province),
            city=fixed.get("city", record_city(row.province, row.city)),
            doc_class=row.doc_type if row.doc_type in set(DOC_KINDS.values()) else "",
            year=int(date[:4]) if date[:4].isdigit() else None,
            issuers=tuple(b for b in row.issuer.split(",") if b.strip()))
    for doc_id, m in _manifest().items():
        date = str(m.get("date") or "")
        facts[doc_id] = DocFacts(
            level=_BUILTIN_LEVEL.get(doc_id, "市"), province=str(m["province"]), city=str(m["city"]),
            doc_class="行动工作方案", year=int(date[:4]) if date[:4].isdigit() else None,
            issuers=(str(m["issuer"]),) if m.get("issuer") else ())
    return facts


@lru_cache(maxsize=None)
def chunk_texts(doc: str) -> tuple[str, ...]:
    """The chunk texts of a gold document as the product reads it (`assistant inspect`)."""
    from corpus.ingest import inspect_file

    path = doc_path(doc)
    if path is None:
        return ()
    return tuple(c["text"] for c in inspect_file(path)["chunks"])


# --- checks ------------------------------------------------------------------------------------
def schema_errors(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        qid = str(row.get("id", ""))
        where = qid or f"row {n}"
        if not _ID.match(qid):
            errors.append(f"{where}: id is not L followed by three digits")
            continue
        if qid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(qid)
        if int(qid[1:]) != n:
            errors.append(f"{where}: ids are not numbered in file order (expected L{n:03d})")
        kind = row.get("kind")
        if kind not in KINDS:
            errors.append(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        if not isinstance(row.get("question"), str) or not row["question"].strip():
            errors.append(f"{where}: no question")
        if not isinstance(row.get("answer"), str) or not row["answer"].strip():
            errors.append(f"{where}: no answer")
        filters = row.get("filters", {})
        if not isinstance(filters, dict):
            errors.append(f"{where}: filters is not an object")
            filters = {}
        for name, value in filters.items():
            if name not in FILTER_FIELDS:
                errors.append(f"{where}: unknown filter field {name!r}")
            elif name == "year" and (not isinstance(value, int) or isinstance(value, bool)):
                errors.append(f"{where}: filter year is not an integer")
            elif name == "level" and value not in LEVELS:
                errors.append(f"{where}: filter level {value!r} is not one of {', '.join(LEVELS)}")
            elif name != "year" and (not isinstance(value, str) or not value.strip()):
                errors.append(f"{where}: filter {name} is empty")
        if kind == "filter" and not filters:
            errors.append(f"{where}: a filter question without filters")
        if (row.get("expect") == "absent") != (kind == "absent"):
            errors.append(f"{where}: expect must be \"absent\" exactly for the absent kind")
        gold = row.get("gold")
        if not isinstance(gold, list) or not gold:
            errors.append(f"{where}: no gold")
            gold = []
        for i, item in enumerate(gold, start=1):
            if not isinstance(item, dict) or any(not isinstance(item.get(k), str) or not item[k].strip()
                                                 for k in ("doc", "clause", "answer")):
                errors.append(f"{where}: gold {i} needs doc, clause and answer")
            elif doc_path(item["doc"]) is None:
                errors.append(f"{where}: gold {i}: {item['doc']} is neither a built-in plan nor a PDF of eval/real/pdfs")
        if kind == "list" and len(gold) < 2:
            errors.append(f"{where}: a list question needs a gold row per document (at least 2)")
        if row.get("split") != side(qid):
            errors.append(f"{where}: split is {row.get('split')!r}, the rule gives {side(qid)!r}")
    return errors


def clause_errors(rows: Sequence[Mapping[str, Any]],
                  read: Callable[[str], Sequence[str]] = chunk_texts) -> list[str]:
    """Each gold clause is an exact substring of one chunk of its document; its answer is in it."""
    from eval.questions import gold_key

    errors = []
    for row in rows:
        for i, item in enumerate(row.get("gold") or [], start=1):
            if not isinstance(item, dict) or doc_path(str(item.get("doc", ""))) is None:
                continue
            clause, answer = str(item.get("clause", "")), str(item.get("answer", ""))
            texts = read(item["doc"])
            if not any(clause in text for text in texts):
                near = any(gold_key(clause) in gold_key(text) for text in texts)
                errors.append(f"{row.get('id')}: gold {i}: clause not in {item['doc']}"
                              + (" (only with whitespace or script folded)" if near else "") + f": {clause}")
            if gold_key(answer) not in gold_key(clause):
                errors.append(f"{row.get('id')}: gold {i}: answer {answer!r} is not written in its clause")
    return errors


def _same_body(wanted: str, issuers: Sequence[str]) -> bool:
    from eval.real_facts import normalize_body

    key = normalize_body(wanted)
    return any(normalize_body(b) == key for b in issuers)


def _same_place(a: str, b: str) -> bool:
    from eval.real_facts import agree

    return agree("province", a, b)


def filter_errors(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every gold document of a question that is not absent matches the question's filters."""
    from corpus.metadata import kind_class

    errors = []
    facts = _record()
    for row in rows:
        filters = row.get("filters") or {}
        if not isinstance(filters, dict) or not filters or row.get("kind") == "absent":
            continue
        for item in row.get("gold") or []:
            doc = item.get("doc") if isinstance(item, dict) else None
            if doc not in facts:
                continue
            f = facts[doc]
            for name, value in filters.items():
                ok = {
                    "level": lambda v: v == f.level,
                    "province": lambda v: any(_same_place(v, p) for p in re.split(r"[、,，]", f.province) if p),
                    "city": lambda v: _same_place(v, f.city),
                    "doc_type": lambda v: bool(kind_class(v)) and kind_class(v) == f.doc_class,
                    "year": lambda v: v == f.year,
                    "issuer": lambda v: _same_body(v, f.issuers),
                }.get(name, lambda v: True)(value)
                if not ok:
                    errors.append(f"{row.get('id')}: {doc} does not match filter {name}={value!r}")
    return errors


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.library_check",
                                     description="Validate eval/library/questions.jsonl (no search, no answers).")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="question file (default: %(default)s)")
    parser.add_argument("--no-read", action="store_true", help="skip reading the documents (schema and filters only)")
    args = parser.parse_args(argv)
    try:
        rows = load(args.questions)
    except LibraryQuestionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    errors = schema_errors(rows) + filter_errors(rows)
    if not args.no_read:
        errors += clause_errors(rows)
    for line in errors:
        print(line)
    kinds = {k: sum(r.get("kind") == k for r in rows) for k in KINDS}
    test = sum(r.get("split") == "test" for r in rows)
    print(f"{len(rows)} questions ({', '.join(f'{k} {v}' for k, v in kinds.items())}; test {test}, "
          f"train {len(rows) - test}): {'ok' if not errors else f'{len(errors)} problems'}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
