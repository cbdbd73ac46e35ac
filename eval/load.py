"""`python -m eval.load`: a bounded load test against a real server on the loopback interface.

    python -m eval.load [--clients 32] [--seconds 60] [--requests 10000] [--uploads 2]
                        [--upload-paragraphs 60] [--no-restart] [--data-dir DIR]
                        [--out eval/results/load.json]

1. Makes sure the index of the data dir (default: the default data dir) is built, then copies
   it (index, embedding cache, added plans) to a temporary directory, so that the uploads of
   the test never reach the real corpus.
2. Starts `python -m assistant serve` on 127.0.0.1 and a free port, with an admin token made
   up for this run, and waits for /readyz.
3. Load phase: `--clients` concurrent clients for `--seconds` seconds on POST/GET
   /api/v1/search and POST /api/v1/chat; `--uploads` plans (`--upload-paragraphs` distinct
   paragraphs each) are uploaded together a sixth into the phase and run as jobs (202, then
   GET /api/v1/jobs/{id} until done); search latency while a job runs is reported apart.
4. Memory phase: `--requests` more requests; the server's RSS is read before and after.
5. Restart phase (unless `--no-restart`): one more large upload, `kill -9` of the server while
   its job embeds, a restart on the same data dir: seconds until /readyz is 200, whether the
   previous index is served at once, and how the interrupted job ended.
6. Writes requests, errors, p50/p95/p99 latency, requests/s and RSS to `--out`; exit code 1
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
READY_POLL_S = 0.1
REQUEST_TIMEOUT_S = 120.0
JOB_TIMEOUT_S = 1800.0
MEMORY_PHASE_CAP_S = 1800.0  # the memory phase stops here even if it has not sent every request

CITIES = ["铁岭", "安阳", "安顺", "三门峡", "定州", ""]
TOPICS = ["城镇清洁取暖率", "单位地区生产总值能耗", "新能源汽车", "挥发性有机物", "氮氧化物排放",
          "绿色建筑", "污水集中收集率", "煤炭消费", "节能改造", "重点行业绿色升级"]
ASKS = ["要达到多少？", "有哪些措施？", "由哪个部门负责？", ""]
FOLLOW_UPS = ["那安阳呢？", "那2023年呢？", "三门峡呢？"]


@dataclass(frozen=True)
class LoadConfig:
    clients: int = 32
    seconds: float = 60.0
    requests: int = 10_000  # memory phase
    uploads: int = 2
    upload_paragraphs: int = 60
    restart: bool = True
    data_dir: Path | None = None  # None: the default data dir
    seed: int = 7


@dataclass
class Sample:
    endpoint: str
    seconds: float
    ok: bool
    status: int  # 0 when the request raised
    started: float = 0.0  # time.monotonic() when it was sent
    detail: str = ""  # why it failed, when known (e.g. a failed job's error)


@dataclass
class PhaseStats:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    jobs_running: list[tuple[float, float]] = field(default_factory=list)  # (upload sent, job done)

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
    ready_after_s: float = 0.0  # from spawning the process to /readyz 200
    ready: dict = field(default_factory=dict)  # the first 200 /readyz body


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
def running_server(data_dir: Path, log_path: Path, token: str | None = None,
                   extra_env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """`python -m assistant serve` on 127.0.0.1:<free port>; stopped (and reaped) on exit.
    `server.started` is when the process was spawned, `server.ready_after_s` how long /readyz took."""
    token = token or secrets.token_urlsafe(24)
    port = free_port()
    # TMPDIR next to the log: what a killed server leaves behind (upload temp dirs) goes there.
    env = {**os.environ, "POLICYQA_ADMIN_TOKEN": token, "POLICYQA_DATA_DIR": str(data_dir),
           "POLICYQA_CORS_ORIGINS": "", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "TMPDIR": str(log_path.parent), **(extra_env or {})}
    env.setdefault("OMP_NUM_THREADS", "1")
    with open(log_path, "ab") as log:
        spawned = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "serve", "--host", HOST,
             "--port", str(port)],
            cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        server = RunningServer(f"http://{HOST}:{port}", proc.pid, log_path, token)
        ready = _wait_ready(server, proc)
        yield RunningServer(server.base_url, proc.pid, log_path, token, ready_after_s=time.monotonic() - spawned,
                            ready=ready)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(server: RunningServer, proc: subprocess.Popen) -> dict:
    """Poll /readyz until 200; its body."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with code {proc.returncode}; see {server.log_path}")
            try:
                resp = http.get("/readyz")
                if resp.status_code == 200:
                    return resp.json()
            except httpx.TransportError:
                pass
            time.sleep(READY_POLL_S)
    raise RuntimeError(f"server not ready after {READY_TIMEOUT_S:.0f}s; see {server.log_path}")


