"""Add a plan to the data directory: validate, store a copy, update the manifest atomically;
or only read it (`inspect_file`, what `python -m assistant inspect` shows).

Layout: <data_dir>/documents/<doc_id><ext> plus <data_dir>/documents/manifest.json. Writers
serialise on an fcntl lock file, so concurrent ingests (threads or processes) all land.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from corpus import catalog, inspection
from corpus.chunker import paragraphs, parse_source
from corpus.errors import CorpusStoreError, IngestError
from corpus.fsutil import atomic_write, exclusive_lock
from corpus.inspection import ReadWarning
from corpus.metadata import date_precision
from corpus.model import Document, DocumentMeta
from corpus.parsed_cache import ParsedCache
from corpus.places import validate_city
from corpus.readers import MAX_DOCX_UNPACKED_BYTES, Progress, check_suffix, SourceText, read_source

MAX_BYTES = 10 * 1024 * 1024
# Most paragraphs (chunks) one plan may have: the built-in plans have 22 to 70. Embedding is
# what an upload costs (about 0.1 s per paragraph here), so this also bounds an upload's time.
MAX_PARAGRAPHS = 5000
# Administrative suffixes, and words that are units, dates or common nouns of the plans: a
# "city" made of only these would match almost every question (年 is in "2025年...").
_DOC_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCK_FILE = ".lock"
_STORED_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.(?:txt|docx|pdf)$")  # <doc_id><suffix>


@dataclass(frozen=True)
class IngestResult:
    document: Document
    duplicate: bool  # the same bytes were already in the corpus; nothing was written
    warnings: tuple[ReadWarning, ...] = ()  # what to check in what was read (corpus.inspection)


@dataclass(frozen=True)
class ReadDocument:
    """A file read and parsed, not stored: what `inspect` shows and `add` stores."""

    source: SourceText
    document: Document
    warnings: tuple[ReadWarning, ...]


def read_document(data: bytes, suffix: str, meta: DocumentMeta, *, max_unpacked: int = MAX_DOCX_UNPACKED_BYTES,
                  max_paragraphs: int = MAX_PARAGRAPHS, progress: Progress | None = None,
                  require_place: bool = True) -> ReadDocument:
    """Read and parse a file with the values given in `meta` (those win over what the text
    states); refuses what cannot be a plan with an IngestError. The place must be given or
    read from the text (corpus.metadata): a document of no known place is refused."""
    source = read_source(data, suffix, max_unpacked, progress=progress, raw=True)
    paras = paragraphs(source.text)
    if len(paras) > max_paragraphs:
        raise IngestError(f"file has {len(paras)} paragraphs, more than the limit of {max_paragraphs} per plan")
    document = parse_source(source, meta)  # fills what the text states and was not given (corpus.metadata)
    if not document.chunks:
        raise IngestError("document has no text paragraphs")
    if require_place and not document.meta.city:
        raise IngestError("cannot tell which place the document belongs to: give its city (全国 for a "
                          "national document) or its province")
    return ReadDocument(source=source, document=document, warnings=tuple(inspection.warnings(source, document)))


def inspect_file(path: Path, *, city: str = "", province: str = "") -> dict[str, Any]:
    """`python -m assistant inspect FILE --json`: the facts read, the chunks (text, kind, pages)
    and the warnings, without storing or indexing anything. IngestError when it cannot be read."""
    suffix = check_suffix(path.suffix)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise IngestError(f"file is larger than the {MAX_BYTES / 2**20:g} MB limit")
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"cannot read file: {err.strerror or err}") from None
    meta = DocumentMeta(doc_id="inspect", city=validate_city(city) if city.strip() else "",
                        province=province.strip(), title="")
    read = read_document(data, suffix, meta, require_place=False)
    m = read.document.meta
    return {
        "file": path.name,
        "title": m.title, "issuer": m.issuer, "doc_number": m.doc_number, "date": m.date,
        "date_precision": date_precision(m.date),  # "day" (YYYY-MM-DD), "month" (a cover's YYYY-MM) or ""
        "doc_type": m.doc_type, "level": m.level, "province": m.province, "city": m.city,
        "prefecture": m.prefecture, "pages": read.source.pages,
        "sources": [{"field": s.field, "value": s.value, "line": s.line} for s in m.sources],
        "chunks": [{"text": c.text, "kind": c.role, "pages": list(c.pages), "section": c.section_path,
                    "citation": c.citation, "ocr": c.ocr} for c in read.document.chunks],
        "warnings": [w.record() for w in read.warnings],
    }


def _retitled(document: Document, title: str) -> Document:
    meta = replace(document.meta, title=title)
    return Document(meta=meta, chunks=tuple(replace(c, title=title) for c in document.chunks))


def ingest_file(
    path: Path,
    data_dir: Path,
    *,
    city: str = "",
    province: str = "",
    title: str = "",
    doc_number: str = "",
    date: str = "",
    issuer: str = "",
    doc_id: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_paragraphs: int = MAX_PARAGRAPHS,
    max_unpacked: int = MAX_DOCX_UNPACKED_BYTES,
    progress: Progress | None = None,
) -> IngestResult:
    """Add the plan at `path` (.txt / .docx / .pdf) to `data_dir`; see `ingest_bytes`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(_too_big(max_bytes))
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"cannot read file: {err.strerror or err}") from None
    return ingest_bytes(
        data, path.name, data_dir, city=city, province=province, title=title,
        doc_number=doc_number, date=date, issuer=issuer, doc_id=doc_id, max_bytes=max_bytes,
        max_paragraphs=max_paragraphs, max_unpacked=max_unpacked, progress=progress,
    )


