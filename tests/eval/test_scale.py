"""The scale curve on tiny sizes: output structure and recall against exact search."""
from __future__ import annotations

import json

import numpy as np
import pytest

from eval import scale
from eval.synthetic import build_corpus, project_tokenizer, real_sentences, synthetic_queries, synthetic_vectors


def test_recall_at_k_counts_overlap_with_exact_top_k():
    exact = np.array([[1, 2, 3], [4, 5, 6]])
    approx = np.array([[3, 2, 9], [7, 8, -1]])
    assert scale.recall_at_k(approx, exact, k=3) == pytest.approx((2 / 3 + 0) / 2)
    assert scale.recall_at_k(exact, exact, k=3) == 1.0


def test_recall_ignores_missing_ids_and_rejects_mismatched_rows():
    exact = np.array([[-1, 1]])
    assert scale.recall_at_k(np.array([[-1, 2]]), exact, k=2) == 0.0
    with pytest.raises(ValueError):
        scale.recall_at_k(np.zeros((2, 3)), np.zeros((1, 3)), k=3)


def test_synthetic_corpus_varies_cities_and_figures():
    sentences = real_sentences()
    assert len(sentences) > 200
    corpus = build_corpus(300, sentences, project_tokenizer(), n_queries=10, seed=3)
    assert corpus.n_chunks == 300 and len(corpus.queries) == 10
    texts = {"".join(corpus.tokens(i)) for i in range(corpus.n_chunks)}
    assert len(texts) == corpus.n_chunks  # recombined, not duplicates
    first_tokens = {corpus.tokens(i)[0] for i in range(corpus.n_chunks)}
    assert len(first_tokens) > 20  # many different cities
    assert all(q for q in corpus.query_tokens)


def test_synthetic_vectors_are_unit_and_queries_share_the_centres():
    xb = synthetic_vectors(2000, 32, distribution="clustered", seed=1)
    xq = synthetic_queries(50, 32, distribution="clustered", seed=1, corpus_size=2000)
    assert np.allclose(np.linalg.norm(xb, axis=1), 1.0, atol=1e-5)
    # Clustered queries sit near corpus points: far closer than to uniform noise.
    noise = synthetic_vectors(2000, 32, distribution="uniform", seed=9)
    assert (xq @ xb.T).max(axis=1).mean() > (xq @ noise.T).max(axis=1).mean() + 0.1
    with pytest.raises(ValueError):
        synthetic_vectors(10, 8, distribution="gaussian")


def test_dense_sweep_recall_is_measured_against_exact_search():
    out = scale.bench_dense(3000, "uniform", 40, hnsw=True, ivf=True, build_threads=1)
    assert out["flat"]["recall_at_10"] == 1.0
    ivf = out["ivf"]["sweep"]
    recalls = [p["recall_at_10"] for p in ivf]
    # More lists probed can only find more of the exact neighbours.
    assert recalls == sorted(recalls)
    assert recalls[0] < 0.9  # one list of many misses most neighbours of uniform data
    assert all(0.0 <= r <= 1.0 for r in recalls)
    chosen = out["ivf"]["chosen"]
    assert chosen is None or chosen["recall_at_10"] >= scale.RECALL_TARGET


def test_run_scale_writes_json_and_png(tmp_path):
    result = scale.run_scale([500, 1000], tmp_path, n_queries=20, rank_bm25_queries=5, name="tiny",
                             log=lambda _: None)
    data = json.loads((tmp_path / "bench-tiny.json").read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(result))
    assert (tmp_path / "bench-tiny.png").stat().st_size > 1000
    assert [p["n_chunks"] for p in data["points"]] == [500, 1000]
    for point in data["points"]:
        bm = point["bm25"]
        assert bm["bm25s"]["p95_ms"] >= bm["bm25s"]["p50_ms"] > 0
        assert bm["top10_agreement"] > 0.9  # bm25s scores like rank-bm25's BM25Okapi
        dense = point["dense"]["clustered"]
        assert {"flat", "hnsw", "ivf"} <= set(dense)
    assert data["meta"]["tokenisation"]["chunks_per_s"] > 0
    assert len(data["recommendation"]["by_size"]) == 2


def test_cli_rejects_bad_sizes(capsys):
    assert scale.main(["--sizes", "ten"]) == 2
    assert "--sizes" in capsys.readouterr().err