def rss_bytes(pid: int) -> int:
    """RSS of the server and its worker processes (assistant.api.workers), summed."""
    proc = psutil.Process(pid)
    return proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))


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
            sent, started = time.monotonic(), time.perf_counter()
            try:
                endpoint, resp = _one_request(http, rng)
                ok, status = resp.status_code == 200 and bool(resp.json()), resp.status_code
            except (httpx.HTTPError, ValueError):
                endpoint, ok, status = "error", False, 0
            stats.add(Sample(endpoint, time.perf_counter() - started, ok, status, sent))


def upload_plan(n: int, paragraphs: int = 4) -> bytes:
    """A distinct plan for upload `n` with `paragraphs` distinct body paragraphs (its figures
    differ, so it is never a duplicate and none of its text is in the embedding cache)."""
    city = f"负载测试{_cn(n)}市"
    body = [f"（{i + 1}）推进第{n}-{i}项节能改造工程。到2025年，该项目单位产品能耗比2020年下降{(n * 7 + i) % 30 + 1}.{i % 10}%，"
            f"年节约标准煤{n * 100 + i}吨，新能源公交车占比达到{(n + i) % 60 + 20}%。" for i in range(paragraphs)]
    return "\n".join([
        f"{city}“十四五”节能减排综合工作方案",
        "一、主要目标",
        f"到2025年，全市单位地区生产总值能耗比2020年下降{10 + n}.5%，城镇清洁取暖率达到{60 + n}%以上。",
        "二、重点任务", *body,
        "三、保障措施", "加强组织领导。市发展改革委牵头，各有关部门按职责分工负责。",
    ]).encode("utf-8") + b"\n"


def _cn(n: int) -> str:
    """0 -> 零, 12 -> 一二: city names are letters only (digits are refused)."""
    return "".join("零一二三四五六七八九"[int(d)] for d in str(n))


def upload_city(n: int) -> str:
    return f"负载测试{_cn(n)}市"


def send_upload(http: httpx.Client, token: str, n: int, paragraphs: int) -> httpx.Response:
    return http.post("/api/v1/documents", headers={"Authorization": f"Bearer {token}"},
                     files={"file": (f"load-{n}.txt", upload_plan(n, paragraphs), "text/plain")},
                     data={"city": upload_city(n)})


def wait_job(http: httpx.Client, token: str, job_id: str, timeout: float = JOB_TIMEOUT_S) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = http.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if job.get("status") in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def _uploader(server: RunningServer, stats: PhaseStats, count: int, paragraphs: int, start: float,
              seconds: float) -> None:
    """`count` uploads sent together a sixth into the load phase; each is followed to its job's end."""
    wait = start + seconds / 6 - time.monotonic()
    if wait > 0:
        time.sleep(wait)

    def one(n: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
            sent, started = time.monotonic(), time.perf_counter()
            try:
                resp = send_upload(http, server.token, n, paragraphs)
                job = wait_job(http, server.token, resp.json()["job_id"]) if resp.status_code == 202 else {}
                ok, status = resp.status_code == 202 and job.get("status") == "done", resp.status_code
                detail = "" if ok else f"{resp.text[:200]} / job {job}"[:600]
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                ok, status, detail = False, 0, f"{type(exc).__name__}: {exc}"[:300]
            stats.add(Sample("POST /api/v1/documents", time.perf_counter() - started, ok, status, sent, detail))
            with stats.lock:
                stats.jobs_running.append((sent, time.monotonic()))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


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


def during_jobs(stats: PhaseStats) -> list[Sample]:
    """Query samples sent while an upload's job was running."""
    spans = list(stats.jobs_running)
    return [s for s in stats.samples if s.endpoint != "POST /api/v1/documents"
            and any(a <= s.started <= b for a, b in spans)]


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
        "error_details": sorted({s.detail for s in samples if not s.ok and s.detail})[:10],
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(queries) / elapsed, 2) if elapsed else 0.0,
        "latency_ms": latency(queries),
        "by_endpoint": {e: {"requests": sum(s.endpoint == e for s in samples),
                            "errors": sum(s.endpoint == e and not s.ok for s in samples),
                            "latency_ms": latency([s for s in samples if s.endpoint == e])} for e in endpoints},
    }