def ingest_bytes(
    data: bytes,
    filename: str,
    data_dir: Path,
    *,
    city: str = "",
    province: str = "",
    title: str = "",
    doc_number: str = "",
    date: str = "",
    issuer: str = "",
    doc_id: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_paragraphs: int = MAX_PARAGRAPHS,
    max_unpacked: int = MAX_DOCX_UNPACKED_BYTES,
    progress: Progress | None = None,
) -> IngestResult:
    """Add an uploaded plan. Only the suffix of `filename` is used (to pick the reader); the
    stored name is derived from `doc_id`. The same text as a known plan (whatever its encoding,
    BOM, line endings or spacing) -> duplicate, no write. Limits on what the file becomes:
    `max_unpacked` bytes for a .docx's parts, `max_paragraphs` chunks; a long paragraph is
    split into chunks of at most corpus.chunker.MAX_PARAGRAPH_CHARS characters.
    Raises IngestError (bad input) or CorpusStoreError (the stored corpus is damaged)."""
    if len(data) > max_bytes:
        raise IngestError(_too_big(max_bytes))
    suffix = check_suffix(PurePath(str(filename).replace("\\", "/")).suffix)
    city = validate_city(city) if city.strip() else ""
    province, title = province.strip(), title.strip()
    date = _valid_date(date.strip())
    sha = hashlib.sha256(data).hexdigest()
    doc_id = _valid_doc_id(doc_id) if doc_id else f"doc-{sha[:10]}"
    stored_copy = _stored_copy(Path(data_dir), sha)
    if stored_copy is not None:  # the same bytes are in: no need to read them (a resumed bulk add)
        return IngestResult(document=stored_copy, duplicate=True)

    read = read_document(data, suffix, DocumentMeta(
        doc_id=doc_id, city=city, province=province, title=title, issuer=issuer.strip(),
        doc_number=doc_number.strip(), date=date, source_file=f"{doc_id}{suffix}", content_hash=sha,
    ), max_unpacked=max_unpacked, max_paragraphs=max_paragraphs, progress=progress)
    document = read.document
    if not document.meta.title:
        document = _retitled(document, _stem_title(filename) or doc_id)
    meta = document.meta
    fingerprint = catalog.text_hash(document)

    folder = Path(data_dir) / catalog.DOCUMENTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / _LOCK_FILE):  # also excludes other threads (flock is per open file)
        stored = catalog.read_manifest(folder / catalog.MANIFEST)  # CorpusStoreError if unreadable
        known = catalog.builtin_documents() + catalog.added_documents(Path(data_dir))
        same = next((d for d in known if d.meta.content_hash == sha or catalog.text_hash(d) == fingerprint), None)
        if same is not None:
            return IngestResult(document=same, duplicate=True, warnings=read.warnings)
        if any(m.doc_id == doc_id for m in stored) or any(d.meta.doc_id == doc_id for d in known):
            raise IngestError(f"doc_id '{doc_id}' is already used by another document")
        target = folder / meta.source_file
        atomic_write(target, data)
        try:
            _write_manifest(folder, [*stored, meta])
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    # what the catalog would read from the stored file (the same reader, the same meta): the next
    # process start and index build use it instead of reading the file again
    ParsedCache(Path(data_dir)).put(meta, document)
    return IngestResult(document=document, duplicate=False, warnings=read.warnings)


