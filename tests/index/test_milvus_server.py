"""Two API replicas over one real Milvus server (POLICYQA_BACKEND=milvus).

One Milvus standalone server for the module (scripts/milvus-server.sh: the registry's Milvus
2.3 server in .milvus-venv, on loopback) and two `python -m assistant serve` processes pointed
at it, each with its own data dir. The kill test runs last: it ends replica A.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from eval.replicas import (FLAGSHIP, concurrent_uploads, answer_text, documents, kill_under_load, milvus_server, plan_bytes,
                           replicas, search_hits, store_counts, upload, wait_visible)

pytestmark = pytest.mark.slow
COLLECTION = "replica_test"


@pytest.fixture(scope="module")
def milvus(tmp_path_factory):
    with milvus_server(tmp_path_factory.mktemp("milvus-server")) as server:
        yield server


@pytest.fixture(scope="module")
def pair(milvus, search_index, tmp_path_factory):
    work = tmp_path_factory.mktemp("replicas")
    with replicas(milvus.uri, COLLECTION, work, Path(search_index.data_dir)) as servers:
        yield servers


def test_the_server_is_a_real_milvus_without_bm25_function(milvus, pair):
    from index.milvus import MilvusSettings
    from index.milvus_store import SharedStore

    store = SharedStore(MilvusSettings(uri=milvus.uri, collection=COLLECTION), dim=384)
    try:
        caps = store.capabilities
        assert not caps.lite and caps.version.startswith("v2.3")
        assert not caps.bm25_function and not caps.sparse_vectors
    finally:
        store.close()
    log = pair[0].log_path.read_text(encoding="utf-8", errors="replace")
    assert "BM25 path: client" in log and "the server has no BM25 function" in log


def test_flagship_question_through_both_replicas(pair):
    for server in pair:
        assert FLAGSHIP[1] in answer_text(server, FLAGSHIP[0])
        hits = search_hits(server, FLAGSHIP[0], top_k=3)
        assert "城镇清洁取暖率达到70%以上" in hits[0]["text"]
        assert len(documents(server)) >= 5  # the built-in plans, from the shared store


def test_metadata_filters_through_a_replica(pair):
    """The metadata filters on the server backend: resolved to doc_ids against the store's
    documents (index.filters), the dense search filtered by Milvus (`doc_id in [...]`)."""
    with httpx.Client(base_url=pair[1].base_url, timeout=60) as http:
        def places(filters: dict) -> set[str]:
            resp = http.post("/api/v1/search", json={"query": "节能降碳 能耗", "top_k": 50, "filters": filters})
            resp.raise_for_status()
            return {r["city"] for r in resp.json()["results"]}

        assert places({"province": "河南"}) == {"安阳市", "三门峡市"}
        assert places({"city": "保定"}) == {"定州市"}  # a county-level city of 保定市
        assert places({"level": "县"}) == {"定州市"}
        assert places({"year": 2022}) == {"安顺市", "定州市"}
        assert places({"issuer": "三门峡市人民政府", "doc_type": "方案"}) == {"三门峡市"}
        assert http.post("/api/v1/search", json={"query": "能耗", "filters": {"level": "乡"}}).status_code == 422


def test_upload_through_one_replica_is_found_through_the_other(pair):
    a, b = pair
    sent = time.monotonic()
    resp = upload(a, plan_bytes("复制测试市", 7), "复制测试市")
    assert resp.status_code == 202, resp.text
    delay = wait_visible(b, "复制测试市城镇清洁取暖率", "城镇清洁取暖率达到57%以上", sent)
    assert delay < 30  # REFRESH_S + GRACE_S + the read, with room for a loaded machine
    assert "57%" in answer_text(b, "复制测试市2025年城镇清洁取暖率是多少？")
    assert any(d["city"] == "复制测试市" for d in documents(b))
    with httpx.Client(base_url=b.base_url, timeout=60) as http:  # the targets table reads the shared store
        targets = http.get("/api/v1/targets", params={"city": "复制测试市"}).json()["targets"]
        assert any(t["value"] == "57%" and "清洁取暖率" in t["indicator"] for t in targets), targets
        assert http.get("/ui/").status_code == 200  # the chat page is served by the replica
    # the same bytes through B: B already serves it from the shared store
    again = upload(b, plan_bytes("复制测试市", 7), "复制测试市")
    assert again.status_code == 200 and again.json()["duplicate"] is True


def test_concurrent_uploads_through_both_land_exactly_once(milvus, pair):
    a, b = pair
    statuses = concurrent_uploads(a, b)
    assert all(s in (200, 202) for s in statuses), statuses
    counts = store_counts(milvus.uri, COLLECTION)
    assert all(c["plans"] == 1 for c in counts.values()), counts  # one document row per plan
    ids = [d["doc_id"] for d in documents(a)]
    assert len(ids) == len(set(ids)) == len(counts)
    assert sorted(ids) == sorted(d["doc_id"] for d in documents(b))
    # each plan's window rows once: as many as its chunks embed to (small plans: one per chunk)
    for d in documents(a):
        assert counts[d["doc_id"]]["windows"] >= d["chunks"]
    small = [d for d in documents(a) if d["city"].startswith("并发")]
    assert len(small) == 3 and all(counts[d["doc_id"]]["windows"] == d["chunks"] for d in small)


def test_killing_one_replica_under_load_leaves_the_other_serving(pair):
    a, b = pair
    result = kill_under_load(a, b, clients=2, seconds=9.0)
    assert result["survivor"]["requests"] > 0 and result["survivor_after_kill"]["requests"] > 0
    assert result["survivor"]["errors"] == 0, result["survivor"]
    assert FLAGSHIP[1] in answer_text(b, FLAGSHIP[0])


def test_losing_milvus_leaves_the_replica_answering_from_what_it_holds(milvus, pair):
    """Runs after the kill test (B is the replica left). Milvus gone: the dense ranker is left
    out (logged), BM25 and the rerankers still answer from the chunks B holds."""
    import os
    import signal

    b = pair[1]
    os.killpg(milvus.pid, signal.SIGKILL)
    time.sleep(1)
    assert FLAGSHIP[1] in answer_text(b, FLAGSHIP[0])
    assert "城镇清洁取暖率达到70%以上" in search_hits(b, FLAGSHIP[0], top_k=3)[0]["text"]
    assert "dense search failed" in b.log_path.read_text(encoding="utf-8", errors="replace")