# --- restart after kill -9 ------------------------------------------------------------------------


def leftovers(data_dir: Path, tmp_dir: Path) -> list[str]:
    """Temporary files a killed upload or build left behind (relative names)."""
    found = [p for p in (data_dir / "index").glob(".tmp-*")]
    for sub in ("documents", "jobs", "embeddings"):
        found += [p for p in (data_dir / sub).rglob(".*.tmp")] if (data_dir / sub).is_dir() else []
    found += list(tmp_dir.glob("policyqa-upload-*"))
    return sorted(str(p.relative_to(p.anchor)) for p in found)


def restart_after_kill(data_dir: Path, log_path: Path, paragraphs: int, n: int | None = None) -> dict:
    """Upload a large plan, `kill -9` the server while its job embeds, restart it: how soon the
    index served at the kill (the keyword-search index with the plan in) is served again, and how
    the interrupted job ends. The plan is new to every run (`n` drawn when not given): a plan some
    earlier run embedded would have all its windows in the embedding cache, nothing to kill."""
    import secrets
    import signal

    n = 100 + secrets.randbelow(900) if n is None else n

    with running_server(data_dir, log_path) as server:
        token = server.token
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
            before = http.get("/readyz").json()
            resp = send_upload(http, token, n, paragraphs)
            if resp.status_code != 202:
                raise RuntimeError(f"restart phase: upload answered {resp.status_code}")
            job_id = resp.json()["job_id"]
            deadline, job = time.monotonic() + JOB_TIMEOUT_S, {}
            while time.monotonic() < deadline:
                job = http.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
                if job["status"] != "queued" and job["embedded"] > 0 or job["status"] in ("done", "failed"):
                    break
                time.sleep(0.05)
            # what is served at the kill: the build's keyword-search index, the upload already in
            # (index.store: its windows are embedded afterwards). With several server processes
            # this connection may be held by one that reloads the builder's index at its next
            # poll (assistant.api.state): wait for it, bounded.
            settle = time.monotonic() + 30
            at_kill = http.get("/readyz").json()
            while at_kill.get("documents") != before.get("documents", 0) + 1 and time.monotonic() < settle:
                time.sleep(0.1)
                at_kill = http.get("/readyz").json()
            if job.get("status") == "running":  # as it is now, at the kill
                job = http.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
            by_keywords = http.post("/api/v1/search", json={"query": "城镇清洁取暖率", "mode": "bm25", "top_k": 1,
                                                            "cities": [upload_city(n)]})
        if job.get("status") != "running":
            raise RuntimeError(f"restart phase: the job was not embedding when it was to be killed: {job}")
        os.kill(server.pid, signal.SIGKILL)
        killed_at = dict(embedded=job["embedded"], to_embed=job["to_embed"])
    left_by_kill = leftovers(data_dir, log_path.parent)
    with running_server(data_dir, log_path, token=token) as server:
        ready_s, ready = server.ready_after_s, server.ready
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as http:
            first = http.post("/api/v1/search", json={"query": "铁岭 2025年城镇清洁取暖率", "top_k": 1})
            job = wait_job(http, token, job_id)
            found = http.post("/api/v1/search", json={"query": "城镇清洁取暖率", "cities": [upload_city(n)], "top_k": 1})
            after = http.get("/readyz").json()
    return {
        "paragraphs": paragraphs, "killed_at": killed_at, "ready_after_restart_s": round(ready_s, 2),
        # the index served when the server was killed is served again at once after the restart
        "served_previous_index": ready.get("corpus_hash") == at_kill.get("corpus_hash")
        and ready.get("documents") == at_kill.get("documents"),
        "plan_searchable_by_keywords_before_kill": by_keywords.status_code == 200
        and bool(by_keywords.json().get("results")) and at_kill.get("documents") == before.get("documents", 0) + 1,
        "search_at_once": first.status_code == 200 and bool(first.json().get("results")),
        "job": {"status": job.get("status"), "resumed": job.get("resumed")},
        "plan_searchable_after_job": found.status_code == 200 and bool(found.json().get("results")),
        "documents": {"before": before.get("documents"), "after": after.get("documents")},
        "temp_files_after_kill": left_by_kill, "temp_files_after_resume": leftovers(data_dir, log_path.parent),
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
                extra=lambda stats: _uploader(server, stats, config.uploads, config.upload_paragraphs, start,
                                              config.seconds))
            # A job done on the worker that builds is served by the others once they reload the
            # published index (about a second; longer on a loaded machine): wait for it, 30 s at most.
            deadline = time.monotonic() + 30
            with httpx.Client(base_url=server.base_url, timeout=30) as http:
                while True:
                    listed = {d["city"] for d in http.get("/api/v1/documents").json()["documents"]}
                    uploads_visible = all(upload_city(n) in listed for n in range(config.uploads))
                    if uploads_visible or time.monotonic() > deadline:
                        break
                    time.sleep(0.5)

            rss_before = rss_bytes(server.pid)
            memory, memory_s = _run_clients(server, config.clients, time.monotonic() + MEMORY_PHASE_CAP_S,
                                            budget=config.requests, seed=config.seed + 1000)
            rss_after = rss_bytes(server.pid)
        token = server.token
        restart = restart_after_kill(data_dir, log_path, max(config.upload_paragraphs * 3, 200)) \
            if config.restart else {}
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
        token_in_log = token in log_text  # both servers of the restart phase use the same token
        tracebacks = log_text.count("Traceback")

    mb = 1024 * 1024
    load_summary, memory_summary = summarise(load.samples, load_s), summarise(memory.samples, memory_s)
    during = during_jobs(load)
    load_summary["during_upload_jobs"] = {
        "uploads": config.uploads, "upload_paragraphs": config.upload_paragraphs,
        "seconds": round(sum(b - a for a, b in _merged(load.jobs_running)), 2),
        **{k: v for k, v in summarise(during, 1.0).items() if k in ("requests", "errors", "latency_ms")},
        "search_latency_ms": summarise([s for s in during if "search" in s.endpoint], 1.0)["latency_ms"],
    }
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
        "restart_after_kill": restart,
        "token_in_server_log": bool(token_in_log),
        "tracebacks_in_server_log": tracebacks,
    }


