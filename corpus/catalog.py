"""The corpus: built-in plans (corpus/plans/) plus plans added under <data_dir>/documents/.

Every stored plan is verified against the sha256 recorded when it was added, each time it is
read: a plan whose bytes changed, or that is missing or unreadable, is left out and reported
(`scan_corpus(...).problems`), never silently re-read; the rest of the corpus still loads.
A deliberate edit is accepted with `python -m assistant index --accept-changes FILE`.

What reading an added plan produced is kept in <data_dir>/parsed/ (corpus.parsed_cache), so a
process start does not read every PDF again: the stored file is still read and its sha256
checked against the manifest every time, and only then is the cached parse used.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from corpus.chunker import parse_source
from corpus.errors import CorpusStoreError, IngestError, PlanIntegrityError
from corpus.model import Document, DocumentMeta
from corpus.parsed_cache import ParsedCache
from corpus.readers import read_source

PLANS_DIR = Path(__file__).resolve().parent / "plans"
MANIFEST = "manifest.json"
DOCUMENTS_DIR = "documents"


@dataclass(frozen=True)
class PlanProblem:
    """A stored plan (or the documents manifest) that cannot be served."""

    doc_id: str  # "" when the documents manifest itself is unreadable
    file: str  # relative to the data dir (or the repository for built-in plans), never absolute
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class CorpusScan:
    documents: list[Document]
    problems: tuple[PlanProblem, ...]


def read_manifest(path: Path) -> list[DocumentMeta]:
    """DocumentMeta records of a manifest file; a missing manifest is an empty list.
    An unreadable one raises CorpusStoreError naming it (relative to its data dir)."""
    if not path.exists():
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [DocumentMeta.from_row(row) for row in rows]
    except (OSError, ValueError, TypeError, AttributeError, KeyError) as err:
        name = f"{path.parent.name}/{path.name}"
        raise CorpusStoreError(f"{name} is unreadable ({type(err).__name__}); restore it from a "
                               f"backup or remove it to start an empty list of added plans") from None


def builtin_documents() -> list[Document]:
    """The built-in plans that verify, parsed once per process."""
    return list(_builtin_scan()[0])


@lru_cache(maxsize=1)
def _builtin_scan() -> tuple[tuple[Document, ...], tuple[PlanProblem, ...]]:
    documents, problems = _scan(PLANS_DIR, read_manifest(PLANS_DIR / MANIFEST), "corpus/plans", cached=False)
    return tuple(documents), tuple(problems)


def added_documents(data_dir: Path) -> list[Document]:
    """Plans added with `ingest_file` / the upload endpoint that verify, in the order added."""
    return _scan_added(Path(data_dir))[0]


def scan_corpus(data_dir: Path | None = None) -> CorpusScan:
    """Built-in plans followed by the plans added under `data_dir`, each verified against its
    recorded sha256; what cannot be served is left out and listed in `problems`."""
    documents, problems = list(_builtin_scan()[0]), list(_builtin_scan()[1])
    if data_dir is not None:
        added, added_problems = _scan_added(Path(data_dir))
        documents.extend(added)
        problems.extend(added_problems)
    return CorpusScan(documents, tuple(problems))


def load_corpus(data_dir: Path | None = None) -> list[Document]:
    """The documents of `scan_corpus` (problem plans left out)."""
    return scan_corpus(data_dir).documents


def _scan_added(data_dir: Path) -> tuple[list[Document], list[PlanProblem]]:
    folder = data_dir / DOCUMENTS_DIR
    try:
        metas = read_manifest(folder / MANIFEST)
    except CorpusStoreError as err:
        return [], [PlanProblem("", f"{DOCUMENTS_DIR}/{MANIFEST}", str(err))]
    return _scan(folder, metas, DOCUMENTS_DIR, cached=True)


def _scan(folder: Path, metas: list[DocumentMeta], label: str, cached: bool
          ) -> tuple[list[Document], list[PlanProblem]]:
    documents, problems = [], []
    for meta in metas:
        try:
            documents.append(_load_cached(folder, meta, _stamp(folder, meta)) if cached else _load(folder, meta))
        except IngestError as err:  # PlanIntegrityError, or a file the readers refuse
            problems.append(PlanProblem(meta.doc_id, f"{label}/{meta.source_file}", str(err)))
    return documents, problems


def corpus_hash(documents: list[Document]) -> str:
    """sha256 over every document's metadata and every chunk field: changes iff chunks change."""
    digest = hashlib.sha256()
    for document in documents:
        payload = {"meta": asdict(document.meta), "chunks": [asdict(c) for c in document.chunks]}
        digest.update(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def plan_bytes(folder: Path, meta: DocumentMeta) -> bytes:
    """The stored bytes of a plan, verified against `meta.content_hash`."""
    if not meta.source_file or Path(meta.source_file).name != meta.source_file:
        raise PlanIntegrityError(f"manifest entry {meta.doc_id!r} has an unsafe file name")
    name = f"{folder.name}/{meta.source_file}"
    try:
        data = (folder / meta.source_file).read_bytes()
    except FileNotFoundError:
        raise PlanIntegrityError(f"plan {name} ({meta.doc_id}) is missing") from None
    except OSError as err:
        raise PlanIntegrityError(f"plan {name} ({meta.doc_id}) is unreadable: {err.strerror or err}") from None
    if meta.content_hash and hashlib.sha256(data).hexdigest() != meta.content_hash:
        fix = ("restore it from the repository" if folder == PLANS_DIR else
               f"if the edit is deliberate: python -m assistant index --accept-changes {meta.source_file}")
        raise PlanIntegrityError(f"plan {name} ({meta.doc_id}) changed on disk since it was added "
                                 f"(sha256 mismatch) and is left out; {fix}")
    return data


def _load(folder: Path, meta: DocumentMeta, cache: ParsedCache | None = None) -> Document:
    data = plan_bytes(folder, meta)  # verified against the manifest before any cached parse is used
    if cache is not None and (cached := cache.get(meta)) is not None:
        return cached
    try:
        source = read_source(data, Path(meta.source_file).suffix)
    except IngestError as err:
        raise PlanIntegrityError(f"plan {folder.name}/{meta.source_file} ({meta.doc_id}) cannot be read: {err}") from None
    document = parse_source(source, meta)
    if cache is not None:
        cache.put(meta, document)
    return document


def _stamp(folder: Path, meta: DocumentMeta) -> tuple[int, int, int]:
    """(inode, size, mtime) of the stored file: a file changed on disk misses the cache."""
    try:
        st = os.stat(folder / meta.source_file)
    except OSError:
        return (0, -1, 0)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=4096)
def _load_cached(folder: Path, meta: DocumentMeta, stamp: tuple[int, int, int]) -> Document:
    # Keyed on the full meta (content_hash included) and the file's stat: a file edited in
    # place is read, and verified, again. Across processes: the parsed cache of the data dir.
    del stamp
    return _load(folder, meta, ParsedCache(folder.parent))


def prune_parsed(data_dir: Path) -> int:
    """Remove parsed-cache entries no plan of the documents manifest uses; -> how many."""
    try:
        metas = read_manifest(Path(data_dir) / DOCUMENTS_DIR / MANIFEST)
    except CorpusStoreError:
        return 0  # never guess what a damaged manifest held
    return ParsedCache(Path(data_dir)).prune(metas)


def text_hash(document: Document) -> str:
    """sha256 of the plan's matching text (NFKC, no whitespace, no line breaks): the same text
    as UTF-8, UTF-8 with BOM, GBK, CRLF or with other spacing has the same text hash."""
    return hashlib.sha256("".join(c.match_text for c in document.chunks).encode("utf-8")).hexdigest()
