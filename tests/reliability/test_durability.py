"""Durability, for real: `kill -9` of `python -m assistant index` and of `python -m assistant
add` (a subprocess each) mid-build; corrupted, truncated and foreign-format indexes refused by
the CLI with one line naming the file and the command that heals it.

Store-level versions of these rows live in tests/index/test_store.py
(test_kill_during_build_leaves_previous_index_complete, test_corruption_is_detected_and_rebuild_heals,
test_corrupt_pointer, test_other_embedder_is_detected_never_mixed).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from corpus.catalog import load_corpus
from index.engine import SearchIndex
from index.store import (
    BUILD_CMD, INDEX_DIR, MANIFEST, POINTER, REBUILD_CMD, IndexMismatchError, ensure_index, load_index,
)

from .helpers import index_fingerprint, plan_text, stored_documents, upload

pytestmark = pytest.mark.slow

REPO_DIR = Path(__file__).resolve().parents[2]
QUERY = "铁岭 2025年城镇清洁取暖率"


def _cli(data_dir: Path, *argv: str) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "POLICYQA_DATA_DIR": ""}
    return subprocess.Popen([sys.executable, "-m", "assistant", "--data-dir", str(data_dir), *argv],
                            cwd=REPO_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_when(child: subprocess.Popen, ready, timeout: float = 300) -> None:
    """SIGKILL `child` as soon as `ready()` is true; fail if it exits first."""
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and child.poll() is None and not ready():
            time.sleep(0.02)
        assert child.poll() is None and ready(), "the command finished or failed before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL


def _building(data_dir: Path) -> bool:
    return bool(list((data_dir / INDEX_DIR).glob(".tmp-*")))


@pytest.fixture
def built(search_index, fresh_data_dir) -> Path:
    """A data dir with a complete index (copied from the shared one) and the embedding cache."""
    shutil.copytree(search_index.data_dir / INDEX_DIR, fresh_data_dir / INDEX_DIR)
    load_index(fresh_data_dir, search_index.embedder)  # the copy verifies
    return fresh_data_dir


def _results(index: SearchIndex) -> list[tuple[str, float]]:
    return [(h.chunk.chunk_id, h.score) for h in index.search(QUERY)]


def test_kill_9_during_cli_index_keeps_the_previous_index(built, search_index):
    before_files = index_fingerprint(built)
    before = SearchIndex.open(built, embedder=search_index.embedder, build=False)
    expected = _results(before)

    _kill_when(_cli(built, "index", "--rebuild"), lambda: _building(built))

    assert _building(built), "the kill did not land mid-build"
    assert index_fingerprint(built) == before_files  # CURRENT and every file of its version
    after = SearchIndex.open(built, embedder=search_index.embedder, build=False)  # verifies checksums
    assert after.manifest == before.manifest and _results(after) == expected
    report = ensure_index(built, search_index.embedder, rebuild=True)  # the next build cleans up
    assert report.rebuilt and report.embedded == 0 and not _building(built)


def test_kill_9_during_cli_add_keeps_the_previous_index(built, search_index, tmp_path):
    corpus_before = load_corpus(built)
    before_files = index_fingerprint(built)
    expected = _results(SearchIndex.open(built, embedder=search_index.embedder, build=False))
    plan = tmp_path / "kill.txt"
    plan.write_text(plan_text("寅川市", 77), encoding="utf-8")

    _kill_when(_cli(built, "add", str(plan), "--city", "寅川市"), lambda: _building(built))

    # The plan file was stored (ingest finished), the index swap had not happened.
    assert len(stored_documents(built)) == 1
    assert {k: v for k, v in index_fingerprint(built).items() if k.startswith(INDEX_DIR)} == \
        {k: v for k, v in before_files.items() if k.startswith(INDEX_DIR)}
    previous = load_index(built, search_index.embedder, documents=corpus_before)  # complete, verified
    assert len(previous.chunks) == sum(len(d.chunks) for d in corpus_before)
    assert _building(built), "the kill did not land mid-build"
    # Reading without building serves the last good index and says, in one line, what is pending.
    with pytest.raises(IndexMismatchError, match="corpus changed"):
        SearchIndex.open(built, embedder=search_index.embedder, build=False)  # the strict check still sees it
    cli = _cli(built, "search", QUERY, "--json")
    out, err_text = cli.communicate(timeout=300)
    assert cli.returncode == 0 and "Traceback" not in err_text and "rebuild" not in err_text
    assert err_text.count("\n") == 1 and err_text.startswith("warning: plans were added or changed")
    assert json.loads(out)["results"][0]["chunk_id"] == expected[0][0]  # from the index built before
    # ... and the next open with build (server start, `add`, `index`) completes the add.
    healed = SearchIndex.open(built, embedder=search_index.embedder, build=True)
    assert [h.chunk.chunk_id for h in healed.search(QUERY)][:3] == [cid for cid, _ in expected][:3]
    top = healed.search("城镇清洁取暖率", filters=None, top_k=20)
    assert any(h.chunk.city == "寅川市" and "77%" in h.chunk.text for h in top)


def test_kill_9_of_the_server_during_a_large_upload_serves_the_previous_index_at_once(built, tmp_path):
    """The real server (a subprocess, as `make run` starts it) is killed while its job embeds a
    large upload, then restarted on the same data dir (the same run as `make load`'s last phase)."""
    from eval.load import restart_after_kill

    before_files = {k: v for k, v in index_fingerprint(built).items() if k.startswith(INDEX_DIR)}
    log_path = tmp_path / "server.log"
    result = restart_after_kill(built, log_path, paragraphs=150)
    print("restart after kill -9:", json.dumps(result, ensure_ascii=False))
    assert 0 < result["killed_at"]["embedded"] < result["killed_at"]["to_embed"]  # killed mid-embedding
    assert result["plan_searchable_by_keywords_before_kill"]  # keyword search first (index.store)
    assert result["served_previous_index"] and result["search_at_once"]
    assert result["job"] == {"status": "done", "resumed": True} and result["plan_searchable_after_job"]
    assert result["documents"]["after"] == result["documents"]["before"] + 1
    assert result["temp_files_after_resume"] == []
    assert {k: v for k, v in index_fingerprint(built).items() if k.startswith(INDEX_DIR)} != before_files
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and "ERROR" not in log


@pytest.mark.parametrize("target, damage", [
    ("chunks.jsonl", "truncate"), ("dense.faiss", "flip"), ("windows.npy", "empty"), ("documents.json", "delete"),
])
def test_cli_names_a_damaged_file_and_the_rebuild_command(built, target, damage):
    root = built / INDEX_DIR
    path = root / (root / POINTER).read_text().split()[0] / target
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        path.write_bytes(data[:100] + bytes([data[100] ^ 0x01]) + data[101:])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    child = _cli(built, "search", QUERY)
    out, err = child.communicate(timeout=300)
    assert child.returncode == 3 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: index file ")
    assert target in err and REBUILD_CMD in err and "Traceback" not in err


def test_missing_index_names_the_build_command(tmp_path):
    child = _cli(tmp_path / "nothing", "search", QUERY)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 3 and BUILD_CMD in err and err.count("\n") == 1


def test_index_of_another_format_version_is_refused(built, search_index):
    root = built / INDEX_DIR
    version = (root / POINTER).read_text().split()[0]
    manifest = json.loads((root / version / MANIFEST).read_text())
    manifest["format_version"] = 0  # as written by an older release
    raw = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    (root / version / MANIFEST).write_bytes(raw)
    (root / POINTER).write_text(f"{version} {hashlib.sha256(raw).hexdigest()}\n")  # a consistent old index

    with pytest.raises(IndexMismatchError, match="format 0, this code reads 1") as err:
        SearchIndex.open(built, embedder=search_index.embedder, build=False)
    assert REBUILD_CMD in str(err.value)
    child = _cli(built, "search", QUERY)
    _, err_text = child.communicate(timeout=300)
    assert child.returncode == 3 and "format 0" in err_text and REBUILD_CMD in err_text
    assert ensure_index(built, search_index.embedder).rebuilt  # rebuilt in the current format
    assert SearchIndex.open(built, embedder=search_index.embedder, build=False).manifest.format_version == 1


def test_index_of_another_embedder_is_refused_by_the_cli(built):
    root = built / INDEX_DIR
    version = (root / POINTER).read_text().split()[0]
    manifest = json.loads((root / version / MANIFEST).read_text())
    manifest["embedder_id"] = "st:some-other-model"
    raw = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    (root / version / MANIFEST).write_bytes(raw)
    (root / POINTER).write_text(f"{version} {hashlib.sha256(raw).hexdigest()}\n")
    child = _cli(built, "search", QUERY)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 3 and "built with embedder st:some-other-model" in err and REBUILD_CMD in err
