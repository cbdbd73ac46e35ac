"""Benchmarks on the real corpus: query latency, HTTP throughput, index build, start-up, memory.

    python -m eval.bench [--name local] [--data-dir DIR] [--skip cold-build,server,milvus]

Writes eval/results/bench-<name>.json, .md and .png. Every figure stands next to a
reference measured in the same run (as a ratio), so machine noise - this machine has
two cores shared with other work - largely cancels: hybrid vs BM25 latency, bm25s vs
rank-bm25, approximate vs exact faiss, HTTP vs in-process, Milvus vs local.

Query latency: warm, one client, the distinct eval questions in order, query
embedding included (the embedder's query cache is emptied before each mode).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from index.types import MODES
from eval.scale import RESULTS_DIR, percentiles_ms, recall_at_k, rss_bytes

REPO_DIR = Path(__file__).resolve().parent.parent
WARMUP = ("节能减排目标", "清洁取暖", "工业园区循环化改造", "单位地区生产总值能耗", "挥发性有机物")
SECTIONS = ("queries", "bm25-impls", "faiss", "cold-build", "server", "milvus")
CLIENTS = 8


# -- helpers ----------------------------------------------------------------------

def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def forget_query_vectors(embedder: Any) -> None:
    """Empty the embedder's query cache so each mode pays for its query embedding."""
    clear = getattr(embedder, "clear_query_cache", None)
    if callable(clear):
        clear()


