"""`make bench-real`: read every real policy PDF of eval/real/pdfs as `add` would (no metadata
given) and measure the reading against the collection's hand-made record (eval/real/metadata.tsv).

Per document: read or refused (with the reason), pages, seconds, chunks, body chunks that look
cut (corpus.inspection.looks_cut: a body paragraph that stops mid-sentence while the next goes
on with body text), figures of the pages' own layout text that no chunk carries
(corpus.inspection.lost_figures), and the facts read (title, issuer, date, doc_type, level,
province, city) compared with the record by eval.real_facts.agree.

Writes eval/results/real-docs.{json,md} and the README section between its markers.
`python -m eval.real_bench [--pdf-dir DIR] [--workers N] [--limit N]`.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from eval.report import write_bench_results

REPO = Path(__file__).resolve().parent.parent
REAL_DIR = REPO / "eval" / "real"
PDF_DIR = REAL_DIR / "pdfs"
RESULTS = REPO / "eval" / "results"
README_START, README_END = "<!-- real-docs:start (make bench-real) -->", "<!-- real-docs:end -->"


def read_one(path: Path) -> dict[str, Any]:
    """What `add` reads from one file, timed; never raises for a refused file."""
    from corpus.errors import IngestError
    from corpus.ingest import read_document
    from corpus.inspection import cut_paragraphs, lost_figures
    from corpus.model import DocumentMeta

    start = time.perf_counter()
    try:
        read = read_document(path.read_bytes(), path.suffix, DocumentMeta(doc_id="bench", city="", province="", title=""),
                             require_place=False)
    except IngestError as err:
        return {"file": path.name, "refused": str(err), "seconds": time.perf_counter() - start}
    seconds = time.perf_counter() - start
    doc = read.document
    body = [c for c in doc.chunks if c.kind in ("body", "notice") and "\t" not in c.text]
    cut = cut_paragraphs(doc)
    lost = lost_figures(read.source, doc)
    m = doc.meta
    return {
        "file": path.name, "pages": read.source.pages, "seconds": round(seconds, 3), "chunks": len(doc.chunks),
        "body_chunks": len(body), "cut": [c.text[-30:] for c in cut], "figures": _figure_count(read.source),
        "lost": [f"p{p} {f}" for p, f in lost], "ocr_pages": list(read.source.ocr_pages),
        "empty_pages": list(read.source.empty_pages),
        "warnings": [w.code for w in read.warnings],
        "facts": {"title": m.title, "issuer": m.issuer, "date": m.date, "doc_type": m.doc_type, "level": m.level,
                  "province": m.province, "city": m.city, "prefecture": m.prefecture, "doc_number": m.doc_number},
    }


def _figure_count(source: Any) -> int:
    from corpus.figures import figures_of

    return sum(len(figures_of(line, deadlines=False)) for raw in source.raw_pages for line in raw.splitlines())


def run(pdf_dir: Path = PDF_DIR, workers: int = 2, limit: int | None = None) -> dict[str, Any]:
    from eval import real_facts

    files = sorted(pdf_dir.glob("*.pdf"), key=lambda p: (len(p.stem), p.stem))[:limit]
    wall = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        docs = list(pool.map(read_one, files))
    wall = time.perf_counter() - wall
    read = [d for d in docs if "refused" not in d]
    pages = sum(d["pages"] for d in read)
    seconds = sum(d["seconds"] for d in read)
    body = sum(d["body_chunks"] for d in read)
    cut = sum(len(d["cut"]) for d in read)
    figures = sum(d["figures"] for d in read)
    lost = sum(len(d["lost"]) for d in read)
    rows = [r for r in real_facts.load_record(pdf_dir.parent / "metadata.tsv")
            if r.file in {d["file"] for d in read}] if (pdf_dir.parent / "metadata.tsv").exists() else []
    agreement = real_facts.score(rows, {d["file"]: d["facts"] for d in read})
    return {
        "documents": len(docs), "read": len(read), "refused": [{"file": d["file"], "reason": d["refused"]}
                                                               for d in docs if "refused" in d],
        "pages": pages, "read_seconds": round(seconds, 1), "wall_seconds": round(wall, 1), "workers": workers,
        "pages_per_second": round(pages / seconds, 2) if seconds else None,
        "body_chunks": body, "cut_paragraphs": cut, "cut_rate": round(cut / body, 4) if body else None,
        "figures": figures, "figures_lost": lost,
        "ocr_pages": sum(len(d["ocr_pages"]) for d in read), "empty_pages": sum(len(d["empty_pages"]) for d in read),
        "agreement": agreement,
        "per_document": docs,
    }


def markdown(results: Mapping[str, Any]) -> str:
    lines = [README_START, "",
             f"Real policy PDFs read as `add` reads them, no metadata given (`make bench-real`, "
             f"`eval/results/real-docs.json`):", "",
             "| documents | read | refused | pages | pages/s (one process) | paragraphs cut | figures lost |",
             "|---|---|---|---|---|---|---|",
             f"| {results['documents']} | {results['read']} | {len(results['refused'])} | {results['pages']} | "
             f"{results['pages_per_second']} | {results['cut_paragraphs']} of {results['body_chunks']} "
             f"({100 * (results['cut_rate'] or 0):.2f}%) | {results['figures_lost']} of {results['figures']} |", "",
             "| fact | agrees with metadata.tsv | without the record's errors | where the document states it | "
             "record errors | not stated |", "|---|---|---|---|---|---|"]
    for name, a in results["agreement"].items():
        lines.append(f"| {name} | {a['agreement']:.3f} | {a['agreement_without_record_errors']:.3f} | "
                     f"{a['agreement_where_stated']:.3f} | {len(a['record_errors'])} | {len(a['not_stated'])} |")
    lines += ["", "Comparison (eval/real_facts.py): titles on matching text without punctuation; issuers as sets "
              "of bodies after a general table of short forms (国家发改委 = 国家发展和改革委员会); a record "
              "disagreement judged an error of the record (the document says otherwise) is listed with its reason "
              "in `eval/results/real-docs.md` and left out of the middle column."]
    if results["refused"]:
        lines += ["", "Refused: " + "; ".join(f"{r['file']} ({r['reason']})" for r in results["refused"])]
    lines += ["", README_END]
    return "\n".join(lines)


def write(results: Mapping[str, Any], out: Path = RESULTS, readme: Path = REPO / "README.md") -> None:
    md = markdown(results)
    details = [md, "", "## Disagreements with the record", ""]
    for name, a in results["agreement"].items():
        for d in a["disagreements"]:
            details.append(f"- {name} {d['file']}: read {d['read']!r}, record {d['record']!r}")
    details += ["", "## Errors of the record (not counted against the reading)", ""]
    for name, a in results["agreement"].items():
        for d in a["record_errors"]:
            details.append(f"- {name} {d['file']}: read {d['read']!r}, record {d['record']!r}: {d['reason']}")
        for d in a["not_stated"]:
            details.append(f"- {name} {d['file']}: the document does not state it (record {d['record']!r}, read {d['read']!r})")
    details += ["", "## Paragraphs that look cut", ""]
    for d in results["per_document"]:
        for text in d.get("cut", []):
            details.append(f"- {d['file']}: …{text}")
    details += ["", "## Figures lost", ""]
    for d in results["per_document"]:
        if d.get("lost"):
            details.append(f"- {d['file']}: {', '.join(d['lost'][:20])}")
    write_bench_results(out, "real-docs", results, details, readme, (README_START, README_END), md)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.real_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-dir", type=Path, default=PDF_DIR)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.pdf_dir, args.workers, args.limit)
    print(markdown(results))
    if not args.no_write:
        write(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
