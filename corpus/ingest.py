"""Add a plan to the data directory: validate, store a copy, update the manifest atomically.

Layout: <data_dir>/documents/<doc_id><ext> plus <data_dir>/documents/manifest.json. Writers
serialise on an fcntl lock file, so concurrent ingests (threads or processes) all land.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath

from corpus import catalog, structure
from corpus.chunker import paragraphs, parse_plan
from corpus.errors import IngestError
from corpus.fsutil import atomic_write, exclusive_lock
from corpus.model import Document, DocumentMeta
from corpus.readers import SUPPORTED_SUFFIXES, read_plan_bytes

MAX_BYTES = 10 * 1024 * 1024
_DOC_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOCK_FILE = ".lock"


@dataclass(frozen=True)
class IngestResult:
    document: Document
    duplicate: bool  # the same bytes were already in the corpus; nothing was written


def ingest_file(
    path: Path,
    data_dir: Path,
    *,
    city: str,
    province: str = "",
    title: str = "",
    doc_number: str = "",
    date: str = "",
    issuer: str = "",
    doc_id: str | None = None,
    max_bytes: int = MAX_BYTES,
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
    )


def ingest_bytes(
    data: bytes,
    filename: str,
    data_dir: Path,
    *,
    city: str,
    province: str = "",
    title: str = "",
    doc_number: str = "",
    date: str = "",
    issuer: str = "",
    doc_id: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> IngestResult:
    """Add an uploaded plan. Only the suffix of `filename` is used (to pick the reader); the
    stored name is derived from `doc_id`. Same bytes as a known plan -> duplicate, no write."""
    if len(data) > max_bytes:
        raise IngestError(_too_big(max_bytes))
    suffix = PurePath(str(filename).replace("\\", "/")).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type '{suffix or '(none)'}' (expected .txt, .docx or .pdf)")
    city, province, title = _required(city, "city"), province.strip(), title.strip()
    date = _valid_date(date.strip())
    sha = hashlib.sha256(data).hexdigest()
    doc_id = _valid_doc_id(doc_id) if doc_id else f"doc-{sha[:10]}"

    text = read_plan_bytes(data, suffix)  # refuses empty / garbage / image-only PDFs
    if not title:
        title = structure.detect_title([p.text for p in paragraphs(text)]) or _stem_title(filename) or doc_id
    meta = DocumentMeta(
        doc_id=doc_id, city=city, province=province, title=title, issuer=issuer.strip(),
        doc_number=doc_number.strip(), date=date, source_file=f"{doc_id}{suffix}", content_hash=sha,
    )
    document = parse_plan(text, meta)  # fills what the text states and was not given (corpus.metadata)
    if not document.chunks:
        raise IngestError("document has no text paragraphs")
    meta = document.meta

    folder = Path(data_dir) / catalog.DOCUMENTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder / _LOCK_FILE):  # also excludes other threads (flock is per open file)
        known = catalog.builtin_documents() + catalog.added_documents(Path(data_dir))
        same = next((d for d in known if d.meta.content_hash == sha), None)
        if same is not None:
            return IngestResult(document=same, duplicate=True)
        if any(d.meta.doc_id == doc_id for d in known):
            raise IngestError(f"doc_id '{doc_id}' is already used by another document")
        target = folder / meta.source_file
        atomic_write(target, data)
        try:
            metas = catalog.read_manifest(folder / catalog.MANIFEST) + [meta]
            rows = json.dumps([asdict(m) for m in metas], ensure_ascii=False, indent=2) + "\n"
            atomic_write(folder / catalog.MANIFEST, rows.encode("utf-8"))
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    return IngestResult(document=document, duplicate=False)


def _too_big(max_bytes: int) -> str:
    return f"file is larger than the {max_bytes / (1024 * 1024):g} MB limit"


def _required(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise IngestError(f"{name} must be a non-empty string")
    return value.strip()


def _valid_date(value: str) -> str:
    if not value:
        return ""
    try:
        if not _DATE_RE.match(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise IngestError(f"date must be YYYY-MM-DD, got '{value}'") from None
    return value


def _valid_doc_id(value: str) -> str:
    if not isinstance(value, str) or not _DOC_ID_RE.match(value):
        raise IngestError("doc_id must be a lowercase ascii slug (a-z, 0-9, '-'), at most 64 characters")
    return value


def _stem_title(filename: str) -> str:
    """A fallback title from the client's file name (display only; never used for paths)."""
    return PurePath(str(filename).replace("\\", "/")).stem.strip()[:100]
