"""Parsed-document cache: what reading a stored plan produced, so a restart does not read it again.

Reading a PDF costs about a second per eight pages; a library of hundreds of PDFs would be read
again at every process start and every index refresh. Each added plan's parsed Document (its
metadata and chunks) is kept as one JSON file under <data_dir>/parsed/, named by a key over

- the plan's manifest entry (doc_id, given metadata and `content_hash`, the sha256 of the stored
  bytes, which the catalog verifies against the file before any cache look-up), and
- the reader fingerprint: `READER_VERSION`, a digest of the corpus package's own code and data
  files, and the versions of the libraries that read files (pdfplumber, pypdfium2, the OCR
  extra's, ...; a library not installed counts as version "").

So a plan whose bytes, metadata, reader code or reading libraries changed misses the cache and is
read again. An entry is trusted only when its header names the same key and the sha256 of its body
matches: a truncated, edited or foreign entry is read again (and rewritten), never used.
Writes are atomic (corpus.fsutil.atomic_write); a cache that cannot be written only costs time.
Bump `READER_VERSION` when what a plan reads to changes for a reason outside the corpus package
(the code digest catches edits inside it).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from corpus.fsutil import atomic_write
from corpus.model import Chunk, Document, DocumentMeta

log = logging.getLogger(__name__)

READER_VERSION = 1
PARSED_DIR = "parsed"
_PACKAGE_DIR = Path(__file__).resolve().parent
_CODE_SUFFIXES = (".py", ".tsv")
_READING_LIBRARIES = ("pdfplumber", "pdfminer.six", "pypdfium2", "python-docx", "charset-normalizer",
                      "opencc-python-reimplemented", "opencc", "rapidocr-onnxruntime", "onnxruntime")


@lru_cache(maxsize=1)
def reader_fingerprint() -> str:
    """sha256 over READER_VERSION, the corpus package's code and data files and the reading
    libraries' versions ("" when not installed: OCR installed or not changes it too)."""
    digest = hashlib.sha256(f"reader {READER_VERSION}\n".encode())
    for path in sorted(p for p in _PACKAGE_DIR.iterdir() if p.suffix in _CODE_SUFFIXES):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _READING_LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = ""
        digest.update(f"{name}={version}\n".encode())
    return digest.hexdigest()


def entry_key(meta: DocumentMeta) -> str:
    """The cache key of a manifest entry (its content_hash included) under this reader."""
    row = json.dumps(asdict(meta), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{reader_fingerprint()}\n{row}".encode("utf-8")).hexdigest()


class ParsedCache:
    """Parsed Documents of one data dir, keyed by `entry_key`."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / PARSED_DIR

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, meta: DocumentMeta) -> Document | None:
        """The cached Document of `meta`, or None (no entry, or one that does not verify).
        Only entries of plans with a recorded content_hash are used."""
        if not meta.content_hash:
            return None
        key = entry_key(meta)
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        try:
            header, _, body = raw.partition(b"\n")
            head = json.loads(header)
            if head.get("key") != key or head.get("sha256") != hashlib.sha256(body).hexdigest():
                raise ValueError("header does not match")
            row = json.loads(body)
            document = Document(meta=DocumentMeta.from_row(row["meta"]),
                                chunks=tuple(Chunk.from_row(c) for c in row["chunks"]))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("ignoring parsed-document cache entry %s: %s", self._path(key).name, exc)
            return None
        if document.meta.doc_id != meta.doc_id or document.meta.content_hash != meta.content_hash:
            return None
        return document

    def put(self, meta: DocumentMeta, document: Document) -> None:
        """Keep `document` (parsed from `meta`'s stored file) for the next process."""
        if not meta.content_hash:
            return
        key = entry_key(meta)
        body = json.dumps({"meta": asdict(document.meta), "chunks": [asdict(c) for c in document.chunks]},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"key": key, "sha256": hashlib.sha256(body).hexdigest(),
                             "reader": READER_VERSION}).encode("ascii")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self._path(key), header + b"\n" + body)
        except OSError as exc:  # a read-only or full disk: the plan is read again next time
            log.warning("cannot write the parsed-document cache: %s", exc.strerror or exc)

    def prune(self, metas: list[DocumentMeta]) -> int:
        """Remove entries of no plan in `metas` (stale readers, replaced content); -> removed."""
        if not self.folder.is_dir():
            return 0
        keep = {f"{entry_key(m)}.json" for m in metas}
        removed = 0
        for path in self.folder.iterdir():
            if path.name not in keep and (path.suffix == ".json" or path.name.endswith(".tmp")):
                path.unlink(missing_ok=True)
                removed += 1
        return removed