def _merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=60.0, help="load phase length (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=10_000, help="memory phase requests (default: %(default)s)")
    parser.add_argument("--uploads", type=int, default=2, help="uploads during the load phase (default: %(default)s)")
    parser.add_argument("--upload-paragraphs", type=int, default=60,
                        help="paragraphs of each uploaded plan (default: %(default)s)")
    parser.add_argument("--no-restart", action="store_true", help="skip the kill -9 / restart phase")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: the default one)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results file (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        result = run(LoadConfig(clients=args.clients, seconds=args.seconds, requests=args.requests,
                                uploads=args.uploads, upload_paragraphs=args.upload_paragraphs,
                                restart=not args.no_restart, data_dir=args.data_dir))
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    load, memory = result["load"], result["memory"]
    print(f"load: {load['requests']} requests, {load['errors']} errors, {load['requests_per_s']} req/s, "
          f"p50/p95/p99 {load['latency_ms'].get('p50')}/{load['latency_ms'].get('p95')}/"
          f"{load['latency_ms'].get('p99')} ms")
    during = load["during_upload_jobs"]
    print(f"during {during['uploads']} upload jobs ({during['seconds']} s): {during['requests']} requests, "
          f"{during['errors']} errors, search p50/p95 {during['search_latency_ms'].get('p50')}/"
          f"{during['search_latency_ms'].get('p95')} ms")
    if result["restart_after_kill"]:
        r = result["restart_after_kill"]
        print(f"kill -9 during a {r['paragraphs']}-paragraph upload: ready {r['ready_after_restart_s']} s after "
              f"restart, previous index served: {r['served_previous_index']}, job {r['job']}")
    print(f"memory: {memory['requests']} requests, {memory['errors']} errors, RSS {memory['rss_before_mb']} -> "
          f"{memory['rss_after_mb']} MB ({memory['rss_growth_mb']:+} MB)")
    print(f"written to {args.out}")
    return 0 if result["total"]["errors"] == 0 and not result["token_in_server_log"] else 1


if __name__ == "__main__":
    sys.exit(main())
