"""Bulk import resumed after `kill -9`: nothing lost, nothing twice.

`python -m assistant add FOLDER` (a real subprocess) over small real PDFs from eval/real/pdfs
and a plan written by the test is killed with SIGKILL at a chosen moment, then the same
command is run again. The data dir must then hold exactly what a clean, uninterrupted run
holds: the same manifest (every field of every entry), each plan stored once, no stray file,
a complete index (nothing pending) over the same chunks, and each document found by search,
by keywords and by meaning.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.catalog import DOCUMENTS_DIR, MANIFEST
from corpus.ingest import clean_temp_files
from index.engine import SearchIndex
from index.store import EMBEDDINGS_DIR, current_manifest, ensure_index, load_index

from .helpers import plan_text

pytestmark = pytest.mark.slow

REPO_DIR = Path(__file__).resolve().parents[2]
# One- and two-page real PDFs (a national 公告 and 意见, a provincial 方案, a city's 政策措施).
PDFS = ("131.pdf", "187.pdf", "23.pdf", "351.pdf")
TIMEOUT_S = 600


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The folder imported: the PDFs (one in a subfolder), the plan text, and files the import
    must refuse or skip."""
    root = tmp_path_factory.mktemp("library")
    (root / "sub").mkdir()
    for i, name in enumerate(PDFS):
        shutil.copy(REPO_DIR / "eval" / "real" / "pdfs" / name, (root / "sub" if i == 2 else root) / name)
    (root / "zz-plan.txt").write_text(plan_text("鄂州市", 77), encoding="utf-8")
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (root / "notes.md").write_text("not a plan", encoding="utf-8")
    return root


def _data_dir(root: Path, shared: Path) -> Path:
    """A fresh data dir whose embedding cache holds only the built-in plans' windows."""
    root.mkdir()
    shutil.copytree(shared / EMBEDDINGS_DIR, root / EMBEDDINGS_DIR)
    return root


class _Run:
    """`python -m assistant add FOLDER` in a subprocess, its output read line by line as it comes."""

    def __init__(self, data_dir: Path, folder: Path) -> None:
        env = {**os.environ, "OMP_NUM_THREADS": "1", "POLICYQA_DATA_DIR": ""}
        self.child = subprocess.Popen(
            [sys.executable, "-m", "assistant", "add", str(folder), "--data-dir", str(data_dir)],
            cwd=REPO_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.child.stdout, self.out), (self.child.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def kill_when(self, ready: Callable[["_Run"], bool]) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and self.child.poll() is None and not ready(self):
            time.sleep(0.01)
        assert self.child.poll() is None, f"the import ended before the kill: {self.err[-5:]}"
        os.kill(self.child.pid, signal.SIGKILL)
        self.wait()
        assert self.child.returncode == -signal.SIGKILL

    def wait(self) -> int:
        code = self.child.wait(timeout=TIMEOUT_S)
        for reader in self._readers:
            reader.join(timeout=30)
        return code


def _complete(data_dir: Path, folder: Path) -> _Run:
    run = _Run(data_dir, folder)
    assert run.wait() == 4, run.err[-5:]  # old.doc is refused: exit code 4, everything else in
    return run


@pytest.fixture(scope="module")
def clean(folder, search_index, tmp_path_factory) -> dict:
    """An uninterrupted import of the folder: what every resumed one must equal."""
    data_dir = _data_dir(tmp_path_factory.mktemp("clean") / "data", search_index.data_dir)
    run = _complete(data_dir, folder)
    return {"dir": data_dir, "out": run.out, "err": run.err}


def _manifest(data_dir: Path) -> list[dict]:
    return json.loads((data_dir / DOCUMENTS_DIR / MANIFEST).read_text(encoding="utf-8"))


def _stored_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / DOCUMENTS_DIR).iterdir() if not p.name.startswith("."))


def test_a_clean_import_reports_every_file(clean, folder):
    lines = clean["out"]
    added = [line for line in lines if line.startswith("added ")]
    assert len(added) == 5 and all(" chunks (" in line for line in added)
    assert any("[市 成都市]" in line for line in added) and any("[国家 全国]" in line for line in added)
    assert [line for line in lines if line.startswith("refused ")] == [
        f"refused {folder / 'old.doc'}: .doc files cannot be read: save it as .docx or .pdf and add that"]
    assert lines[-1].startswith("6 files: 5 added, 0 duplicate, 1 refused, 1 other files skipped; index: ")
    assert clean["err"][-1] == "error: 1 of 6 files refused (listed above)"
    assert any(line.startswith("[1/5] reading ") for line in clean["err"])
    assert "Traceback" not in "\n".join(clean["err"])