def distinct_queries(limit: int | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """(question, history) of the eval questions, first occurrence of each question text."""
    from eval.questions import load_questions

    seen: dict[str, tuple[str, tuple[str, ...]]] = {}
    for q in load_questions():
        seen.setdefault(q.question, (q.question, tuple(q.history)))
    out = list(seen.values())
    return out[:limit] if limit else out


def _latency(fn: Callable[[str, tuple[str, ...]], object], queries, warmup=WARMUP) -> dict:
    for w in warmup:
        fn(w, ())
    times = []
    for question, history in queries:
        t = time.perf_counter()
        fn(question, history)
        times.append(time.perf_counter() - t)
    return percentiles_ms(times)


# -- query latency -----------------------------------------------------------------

def bench_queries(index: Any, queries, milvus: bool, log: Callable[[str], None]) -> dict:
    from eval.runner import naive_query

    # Factories, not callables: each mode is set up right before it is measured, so one
    # mode's set-up (e.g. the milvus-lite server and its background indexing) never runs
    # during another mode's measurement.
    def make_plain(mode: str) -> Callable[[], Callable[..., Any]]:
        return lambda: (lambda q, h: index.search(naive_query(q, h), mode=mode, top_k=10))

    modes: dict[str, Callable[[], Callable[..., Any]]] = {m: make_plain(m) for m in MODES}

    def make_answer():
        from assistant.service import Assistant

        assistant = Assistant(index)
        return lambda q, h: assistant.answer(q, history=h)

    modes["answer"] = make_answer
    if milvus:
        from eval.bench_milvus import make_milvus_search

        def make_milvus(mode: str) -> Callable[[], Callable[..., Any]]:
            def factory() -> Callable[..., Any]:
                search = make_milvus_search(index, mode)
                return lambda q, h: search(q, h, 10)

            return factory

        for m in MODES:
            modes[f"milvus-{m}"] = make_milvus(m)
    out: dict = {}
    for name, factory in modes.items():
        log(f"[bench] latency: {name}")
        try:
            fn = factory()
        except ImportError as err:  # a part of the project that is not built here
            out[name] = {"skipped": str(err)}
            continue
        forget_query_vectors(index.embedder)
        out[name] = _latency(fn, queries)
    p50 = {k: v["p50_ms"] for k, v in out.items() if "p50_ms" in v}
    out["ratios_p50"] = {
        "dense/bm25": _ratio(p50.get("dense"), p50.get("bm25")),
        "hybrid/bm25": _ratio(p50.get("hybrid"), p50.get("bm25")),
        "answer/hybrid": _ratio(p50.get("answer"), p50.get("hybrid")),
        **{f"milvus-{m}/{m}": _ratio(p50.get(f"milvus-{m}"), p50.get(m)) for m in MODES
           if f"milvus-{m}" in p50},
    }
    return out


def bench_bm25_impls(index: Any, queries) -> dict:
    """bm25s (as index.bm25) vs rank-bm25 BM25Okapi over the same tokens and queries."""
    from rank_bm25 import BM25Okapi

    from index.bm25 import B, K1, index_text

    tok = index.bm25.tokenizer
    corpus = [tok.tokenize(index_text(c)) for c in index.chunks]
    qtoks = [tok.tokenize(q) for q, _ in queries]
    t = time.perf_counter()
    ref = BM25Okapi(corpus, k1=K1, b=B, epsilon=0.0)
    rank_build = time.perf_counter() - t

    def top(scores: np.ndarray) -> np.ndarray:
        k = min(10, len(scores))
        idx = np.argpartition(-scores, k - 1)[:k]
        return idx[np.argsort(-scores[idx])]

    def timed(fn) -> tuple[dict, list[np.ndarray]]:
        tops, times = [], []
        for q in qtoks:
            t0 = time.perf_counter()
            tops.append(top(fn(q)))
            times.append(time.perf_counter() - t0)
        return percentiles_ms(times), tops

    ours, ours_top = timed(lambda q: index.bm25.score_tokens(q))
    theirs, theirs_top = timed(lambda q: ref.get_scores(q))
    agree = recall_at_k(np.array(ours_top), np.array(theirs_top))
    return {"chunks": len(index.chunks), "bm25s": ours, "rank_bm25": {**theirs, "build_s": round(rank_build, 3)},
            "top10_agreement": round(agree, 4), "rank_bm25/bm25s_p50": _ratio(theirs["p50_ms"], ours["p50_ms"])}


def bench_faiss(index: Any, queries) -> dict:
    """Approximate (HNSW, IVF) vs exact faiss on the real window vectors and query vectors."""
    import faiss

    from index.dense import make_faiss_index

    stored = index.dense.index
    vectors = stored.reconstruct_n(0, stored.ntotal)
    qv = np.ascontiguousarray(index.embedder.embed_queries([q for q, _ in queries]), dtype=np.float32)
    out: dict = {"vectors": int(vectors.shape[0]), "dim": int(vectors.shape[1])}
    exact = None
    for kind in ("flat", "hnsw", "ivf"):
        fx = make_faiss_index(vectors, kind)
        _, ids = fx.search(qv, 10)
        if exact is None:
            exact = ids
        times = []
        for row in qv:
            t = time.perf_counter()
            fx.search(row[None, :], 10)
            times.append(time.perf_counter() - t)
        out[kind] = {**percentiles_ms(times), "recall_at_10": round(recall_at_k(ids, exact), 4),
                     "bytes": int(faiss.serialize_index(fx).nbytes)}
    out["hnsw/flat_p50"] = _ratio(out["hnsw"]["p50_ms"], out["flat"]["p50_ms"])
    out["ivf/flat_p50"] = _ratio(out["ivf"]["p50_ms"], out["flat"]["p50_ms"])
    return out


# -- index build -------------------------------------------------------------------

class TimedEmbedder:
    """Delegates to an embedder and adds up the time spent embedding passages."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.id, self.dim = inner.id, inner.dim
        self.passage_seconds = 0.0
        self.passages = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        t = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self.passage_seconds += time.perf_counter() - t
        self.passages += len(texts)
        return out


def bench_build(embedder: Any, log: Callable[[str], None]) -> dict:
    """Cold build in a fresh data dir with an empty embedding cache, then a no-change ensure."""
    from index.store import ensure_index

    timed = TimedEmbedder(embedder)
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
        log("[bench] cold build (embeds every window)")
        t = time.perf_counter()
        report = ensure_index(Path(tmp), timed)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        again = ensure_index(Path(tmp), timed)
        unchanged = time.perf_counter() - t
    emb = timed.passage_seconds
    return {
        "cold_build_s": round(cold, 2), "chunks": report.chunks, "windows_embedded": report.embedded,
        "embedding_s": round(emb, 2), "windows_per_s": round(timed.passages / emb, 2) if emb else None,
        "chunks_per_s": round(report.chunks / emb, 2) if emb else None,
        "non_embedding_build_s": round(cold - emb, 2),
        "no_change_ensure_s": round(unchanged, 3), "no_change_rebuilt": again.rebuilt,
        "cold/no_change": _ratio(cold, unchanged),
    }


# -- HTTP server -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_rss(pid: int) -> int:
    import psutil

    proc = psutil.Process(pid)
    return int(proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True)))


def load_test(base: str, path: str, bodies: Sequence[dict], clients: int = CLIENTS,
              per_client: int = 12, deadline_s: float = 90.0) -> dict:
    """`clients` threads, each POSTing up to `per_client` requests before the deadline."""
    import httpx

    lat: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + deadline_s

    def worker(c: int) -> None:
        with httpx.Client(base_url=base, timeout=60.0) as client:
            for i in range(per_client):
                if time.perf_counter() > stop_at:
                    return
                body = bodies[(c * per_client + i) % len(bodies)]
                t = time.perf_counter()
                r = client.post(path, json=body)
                dt = time.perf_counter() - t
                with lock:
                    (lat.append(dt) if r.status_code == 200 else errors.append(r.status_code))

    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    wall = time.perf_counter() - t
    out = {"clients": clients, "requests_ok": len(lat), "errors": len(errors), "wall_s": round(wall, 2),
           "requests_per_s": round(len(lat) / wall, 2) if wall else None}
    return {**out, **percentiles_ms(lat)} if lat else out


def bench_server(data_dir: Path, queries, log: Callable[[str], None],
                 per_client: tuple[int, int] = (10, 6)) -> dict:
    """Start `python -m assistant serve` on loopback; ready time, RSS, 8-client load."""
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "serve", "--port", str(port)]
    log(f"[bench] server: {' '.join(cmd[1:])}")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        ready = None
        while time.perf_counter() - t0 < 300:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(proc.stderr.read() if proc.stderr else b'').decode(errors='replace')[-500:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2.0).status_code == 200:
                    ready = time.perf_counter() - t0
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        if ready is None:
            raise RuntimeError("server not ready after 300 s")
        out: dict = {"ready_s": round(ready, 2), "rss_ready_bytes": _server_rss(proc.pid)}
        # The chat page is built in the background after the API is ready (ui.deferred);
        # measure when it answers, and load-test only after that, in the steady state.
        while time.perf_counter() - t0 < 300:
            if httpx.get(f"{base}/ui/", timeout=5.0).status_code == 200:
                out["ui_ready_s"] = round(time.perf_counter() - t0, 2)
                break
            time.sleep(0.2)
        out["rss_ui_ready_bytes"] = _server_rss(proc.pid)
        # Warm the lazily loaded parts (embedder, targets) with queries outside the measured set.
        for w in WARMUP:
            httpx.post(f"{base}/api/v1/chat", json={"messages": [{"role": "user", "content": w}]}, timeout=120)
        # Disjoint halves of the questions, so neither endpoint hits the other's query cache.
        questions = [q for q, _ in queries]
        half = max(1, len(questions) // 2)
        log("[bench] HTTP load: /api/v1/search")
        out["search_hybrid"] = load_test(base, "/api/v1/search",
                                         [{"query": q, "top_k": 10, "mode": "hybrid"} for q in questions[:half]],
                                         per_client=per_client[0])
        log("[bench] HTTP load: /api/v1/chat")
        out["chat"] = load_test(base, "/api/v1/chat",
                                [{"messages": [{"role": "user", "content": q}]} for q in questions[half:] or questions],
                                per_client=per_client[1])
        out["rss_after_load_bytes"] = _server_rss(proc.pid)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- driver ------------------------------------------------------------------------

def run_bench(name: str = "local", data_dir: Path | None = None, out_dir: Path = RESULTS_DIR,
              skip: Sequence[str] = (), limit: int | None = None,
              http_per_client: tuple[int, int] = (10, 6),
              log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> dict:
    from index.engine import SearchIndex
    from index.paths import resolve_data_dir

    data_dir = resolve_data_dir(data_dir)
    started = time.perf_counter()
    result: dict = {"name": name, "meta": _meta(), "sections_skipped": sorted(set(skip))}
    rss0 = rss_bytes()
    log(f"[bench] opening the index in {data_dir}")
    t = time.perf_counter()
    index = SearchIndex.open(data_dir)  # builds first if the corpus changed
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    index.search("节能", mode="dense", top_k=1)  # first query loads the embedding model
    first_query_s = time.perf_counter() - t
    t = time.perf_counter()
    SearchIndex.open(data_dir, embedder=index.embedder, build=False)
    load_s = time.perf_counter() - t
    result["index"] = {"chunks": len(index.chunks), "windows": int(index.dense.index.ntotal),
                       "embedder": index.embedder.id, "open_s": round(open_s, 2), "load_s": round(load_s, 3),
                       "first_query_s": round(first_query_s, 2), "rss_in_process_bytes": rss_bytes() - rss0}
    queries = distinct_queries(limit)
    result["queries"] = len(queries)
    if "queries" not in skip:
        result["latency"] = bench_queries(index, queries, "milvus" not in skip, log)
    if "bm25-impls" not in skip:
        log("[bench] bm25s vs rank-bm25")
        result["bm25_impls"] = bench_bm25_impls(index, queries)
    if "faiss" not in skip:
        log("[bench] faiss exact vs approximate")
        result["faiss"] = bench_faiss(index, queries)
    if "cold-build" not in skip:
        result["build"] = bench_build(index.embedder, log)
    if "server" not in skip:
        result["server"] = bench_server(data_dir, queries, log, http_per_client)
        srv, lat = result["server"], result.get("latency", {})
        # Reference: the same work in this process (open the index, first query loads the model).
        srv["ready/in_process_open"] = _ratio(srv["ready_s"], open_s + first_query_s)
        srv["http_p50/in_process_hybrid_p50"] = _ratio(srv["search_hybrid"].get("p50_ms"),
                                                       lat.get("hybrid", {}).get("p50_ms"))
    result["total_s"] = round(time.perf_counter() - started, 1)
    del index
    gc.collect()
    write_outputs(result, Path(out_dir), name)
    return result


def _meta() -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"commit": commit, "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": sys.version.split()[0], "load_avg_start": [round(x, 2) for x in os.getloadavg()],
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS", ""),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


# -- outputs -----------------------------------------------------------------------

def write_outputs(result: dict, out_dir: Path, name: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / f"bench-{name}.json", "md": out_dir / f"bench-{name}.md",
             "png": out_dir / f"bench-{name}.png"}
    paths["json"].write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    paths["md"].write_text(markdown(result), encoding="utf-8")
    plot(result, paths["png"])
    return paths


def _mb(n: int | None) -> str:
    return f"{n / 2**20:.0f} MiB" if n else "-"


def markdown(r: dict) -> str:
    lines = [f"# Benchmark `{r['name']}`", "",
             f"commit {r['meta']['commit'] or '?'}, {r['meta']['cpus']} CPUs, load average at start "
             f"{r['meta']['load_avg_start']}; {r.get('queries', 0)} distinct eval questions; "
             f"total {r.get('total_s', 0)} s.", ""]
    idx = r.get("index", {})
    lines += [f"Index: {idx.get('chunks')} chunks, {idx.get('windows')} windows, embedder `{idx.get('embedder')}`; "
              f"load {idx.get('load_s')} s; in-process RSS growth {_mb(idx.get('rss_in_process_bytes'))}.", ""]
    lat = r.get("latency")
    if lat:
        lines += ["## Query latency (warm, 1 client, query embedding included)", "",
                  "| mode | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {m} | {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} |" for m, v in lat.items() if "p50_ms" in v]
        lines += ["", "Ratios (p50): " + ", ".join(f"{k} = {v}" for k, v in lat["ratios_p50"].items()), ""]
    bm = r.get("bm25_impls")
    if bm:
        lines += ["## BM25 implementations (same tokens, score all + top 10)", "",
                  f"bm25s p50 {bm['bm25s']['p50_ms']} ms, rank-bm25 p50 {bm['rank_bm25']['p50_ms']} ms: "
                  f"rank-bm25/bm25s = {bm['rank_bm25/bm25s_p50']}; top-10 agreement {bm['top10_agreement']}.", ""]
    fx = r.get("faiss")
    if fx:
        lines += [f"## faiss on the real vectors ({fx['vectors']} windows, dim {fx['dim']})", "",
                  "| index | p50 ms | p95 ms | recall@10 vs exact | bytes |", "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| {k} | {fx[k]['p50_ms']} | {fx[k]['p95_ms']} | {fx[k]['recall_at_10']} | {fx[k]['bytes']} |"
                  for k in ("flat", "hnsw", "ivf")]
        lines += ["", f"hnsw/flat p50 = {fx['hnsw/flat_p50']}, ivf/flat p50 = {fx['ivf/flat_p50']} "
                  "(at this size exact search is already the fastest).", ""]
    b = r.get("build")
    if b:
        lines += ["## Index build", "",
                  f"Cold build {b['cold_build_s']} s for {b['chunks']} chunks / {b['windows_embedded']} windows "
                  f"(embedding {b['embedding_s']} s: {b['windows_per_s']} windows/s, {b['chunks_per_s']} chunks/s; "
                  f"everything else {b['non_embedding_build_s']} s). No-change `ensure_index` "
                  f"{b['no_change_ensure_s']} s (cold/no-change = {b['cold/no_change']}).", ""]
    s = r.get("server")
    if s:
        lines += ["## HTTP API (uvicorn on loopback)", "",
                  f"API ready after {s['ready_s']} s, chat page after {s.get('ui_ready_s')} s "
                  f"(in this process: open {idx.get('open_s')} s + first query "
                  f"{idx.get('first_query_s')} s; ratio {s['ready/in_process_open']}); RSS {_mb(s['rss_ready_bytes'])} ready, "
                  f"{_mb(s['rss_after_load_bytes'])} after the load runs.", "",
                  "| endpoint | clients | ok | errors | req/s | p50 ms | p95 ms |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for ep in ("search_hybrid", "chat"):
            v = s[ep]
            lines.append(f"| {ep} | {v['clients']} | {v['requests_ok']} | {v['errors']} | {v['requests_per_s']} | "
                         f"{v.get('p50_ms', '-')} | {v.get('p95_ms', '-')} |")
        lines += ["", f"HTTP p50 / in-process hybrid p50 = {s['http_p50/in_process_hybrid_p50']} "
                  "(8 clients share 2 cores, so queueing dominates).", ""]
    return "\n".join(lines) + "\n"


def plot(r: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    lat = {k: v for k, v in (r.get("latency") or {}).items() if "p50_ms" in v}
    ax = axes[0]
    if lat:
        x = np.arange(len(lat))
        for i, (pct, label) in enumerate((("p50_ms", "p50"), ("p95_ms", "p95"), ("p99_ms", "p99"))):
            ax.bar(x + (i - 1) * 0.27, [v[pct] for v in lat.values()], 0.27, label=label)
        ax.set_xticks(x, list(lat), rotation=30, ha="right")
        ax.set(yscale="log", ylabel="ms", title="Query latency (warm, 1 client)")
        ax.legend()
    ax = axes[1]
    s = r.get("server")
    if s:
        eps = ("search_hybrid", "chat")
        ax.bar(eps, [s[e].get("requests_per_s") or 0 for e in eps], color="tab:green")
        for i, e in enumerate(eps):
            p95 = s[e].get("p95_ms")
            ax.annotate(f"p95 {p95:.0f} ms" if p95 else "no data", (i, s[e].get("requests_per_s") or 0),
                        ha="center", va="bottom")
        ax.set(ylabel="requests / s", title=f"HTTP API, {CLIENTS} concurrent clients")
    else:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", default="local", help="results file stem: bench-<name>.*")
    ap.add_argument("--data-dir", type=Path, default=None, help="data directory holding the index")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory")
    ap.add_argument("--skip", default="", help=f"comma-separated sections to skip: {', '.join(SECTIONS)}")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N distinct questions")
    args = ap.parse_args(argv)
    skip = [s.strip() for s in args.skip.split(",") if s.strip()]
    bad = [s for s in skip if s not in SECTIONS]
    if bad:
        print(f"error: unknown section(s) {', '.join(bad)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    if args.data_dir is not None and not args.data_dir.is_dir():
        print(f"error: --data-dir {args.data_dir} is not a directory", file=sys.stderr)
        return 2
    result = run_bench(args.name, args.data_dir, args.out, skip, args.limit)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
