"""`python -m eval.load`: a bounded load test against a real server on the loopback interface.

    python -m eval.load [--clients 16] [--seconds 60] [--requests 10000] [--uploads 3]
                        [--data-dir DIR] [--out eval/results/load.json]

1. Makes sure the index of the data dir (default: the default data dir) is built, then copies
   it (index, embedding cache, added plans) to a temporary directory, so that the uploads of
   the test never reach the real corpus.
2. Starts `python -m assistant serve` on 127.0.0.1 and a free port, with an admin token made
   up for this run, and waits for /readyz.
3. Load phase: `--clients` concurrent clients for `--seconds` seconds on POST/GET
   /api/v1/search and POST /api/v1/chat, plus `--uploads` plan uploads spread over the phase.
4. Memory phase: `--requests` more requests; the server's RSS is read before and after.
5. Writes requests, errors, p50/p95/p99 latency, requests/s and RSS to `--out`; exit code 1
   when any request failed or the token appeared in the server's log.

Every loop is bounded in count and in time; traffic goes to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
import numpy as np
import psutil

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_DIR / "eval" / "results" / "load.json"
HOST = "127.0.0.1"
READY_TIMEOUT_S = 600.0  # a data dir whose index must be built first takes a while
REQUEST_TIMEOUT_S = 120.0
MEMORY_PHASE_CAP_S = 1800.0  # the memory phase stops here even if it has not sent every request

CITIES = ["铁岭", "安阳", "安顺", "三门峡", "定州", ""]
TOPICS = ["城镇清洁取暖率", "单位地区生产总值能耗", "新能源汽车", "挥发性有机物", "氮氧化物排放",
          "绿色建筑", "污水集中收集率", "煤炭消费", "节能改造", "重点行业绿色升级"]
ASKS = ["要达到多少？", "有哪些措施？", "由哪个部门负责？", ""]
FOLLOW_UPS = ["那安阳呢？", "那2023年呢？", "三门峡呢？"]


@dataclass(frozen=True)
class LoadConfig:
    clients: int = 16
    seconds: float = 60.0
    requests: int = 10_000  # memory phase
    uploads: int = 3
    data_dir: Path | None = None  # None: the default data dir
    seed: int = 7


@dataclass
class Sample:
    endpoint: str
    seconds: float
    ok: bool
    status: int  # 0 when the request raised


@dataclass
class PhaseStats:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


# --- server ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    pid: int
    log_path: Path
    token: str


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def prepare_data_dir(source: Path | None, work: Path) -> Path:
    """Build the source's index if needed, then copy index, cache and added plans to `work`."""
    from index.paths import resolve_data_dir
    from index.store import EMBEDDINGS_DIR, INDEX_DIR, ensure_index

    source = resolve_data_dir(source)
    source.mkdir(parents=True, exist_ok=True)
    ensure_index(source, progress=sys.stderr.isatty())
    target = work / "data"
    target.mkdir(parents=True)
    for name in (INDEX_DIR, EMBEDDINGS_DIR, "documents"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns(".lock"))
    return target


