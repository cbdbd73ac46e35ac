"""The corpus: built-in plans (corpus/plans/) plus plans added under <data_dir>/documents/."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path

from corpus.chunker import parse_plan
from corpus.errors import IngestError
from corpus.model import Document, DocumentMeta
from corpus.readers import read_plan_text

PLANS_DIR = Path(__file__).resolve().parent / "plans"
MANIFEST = "manifest.json"
DOCUMENTS_DIR = "documents"
_META_FIELDS = tuple(f.name for f in fields(DocumentMeta))


def read_manifest(path: Path) -> list[DocumentMeta]:
    """DocumentMeta records of a manifest file; a missing manifest is an empty list."""
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [DocumentMeta.from_row(row) for row in rows]
    except (ValueError, TypeError, AttributeError) as err:
        raise IngestError(f"corrupt manifest {path.name}: {err}") from None


def builtin_documents() -> list[Document]:
    """The five built-in plans, parsed once per process."""
    return list(_builtin_documents())


@lru_cache(maxsize=1)
def _builtin_documents() -> tuple[Document, ...]:
    return tuple(_load(PLANS_DIR, meta) for meta in read_manifest(PLANS_DIR / MANIFEST))


def added_documents(data_dir: Path) -> list[Document]:
    """Plans added with `ingest_file` / the upload endpoint, in the order they were added."""
    folder = Path(data_dir) / DOCUMENTS_DIR
    return [_load_cached(folder, meta) for meta in read_manifest(folder / MANIFEST)]


def load_corpus(data_dir: Path | None = None) -> list[Document]:
    """Built-in plans followed by the plans added under `data_dir` (none when it is None)."""
    documents = builtin_documents()
    if data_dir is not None:
        documents.extend(added_documents(Path(data_dir)))
    return documents


def corpus_hash(documents: list[Document]) -> str:
    """sha256 over every document's metadata and every chunk field: changes iff chunks change."""
    digest = hashlib.sha256()
    for document in documents:
        payload = {"meta": asdict(document.meta), "chunks": [asdict(c) for c in document.chunks]}
        digest.update(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _load(folder: Path, meta: DocumentMeta) -> Document:
    if not meta.source_file or Path(meta.source_file).name != meta.source_file:
        raise IngestError(f"manifest entry {meta.doc_id!r} has an unsafe file name")
    return parse_plan(read_plan_text(folder / meta.source_file), meta)


@lru_cache(maxsize=256)
def _load_cached(folder: Path, meta: DocumentMeta) -> Document:
    # Keyed on the full meta (content_hash included): a replaced file gets a new entry.
    return _load(folder, meta)
