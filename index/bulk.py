"""Bulk import: add many files (folders walked recursively) to a data dir, then index once.

    select_files(paths) -> Selection       which files to read, which are refused by name, how many skipped
    add_files(data_dir, files, embedder)   read + store each (corpus.ingest), index, embed

Each file is committed on its own before the next is read: its stored copy and its manifest
entry are written atomically under the documents lock (corpus.ingest), so a `kill -9` loses at
most the file being read. Running the same command again finds the files already in by their
sha256 (without reading them again) and reports them as duplicates, adds the rest, and the
index build at its end covers everything stored, the killed run's plans included.

Searchable as soon as read, lexically: while files are read, the index is rebuilt with
`ensure_index(embed=False)` (every chunk in BM25, only already-embedded windows in faiss) each
time the reading since the last such build took at least `refresh_factor` times that build, so
those builds cost at most 1/refresh_factor of the reading time however large the library (the
whole import stays linear in its size). A chunk not embedded yet is found by keyword search
only: the hybrid retriever fuses the lists it has. After the last file, the windows of the new
plans are embedded (only those the embedding cache lacks, durable per batch) and the dense
index is rebuilt once, reusing that version's BM25 files (index.store).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from corpus.errors import IngestError
from corpus.model import DocumentMeta
from corpus.readers import SUPPORTED_SUFFIXES, check_suffix
from index.embedders import Embedder
from index.store import BuildReport, ensure_index

Status = Literal["added", "duplicate", "refused"]
REFRESH_FACTOR = 4.0  # read at least this many times as long as the last keyword-search build took


@dataclass(frozen=True)
class FileResult:
    """What became of one file: added (a new plan), duplicate (the same content is already in:
    `meta` is that plan's) or refused (`reason`, one line)."""

    path: Path
    status: Status
    reason: str = ""
    meta: DocumentMeta | None = None
    chunks: int = 0
    warnings: tuple[Any, ...] = ()  # corpus.inspection.ReadWarning


@dataclass(frozen=True)
class Selection:
    files: tuple[Path, ...]  # to read, in order
    refused: tuple[FileResult, ...]  # named or found but never readable (.doc / .wps, unsupported)
    skipped: int  # other files met while walking folders (not .txt / .docx / .pdf)


@dataclass(frozen=True)
class BulkReport:
    results: tuple[FileResult, ...]
    build: BuildReport | None  # the final build (None when nothing could be indexed)
    lexical_builds: int  # keyword-search builds made while reading
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def select_files(paths: Sequence[Path]) -> Selection:
    """The files of `paths` in order: a folder contributes its .txt / .docx / .pdf files,
    recursively, sorted by path (hidden files and folders left out); a .doc / .wps file is
    refused with the reason corpus.readers gives; other files in folders are skipped. A file
    named directly is read whatever its suffix (an unsupported one is refused). The same file
    reached twice is read once. FileNotFoundError for a path that does not exist."""
    files: list[Path] = []
    refused: list[FileResult] = []
    skipped = 0
    seen: set[Path] = set()

    def take(path: Path, named: bool) -> None:
        nonlocal skipped
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        suffix = path.suffix.lower()
        if suffix in SUPPORTED_SUFFIXES:
            files.append(path)
        elif named or suffix in _LEGACY:
            try:
                check_suffix(suffix)
            except IngestError as exc:
                refused.append(FileResult(path, "refused", str(exc)))
        else:
            skipped += 1

    for path in paths:
        path = Path(path)
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith("."):
                        skipped += 1
                        continue
                    take(Path(folder) / name, named=False)
        elif path.is_file():
            take(path, named=True)
        else:
            raise FileNotFoundError(str(path))
    return Selection(tuple(files), tuple(refused), skipped)


_LEGACY = (".doc", ".wps")  # corpus.readers refuses them with "save it as .docx or .pdf"


OnStart = Callable[[int, int, Path], None]  # (1-based position, total, file) before reading
OnPage = Callable[[int, int], None]  # (pages read, pages) while a PDF is read
OnResult = Callable[[int, int, FileResult], None]  # after a file is committed or refused
OnIndex = Callable[[BuildReport], None]  # after each keyword-search build made while reading


def add_files(
    data_dir: Path,
    files: Sequence[Path],
    embedder: Embedder,
    *,
    meta: dict[str, str] | None = None,
    progress: bool = False,
    on_start: OnStart | None = None,
    on_page: OnPage | None = None,
    on_result: OnResult | None = None,
    on_index: OnIndex | None = None,
    refresh_factor: float = REFRESH_FACTOR,
    embed: bool = True,
) -> BulkReport:
    """Read and store each of `files` (corpus.ingest.ingest_file; `meta` are the values given
    for a single file), keyword-index while reading, then build the index once with every new
    window embedded (`embed=False`: leave them pending, searched by keywords until the next
    build). corpus.errors.CorpusStoreError (the stored corpus is damaged) stops the import:
    what was committed before stays."""
    from corpus.ingest import ingest_file

    started = time.perf_counter()
    data_dir = Path(data_dir)
    results: list[FileResult] = []
    lexical_builds = 0
    unindexed = False  # a plan was stored since the last keyword-search build
    reading_since = time.perf_counter()
    last_build = 0.0
    total = len(files)
    for position, path in enumerate(files, 1):
        if on_start is not None:
            on_start(position, total, path)
        try:
            given: dict[str, Any] = dict(meta or {})
            ingested = ingest_file(path, data_dir, progress=on_page, **given)
        except IngestError as exc:
            result = FileResult(path, "refused", str(exc))
        else:
            document = ingested.document
            result = FileResult(path, "duplicate" if ingested.duplicate else "added", meta=document.meta,
                                chunks=len(document.chunks), warnings=ingested.warnings)
            unindexed = unindexed or not ingested.duplicate
        results.append(result)
        if on_result is not None:
            on_result(position, total, result)
        if unindexed and position < total and time.perf_counter() - reading_since >= refresh_factor * last_build:
            build = ensure_index(data_dir, embedder, embed=False)
            last_build, reading_since = build.seconds, time.perf_counter()
            lexical_builds += 1
            unindexed = False
            if on_index is not None:
                on_index(build)
    final: BuildReport | None = None
    if unindexed:  # every plan searchable by keywords before the (longer) embedding starts
        final = ensure_index(data_dir, embedder, embed=False, progress=progress)
        lexical_builds += 1
        if on_index is not None:
            on_index(final)
    if embed:
        final = ensure_index(data_dir, embedder, progress=progress)
    counts = {status: sum(r.status == status for r in results) for status in ("added", "duplicate", "refused")}
    return BulkReport(tuple(results), final, lexical_builds, time.perf_counter() - started, counts)