def _stored_copy(data_dir: Path, sha: str) -> Document | None:
    """The plan (built-in or added, verified) stored with exactly these bytes, if any."""
    for document in catalog.builtin_documents():
        if document.meta.content_hash == sha:
            return document
    try:
        metas = catalog.read_manifest(data_dir / catalog.DOCUMENTS_DIR / catalog.MANIFEST)
    except CorpusStoreError:
        return None  # the locked check below reports it
    if not any(m.content_hash == sha for m in metas):
        return None
    return next((d for d in catalog.added_documents(data_dir) if d.meta.content_hash == sha), None)


def accept_changes(data_dir: Path, name: str) -> DocumentMeta:
    """Record the current bytes of a stored plan (edited on purpose) as its content: `name` is
    its file name (`doc-1a2b3c4d5e.txt`, optionally with a `documents/` prefix) or doc_id. The
    file must still be a readable plan. Built-in plans are part of the code and are refused."""
    folder = Path(data_dir) / catalog.DOCUMENTS_DIR
    wanted = PurePath(str(name).replace("\\", "/")).name
    with exclusive_lock(folder / _LOCK_FILE):
        metas = catalog.read_manifest(folder / catalog.MANIFEST)
        index = next((i for i, m in enumerate(metas) if wanted in (m.source_file, m.doc_id)), None)
        if index is None:
            builtin = any(wanted in (m.source_file, m.doc_id) for m in catalog.read_manifest(catalog.PLANS_DIR / catalog.MANIFEST))
            raise IngestError(f"{_clip(name)} is a built-in plan; restore it from the repository instead" if builtin
                              else f"no added plan is stored as {_clip(name)}; see python -m assistant list")
        old = metas[index]
        try:
            data = (folder / old.source_file).read_bytes()
        except OSError as err:
            raise IngestError(f"cannot read {catalog.DOCUMENTS_DIR}/{old.source_file}: {err.strerror or err}") from None
        parse_source(read_source(data, PurePath(old.source_file).suffix), old)  # still a readable plan
        metas[index] = replace(old, content_hash=hashlib.sha256(data).hexdigest())
        _write_manifest(folder, metas)
    return metas[index]


def _clip(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _write_manifest(folder: Path, metas: list[DocumentMeta]) -> None:
    rows = json.dumps([asdict(m) for m in metas], ensure_ascii=False, indent=2) + "\n"
    atomic_write(folder / catalog.MANIFEST, rows.encode("utf-8"))


def clean_temp_files(data_dir: Path) -> int:
    """Remove what a killed writer left in the documents folder: atomic_write temp files, and a
    stored plan file that no manifest entry names (killed between storing the file and writing
    the manifest; adding the plan again stores it again). -> how many files were removed."""
    folder = Path(data_dir) / catalog.DOCUMENTS_DIR
    if not folder.is_dir():
        return 0
    removed = 0
    with exclusive_lock(folder / _LOCK_FILE):
        for stale in folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
            removed += 1
        try:
            named = {m.source_file for m in catalog.read_manifest(folder / catalog.MANIFEST)}
        except CorpusStoreError:
            return removed  # never guess what a damaged manifest held
        for path in folder.iterdir():
            if _STORED_RE.match(path.name) and path.name not in named and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _too_big(max_bytes: int) -> str:
    return f"file is larger than the {max_bytes / (1024 * 1024):g} MB limit"


def _valid_date(value: str) -> str:
    if not value:
        return ""
    try:
        if not _DATE_RE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise IngestError(f"date must be YYYY-MM-DD, got '{_clip(value)}'") from None
    return value


def _valid_doc_id(value: str) -> str:
    if not isinstance(value, str) or not _DOC_ID_RE.match(value):
        raise IngestError("doc_id must be a lowercase ascii slug (a-z, 0-9, '-'), at most 64 characters")
    return value


def _stem_title(filename: str) -> str:
    """A fallback title from the client's file name (display only; never used for paths)."""
    return PurePath(str(filename).replace("\\", "/")).stem.strip()[:100]