@contextmanager
def running_server(data_dir: Path, log_path: Path, token: str | None = None) -> Iterator[RunningServer]:
    """`python -m assistant serve` on 127.0.0.1:<free port>; stopped (and reaped) on exit."""
    token = token or secrets.token_urlsafe(24)
    port = free_port()
    # TMPDIR next to the log: what a killed server leaves behind (upload temp dirs) goes there.
    env = {**os.environ, "POLICYQA_ADMIN_TOKEN": token, "POLICYQA_DATA_DIR": str(data_dir),
           "POLICYQA_CORS_ORIGINS": "", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "TMPDIR": str(log_path.parent)}
    env.setdefault("OMP_NUM_THREADS", "1")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "serve", "--host", HOST,
             "--port", str(port)],
            cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        server = RunningServer(f"http://{HOST}:{port}", proc.pid, log_path, token)
        _wait_ready(server, proc)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(server: RunningServer, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with code {proc.returncode}; see {server.log_path}")
            try:
                if http.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    raise RuntimeError(f"server not ready after {READY_TIMEOUT_S:.0f}s; see {server.log_path}")


def rss_bytes(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


# --- traffic ----------------------------------------------------------------------------------


def _question(rng: random.Random) -> str:
    return f"{rng.choice(CITIES)}{rng.choice(TOPICS)}{rng.choice(ASKS)}".strip() or TOPICS[0]


def _one_request(http: httpx.Client, rng: random.Random) -> tuple[str, httpx.Response]:
    """A search (POST or GET) or a chat turn, in the proportions of an interactive session."""
    roll = rng.random()
    if roll < 0.45:
        body = {"query": _question(rng), "top_k": rng.choice([3, 5, 10]),
                "mode": rng.choice(["hybrid", "hybrid", "bm25", "dense"])}
        return "POST /api/v1/search", http.post("/api/v1/search", json=body)
    if roll < 0.6:
        return "GET /api/v1/search", http.get("/api/v1/search", params={"q": _question(rng), "top_k": 5})
    messages = [{"role": "user", "content": _question(rng)}]
    if rng.random() < 0.3:  # a follow-up with the earlier turns
        messages += [{"role": "assistant", "content": "……"}, {"role": "user", "content": rng.choice(FOLLOW_UPS)}]
    return "POST /api/v1/chat", http.post("/api/v1/chat", json={"messages": messages})


def _client_loop(base_url: str, stats: PhaseStats, seed: int, until: float, budget: int) -> None:
    """Send requests until `until` (monotonic) or `budget` requests, whichever comes first."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as http:
        for _ in range(budget):
            if time.monotonic() >= until:
                return
            started = time.perf_counter()
            try:
                endpoint, resp = _one_request(http, rng)
                ok, status = resp.status_code == 200 and bool(resp.json()), resp.status_code
            except (httpx.HTTPError, ValueError):
                endpoint, ok, status = "error", False, 0
            stats.add(Sample(endpoint, time.perf_counter() - started, ok, status))


def upload_plan(n: int) -> bytes:
    """A small, distinct plan for upload `n` (its figures differ, so it is never a duplicate)."""
    city = f"负载测试{n}市"
    return "\n".join([
        f"{city}“十四五”节能减排综合工作方案",
        "一、主要目标",
        f"到2025年，全市单位地区生产总值能耗比2020年下降{10 + n}.5%，城镇清洁取暖率达到{60 + n}%以上。",
        "二、重点任务",
        f"（一）推进交通物流节能减排。到2025年，新能源公交车占比达到{40 + n}%。",
        "（二）加强组织领导。市发展改革委牵头，各有关部门按职责分工负责。",
    ]).encode("utf-8") + b"\n"


def _uploader(server: RunningServer, stats: PhaseStats, count: int, start: float, seconds: float) -> None:
    """`count` uploads spread evenly over the load phase."""
    with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S * 5) as http:
        for n in range(count):
            wait = start + seconds * (n + 1) / (count + 1) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            started = time.perf_counter()
            try:
                resp = http.post("/api/v1/documents", headers={"Authorization": f"Bearer {server.token}"},
                                 files={"file": (f"load-{n}.txt", upload_plan(n), "text/plain")},
                                 data={"city": f"负载测试{n}市"})
                ok, status = resp.status_code == 201, resp.status_code
            except httpx.HTTPError:
                ok, status = False, 0
            stats.add(Sample("POST /api/v1/documents", time.perf_counter() - started, ok, status))


def _run_clients(server: RunningServer, clients: int, until: float, budget: int, seed: int,
                 extra: Callable[[PhaseStats], None] | None = None) -> tuple[PhaseStats, float]:
    stats = PhaseStats()
    per_client = [budget // clients + (1 if i < budget % clients else 0) for i in range(clients)]
    threads = [threading.Thread(target=_client_loop, args=(server.base_url, stats, seed + i, until, per_client[i]))
               for i in range(clients)]
    if extra is not None:
        threads.append(threading.Thread(target=extra, args=(stats,)))
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.perf_counter() - started


def summarise(samples: list[Sample], elapsed: float) -> dict:
    def latency(items: list[Sample]) -> dict[str, float]:
        if not items:
            return {}
        ms = np.array([s.seconds for s in items]) * 1000
        return {"p50": round(float(np.percentile(ms, 50)), 1), "p95": round(float(np.percentile(ms, 95)), 1),
                "p99": round(float(np.percentile(ms, 99)), 1), "max": round(float(ms.max()), 1)}

    queries = [s for s in samples if s.endpoint != "POST /api/v1/documents"]
    endpoints = sorted({s.endpoint for s in samples})
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "error_statuses": sorted({s.status for s in samples if not s.ok}),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(queries) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": latency(queries),
        "by_endpoint": {e: {"requests": sum(s.endpoint == e for s in samples),
                            "errors": sum(s.endpoint == e and not s.ok for s in samples),
                            "latency_ms": latency([s for s in samples if s.endpoint == e])} for e in endpoints},
    }


# --- the run ------------------------------------------------------------------------------------


def run(config: LoadConfig) -> dict:
    """Run both phases against a fresh server; returns the results (see the module docstring)."""
    if config.clients < 1 or config.seconds <= 0 or config.requests < 0 or config.uploads < 0:
        raise ValueError("clients >= 1, seconds > 0, requests >= 0 and uploads >= 0 are required")
    with tempfile.TemporaryDirectory(prefix="policyqa-load-") as tmp:
        work = Path(tmp)
        data_dir = prepare_data_dir(config.data_dir, work)
        log_path = work / "server.log"
        with running_server(data_dir, log_path) as server:
            rss_start = rss_bytes(server.pid)
            start = time.monotonic()
            load, load_s = _run_clients(
                server, config.clients, start + config.seconds, budget=config.clients * int(config.seconds) * 100,
                seed=config.seed,
                extra=lambda stats: _uploader(server, stats, config.uploads, start, config.seconds))
            with httpx.Client(base_url=server.base_url, timeout=30) as http:
                listed = {d["city"] for d in http.get("/api/v1/documents").json()["documents"]}
            uploads_visible = all(f"负载测试{n}市" in listed for n in range(config.uploads))

            rss_before = rss_bytes(server.pid)
            memory, memory_s = _run_clients(server, config.clients, time.monotonic() + MEMORY_PHASE_CAP_S,
                                            budget=config.requests, seed=config.seed + 1000)
            rss_after = rss_bytes(server.pid)
        token_in_log = server.token in log_path.read_text(encoding="utf-8", errors="replace")

    mb = 1024 * 1024
    load_summary, memory_summary = summarise(load.samples, load_s), summarise(memory.samples, memory_s)
    memory_summary.update({
        "rss_before_mb": round(rss_before / mb, 1), "rss_after_mb": round(rss_after / mb, 1),
        "rss_growth_mb": round((rss_after - rss_before) / mb, 1),
        "rss_growth_pct": round(100 * (rss_after - rss_before) / rss_before, 2),
    })
    return {
        "config": {**asdict(config), "data_dir": str(config.data_dir) if config.data_dir else "(default)"},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "rss_at_start_mb": round(rss_start / mb, 1),
        "load": {**load_summary, "uploads_visible": uploads_visible},
        "memory": memory_summary,
        "total": {"requests": load_summary["requests"] + memory_summary["requests"],
                  "errors": load_summary["errors"] + memory_summary["errors"]},
        "token_in_server_log": token_in_log,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=60.0, help="load phase length (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=10_000, help="memory phase requests (default: %(default)s)")
    parser.add_argument("--uploads", type=int, default=3, help="uploads during the load phase (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: the default one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results file (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        result = run(LoadConfig(clients=args.clients, seconds=args.seconds, requests=args.requests,
                                uploads=args.uploads, data_dir=args.data_dir))
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    load, memory = result["load"], result["memory"]
    print(f"load: {load['requests']} requests, {load['errors']} errors, {load['requests_per_s']} req/s, "
          f"p50/p95/p99 {load['latency_ms'].get('p50')}/{load['latency_ms'].get('p95')}/"
          f"{load['latency_ms'].get('p99')} ms")
    print(f"memory: {memory['requests']} requests, {memory['errors']} errors, RSS {memory['rss_before_mb']} -> "
          f"{memory['rss_after_mb']} MB ({memory['rss_growth_mb']:+} MB)")
    print(f"written to {args.out}")
    return 0 if result["total"]["errors"] == 0 and not result["token_in_server_log"] else 1


if __name__ == "__main__":
    sys.exit(main())