def _assert_same_as_clean(data_dir: Path, clean_dir: Path, embedder) -> None:
    manifest = _manifest(data_dir)
    assert manifest == _manifest(clean_dir)  # the same plans, each once, in the same order
    assert len({row["doc_id"] for row in manifest}) == len({row["content_hash"] for row in manifest}) == 5
    assert _stored_files(data_dir) == _stored_files(clean_dir) == sorted([MANIFEST, *(r["source_file"] for r in manifest)])
    index = SearchIndex(data_dir, embedder, load_index(data_dir, embedder))  # verified, and of this corpus
    reference = load_index(clean_dir, embedder)
    assert index.manifest.pending == 0 and index.manifest.corpus_hash == reference.manifest.corpus_hash
    assert [c.chunk_id for c in index.chunks] == [c.chunk_id for c in reference.chunks]
    assert index.manifest.windows == reference.manifest.windows
    assert len({c.chunk_id for c in index.chunks}) == len(index.chunks)
    for row in manifest:  # each document found by its title, by keywords and by meaning
        for mode in ("hybrid", "bm25", "dense"):
            hits = index.search(row["title"], mode=mode, top_k=10, auto_filter=False)
            assert row["doc_id"] in {h.chunk.doc_id for h in hits}, (mode, row["title"])


def _stored_count(data_dir: Path) -> int:
    path = data_dir / DOCUMENTS_DIR / MANIFEST
    try:
        return len(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return 0


KILL_POINTS = {
    # right after the first file is committed: the rest is not read yet
    "after-first-file": lambda run: any(line.startswith("added ") for line in run.out),
    # while the files are read, once a keyword-search build made the first ones searchable
    "after-keyword-build": lambda run: any(line.startswith("searchable by keywords") for line in run.err),
    # while the new windows are embedded (a batch at least is in the embedding cache)
    "mid-embedding": lambda run: any(line.startswith("embedding: ") and "(100%)" not in line for line in run.err),
}


@pytest.mark.parametrize("moment", list(KILL_POINTS))
def test_an_import_killed_and_run_again_ends_as_a_clean_one(moment, folder, clean, search_index, tmp_path):
    data_dir = _data_dir(tmp_path / "data", search_index.data_dir)
    killed = _Run(data_dir, folder)
    killed.kill_when(KILL_POINTS[moment])
    stored = _stored_count(data_dir)
    print(f"killed {moment}: {stored} of 5 plans stored")
    assert 1 <= stored <= 5
    if moment == "after-keyword-build":  # what was read before the kill is searchable by keywords
        state = load_index(data_dir, search_index.embedder, check_corpus=False)
        served = {m.doc_id for m in state.documents} - {"anshun", "sanmenxia", "tieling", "anyang", "dingzhou"}
        assert served and state.manifest.pending > 0  # searched by keywords, not embedded yet
        index = SearchIndex(data_dir, search_index.embedder, state)
        for doc_id in served:
            title = next(m.title for m in state.documents if m.doc_id == doc_id)
            assert doc_id in {h.chunk.doc_id for h in index.search(title, mode="bm25", top_k=5, auto_filter=False)}
            assert doc_id in {h.chunk.doc_id for h in index.search(title, top_k=10, auto_filter=False)}
    if moment == "after-first-file":  # `index` alone (ensure_index) repairs: what is stored is indexed
        ensure_index(data_dir, search_index.embedder)
        state = load_index(data_dir, search_index.embedder)  # verified against the stored corpus
        assert state.manifest.pending == 0 and len(state.documents) == 5 + stored
    if moment == "mid-embedding":
        assert stored == 5 and current_manifest(data_dir).pending > 0  # every plan in, by keywords

    again = _complete(data_dir, folder)
    duplicates = [line for line in again.out if line.startswith("duplicate ")]
    added = [line for line in again.out if line.startswith("added ")]
    assert len(duplicates) == stored and len(added) == 5 - stored  # what was in is not added twice
    assert "Traceback" not in "\n".join(again.err)
    _assert_same_as_clean(data_dir, clean["dir"], search_index.embedder)


def test_a_plan_file_stored_without_its_manifest_entry_is_removed(clean, tmp_path):
    """A kill between storing a file and writing the manifest leaves a file no entry names: the
    next `index` (or server start) removes it; adding the plan again stores it again."""
    data_dir = tmp_path / "data"
    shutil.copytree(clean["dir"] / DOCUMENTS_DIR, data_dir / DOCUMENTS_DIR)
    stray = data_dir / DOCUMENTS_DIR / "doc-0123456789.pdf"
    stray.write_bytes(b"%PDF-1.4 half of a plan")
    temp = data_dir / DOCUMENTS_DIR / ".manifest.json.abc.tmp"
    temp.write_bytes(b"[")
    assert clean_temp_files(data_dir) == 2
    assert _stored_files(data_dir) == _stored_files(clean["dir"])
