"""The library of `make library`: the five built-in plans plus the PDFs of eval/real/pdfs, added
to a data dir by the bulk import a user runs (`python -m assistant add DIR`: index.bulk, no
metadata given), measured.

Measured per run: files added / already in / refused (with reasons), wall time split into
reading (each file's read and commit), keyword-index builds and the embedding pass (the final
build that embeds the new windows and rebuilds the dense index), and the peak RSS of the
process. Then the index as built: documents, chunks, windows, pages, and bytes on disk (the
current index version, the embedding cache, the whole data dir).

Resumable as the import is: a second run finds the files already in by their sha256 (nothing
read again), and the embedding cache keeps every batch embedded before a kill. Each run's
figures are appended to `<data dir>/library-runs.json`, so the results can give the time the
whole build took across runs.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

RUNS_FILE = "library-runs.json"


def peak_rss_bytes() -> int:
    """The process's peak resident set size so far (Linux reports ru_maxrss in KiB)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def tree_bytes(path: Path | None) -> int:
    """Bytes of the files under `path` (0 when it does not exist)."""
    if path is None or not path.exists():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def library_files(pdf_dir: Path, limit: int | None = None) -> tuple[list[Path], list[dict[str, str]]]:
    """The files `add pdf_dir` reads, in its order (index.bulk.select_files: sorted by path), the
    first `limit` of them; and what it refuses by name (file, reason)."""
    from index.bulk import select_files

    selection = select_files([pdf_dir])
    files = list(selection.files[:limit] if limit else selection.files)
    return files, [{"file": r.path.name, "reason": r.reason} for r in selection.refused]


def build(data_dir: Path, files: Sequence[Path], embedder: Any,
          log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)) -> dict[str, Any]:
    """Add `files` to `data_dir` as `python -m assistant add` does (assistant.cli.cmd_add: the
    index as it is first, then index.bulk.add_files), timing each phase."""
    from corpus.ingest import clean_temp_files
    from index.bulk import FileResult, add_files
    from index.store import BuildReport, ensure_index

    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    clean_temp_files(data_dir)
    first = ensure_index(data_dir, embedder, embed=False, progress=True)
    keyword = [first.seconds] if first.rebuilt else []
    reading = 0.0
    began: dict[int, float] = {}
    per_file: list[dict[str, Any]] = []

    def on_start(position: int, total: int, path: Path) -> None:
        began[position] = time.perf_counter()
        log(f"[{position}/{total}] reading {path.name}")

    def on_result(position: int, total: int, result: FileResult) -> None:
        nonlocal reading
        seconds = time.perf_counter() - began.pop(position, time.perf_counter())
        reading += seconds
        meta = result.meta
        per_file.append({"file": result.path.name, "status": result.status, "reason": result.reason,
                         "seconds": round(seconds, 3), "chunks": result.chunks,
                         "doc_id": meta.doc_id if meta else "", "pages": meta.pages if meta else 0,
                         "level": meta.level if meta else "", "city": meta.city if meta else "",
                         "title": meta.title if meta else ""})

    def on_index(report: BuildReport) -> None:
        keyword.append(report.seconds)
        log(f"searchable by keywords: {report.chunks} chunks ({report.seconds:.1f} s)")

    bulk = add_files(data_dir, files, embedder, progress=True, on_start=on_start, on_result=on_result,
                     on_index=on_index)
    final = bulk.build
    embedding = final.seconds if final is not None and final.embedded else 0.0
    run = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "files": len(files), "counts": dict(bulk.counts),
        "wall_seconds": round(time.perf_counter() - started, 2),
        "reading_seconds": round(reading, 2),
        "keyword_index_seconds": round(sum(keyword), 2), "keyword_builds": len(keyword),
        "embedding_seconds": round(embedding, 2),
        "windows_embedded": final.embedded if final is not None else 0,
        "peak_rss_bytes": peak_rss_bytes(),
    }
    runs = _append_run(data_dir, run)
    return {"this_run": run, "runs": len(runs), "across_runs": _totals(runs), "per_file": per_file}


def _append_run(data_dir: Path, run: dict[str, Any]) -> list[dict[str, Any]]:
    path = data_dir / RUNS_FILE
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(runs, list):
            runs = []
    except (OSError, json.JSONDecodeError):
        runs = []
    runs.append(run)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return runs


def _totals(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The whole build over every run into this data dir (a killed run leaves no record: its
    work is counted by the run that finished it, embedded batches excepted)."""
    keys = ("wall_seconds", "reading_seconds", "keyword_index_seconds", "embedding_seconds")
    return {**{k: round(sum(float(r.get(k, 0.0)) for r in runs), 2) for k in keys},
            "windows_embedded": sum(int(r.get("windows_embedded", 0)) for r in runs),
            "added": sum(int(r.get("counts", {}).get("added", 0)) for r in runs),
            "peak_rss_bytes": max((int(r.get("peak_rss_bytes", 0)) for r in runs), default=0)}


def index_figures(index: Any) -> dict[str, Any]:
    """Documents, chunks, windows, pages and bytes on disk of the index as served."""
    from index.store import current_version_dir

    data_dir = Path(index.data_dir)
    manifest = index.manifest
    index_bytes = tree_bytes(current_version_dir(data_dir))
    embeddings = tree_bytes(data_dir / "embeddings")
    return {"documents": len(index.documents), "chunks": len(index.chunks), "windows": manifest.windows,
            "pending_windows": manifest.pending, "index_type": manifest.index_type,
            "pages": sum(m.pages for m in index.documents),
            "index_bytes": index_bytes, "embeddings_bytes": embeddings, "index_and_embeddings_bytes": index_bytes + embeddings,
            "data_dir_bytes": tree_bytes(data_dir)}
