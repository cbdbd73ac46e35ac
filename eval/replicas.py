"""Several API replicas over one real Milvus server (POLICYQA_BACKEND=milvus), on loopback.

    python -m eval.replicas                 # -> eval/results/replicas.json  (`make replicas`)

Starts a Milvus standalone server (scripts/milvus-server.sh: the registry's `milvus` package,
in its own virtual env), then two `python -m assistant serve` processes pointed at it, each
with its own data dir (an embedding cache, nothing of the corpus). It measures:

1. an upload through replica A, found by a search through replica B: the delay from the
   upload's 202 to B's first hit (the stated bound: REFRESH_S + GRACE_S + the read);
2. two different plans uploaded at once, one through each replica, and the same plan through
   both: each lands exactly once (one document row, one set of window rows);
3. a bounded loopback load on both replicas; A is killed (SIGKILL) a third into it, the
   clients of B go on: B's errors (must be 0), and A's (requests cut by the kill).

The tests (tests/index/test_milvus_server.py) use the same helpers on a smaller load.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from eval.load import (HOST, PhaseStats, RunningServer, _client_loop, free_port, prepare_data_dir,
                       running_server, summarise)

REPO_DIR = Path(__file__).resolve().parent.parent
SCRIPT = REPO_DIR / "scripts" / "milvus-server.sh"
DEFAULT_OUT = REPO_DIR / "eval" / "results" / "replicas.json"
MILVUS_READY_TIMEOUT_S = 600.0  # the first run installs the server (a 58 MB wheel) first
VISIBLE_TIMEOUT_S = 60.0
ETCD_PEER_PORT = 2380  # not configurable through the `milvus` launcher
FLAGSHIP = ("铁岭2025年城镇清洁取暖率是多少？", "城镇清洁取暖率达到70%以上")


@dataclass(frozen=True)
class MilvusServer:
    uri: str
    pid: int
    log_path: Path
    started_after_s: float


@contextmanager
def milvus_server(work: Path) -> Iterator[MilvusServer]:
    """A real Milvus standalone server on 127.0.0.1:<free port>, its data under `work`;
    stopped (its whole process group) on exit."""
    with socket.socket() as probe:  # the embedded etcd's peer port is fixed: one server a machine
        try:
            probe.bind((HOST, ETCD_PEER_PORT))
        except OSError:
            raise RuntimeError(f"port {ETCD_PEER_PORT} is taken (another Milvus standalone server on this "
                               "machine?): its embedded etcd needs it") from None
    port = free_port()
    log_path = work / "milvus-server.log"
    spawned = time.monotonic()
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(["bash", str(SCRIPT), "run", str(work / "milvus"), str(port)], cwd=REPO_DIR,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        uri = f"http://{HOST}:{port}"
        _wait_milvus(uri, proc, log_path)
        yield MilvusServer(uri, proc.pid, log_path, time.monotonic() - spawned)
    finally:
        _stop_group(proc)


def _wait_milvus(uri: str, proc: subprocess.Popen, log_path: Path) -> None:
    from pymilvus import MilvusClient

    deadline = time.monotonic() + MILVUS_READY_TIMEOUT_S
    port = int(uri.rsplit(":", 1)[1])
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"milvus server exited with code {proc.returncode}; see {log_path}")
        with socket.socket() as sock:
            sock.settimeout(1)
            listening = sock.connect_ex((HOST, port)) == 0
        if listening:
            try:
                client = MilvusClient(uri=uri, timeout=10)
                client.list_collections()
                client.close()
                return
            except Exception:  # noqa: BLE001 - not serving yet
                pass
        time.sleep(1.0)
    raise RuntimeError(f"milvus server not ready after {MILVUS_READY_TIMEOUT_S:.0f}s; see {log_path}")


def _stop_group(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # the server binary is a child of the launcher: make sure the group is gone
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def replica_env(uri: str, collection: str) -> dict[str, str]:
    # One process a replica: the replicas are the processes scaled out here (several workers in
    # one replica would each refresh on their own, and a read could reach one not refreshed yet).
    return {"POLICYQA_BACKEND": "milvus", "POLICYQA_MILVUS_URI": uri, "POLICYQA_MILVUS_COLLECTION": collection,
            "POLICYQA_MOUNT_UI": "true", "POLICYQA_WORKERS": "1"}


@contextmanager
def replicas(uri: str, collection: str, work: Path, source: Path | None = None, n: int = 2,
             token: str = "replica-admin-token-0123456789") -> Iterator[list[RunningServer]]:
    """`n` API processes serving the collection, each with its own data dir (a copy of
    `source`'s embedding cache). The first starts alone (it stores the built-in plans), the
    others then start together."""
    dirs = [prepare_data_dir(source, work / f"replica-{i}") for i in range(n)]
    env = replica_env(uri, collection)
    with ExitStack() as stack:
        first = stack.enter_context(running_server(dirs[0], work / "replica-0.log", token, env))
        rest: list[RunningServer] = []
        errors: list[BaseException] = []

        def start(i: int) -> None:
            try:
                rest.append(stack.enter_context(running_server(dirs[i], work / f"replica-{i}.log", token, env)))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(i,)) for i in range(1, n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        yield [first, *sorted(rest, key=lambda s: s.base_url)]


def plan_bytes(city: str, figure: int) -> bytes:
    """A small plan of its own city and figures (never a duplicate of another call's)."""
    return "\n".join([
        f"{city}“十四五”节能减排综合工作方案",
        "一、主要目标",
        f"到2025年，{city}单位地区生产总值能耗比2020年下降{figure}.5%，城镇清洁取暖率达到{figure + 50}%以上。",
        "二、重点任务",
        f"推进{city}工业园区循环化改造。到2025年，园区工业固体废物综合利用率达到{figure + 60}%。",
        "三、保障措施",
        "加强组织领导。市发展改革委牵头，各有关部门按职责分工负责。",
    ]).encode("utf-8") + b"\n"


def upload(server: RunningServer, data: bytes, city: str, name: str = "plan.txt") -> httpx.Response:
    with httpx.Client(base_url=server.base_url, timeout=120) as http:
        return http.post("/api/v1/documents", headers={"Authorization": f"Bearer {server.token}"},
                         files={"file": (name, data, "text/plain")}, data={"city": city})


def search_hits(server: RunningServer, query: str, top_k: int = 5) -> list[dict]:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        resp = http.post("/api/v1/search", json={"query": query, "top_k": top_k})
        resp.raise_for_status()
        return resp.json()["results"]


def answer_text(server: RunningServer, question: str) -> str:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        resp = http.post("/api/v1/chat", json={"messages": [{"role": "user", "content": question}]})
        resp.raise_for_status()
        return resp.json()["answer"]


def documents(server: RunningServer) -> list[dict]:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        return http.get("/api/v1/documents").json()["documents"]


def wait_visible(server: RunningServer, query: str, text: str, since: float,
                 timeout: float = VISIBLE_TIMEOUT_S) -> float:
    """Seconds from `since` (monotonic) until a search through `server` returns a hit whose
    text contains `text`; raises TimeoutError after `timeout`."""
    while time.monotonic() - since < timeout:
        if any(text in h["text"] for h in search_hits(server, query)):
            return time.monotonic() - since
        time.sleep(0.2)
    raise TimeoutError(f"{text!r} not found through {server.base_url} within {timeout:.0f}s")


def store_counts(uri: str, collection: str) -> dict[str, dict[str, int]]:
    """doc_id -> {"plans": document rows, "windows": window rows} in the shared store."""
    from pymilvus import MilvusClient

    from index.milvus_store import CONSISTENCY, DOCS_SUFFIX, QUERY_LIMIT, WINDOWS_SUFFIX

    client = MilvusClient(uri=uri)
    try:
        counts: dict[str, dict[str, int]] = {}
        for row in client.query(collection + DOCS_SUFFIX, filter="position >= 0", output_fields=["doc_id"],
                                limit=QUERY_LIMIT, consistency_level=CONSISTENCY):
            counts.setdefault(row["doc_id"], {"plans": 0, "windows": 0})["plans"] += 1
        for row in client.query(collection + WINDOWS_SUFFIX, filter='pk != ""', output_fields=["doc_id"],
                                limit=QUERY_LIMIT, consistency_level=CONSISTENCY):
            counts.setdefault(row["doc_id"], {"plans": 0, "windows": 0})["windows"] += 1
        return counts
    finally:
        client.close()


def kill_under_load(victim: RunningServer, survivor: RunningServer, clients: int, seconds: float,
                    seed: int = 11) -> dict:
    """`clients` loopback clients on each replica for `seconds`; the victim is killed (SIGKILL)
    a third of the way in. Summaries of both, with the survivor's errors after the kill."""
    victim_stats, survivor_stats = PhaseStats(), PhaseStats()
    start = time.monotonic()
    until = start + seconds
    kill_at = start + seconds / 3
    # the victim's clients stop just after the kill (a client of a dead replica would spin on
    # refused connections); the survivor's run to the end
    threads = [threading.Thread(target=_client_loop, args=(s.base_url, stats, seed + i, end, 10**6))
               for s, stats, end in ((victim, victim_stats, kill_at + 0.5), (survivor, survivor_stats, until))
               for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, kill_at - time.monotonic()))
    killed_at = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    after = [s for s in survivor_stats.samples if s.started >= killed_at]
    before = [s for s in victim_stats.samples if s.started < killed_at]
    return {
        "clients_per_replica": clients,
        "seconds": seconds,
        "killed_after_s": round(killed_at - start, 2),
        "survivor": summarise(survivor_stats.samples, elapsed),
        "survivor_after_kill": {"requests": len(after), "errors": sum(not s.ok for s in after)},
        "victim_before_kill": {"requests": len(before), "errors": sum(not s.ok for s in before)},
        "victim_cut_by_kill": sum(not s.ok for s in victim_stats.samples if s not in before),
    }



CONCURRENT_PLANS = (("并发甲市", 1), ("并发乙市", 2), ("并发同一市", 3))


def concurrent_uploads(a: RunningServer, b: RunningServer) -> list[int]:
    """Four uploads at once: a different plan through each replica and one plan through both.
    Returns the HTTP statuses once every plan is searchable through both replicas."""
    same = plan_bytes("并发同一市", 3)
    jobs = [(a, plan_bytes("并发甲市", 1), "并发甲市"), (b, plan_bytes("并发乙市", 2), "并发乙市"),
            (a, same, "并发同一市"), (b, same, "并发同一市")]
    statuses: list[int] = [0] * len(jobs)

    def send(i: int) -> None:
        statuses[i] = upload(jobs[i][0], jobs[i][1], jobs[i][2]).status_code

    sent = time.monotonic()
    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for server in (a, b):
        for city, figure in CONCURRENT_PLANS:
            wait_visible(server, f"{city}城镇清洁取暖率", f"城镇清洁取暖率达到{figure + 50}%以上", sent)
    return statuses

def run(clients: int = 4, seconds: float = 30.0, source: Path | None = None) -> dict:
    """Everything the module docstring lists, on a fresh Milvus server."""
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    with tempfile.TemporaryDirectory(prefix="policyqa-replicas-") as tmp:
        work = Path(tmp)
        with milvus_server(work) as milvus:
            results["milvus"] = {"started_after_s": round(milvus.started_after_s, 1)}
            with replicas(milvus.uri, "replicas", work, source) as (a, b):
                results["replicas"] = {"ready_after_s": [round(a.ready_after_s, 1), round(b.ready_after_s, 1)]}
                results["flagship"] = {url: FLAGSHIP[1] in answer_text(s, FLAGSHIP[0])
                                       for url, s in (("a", a), ("b", b))}
                # 1. upload through A, found through B
                sent = time.monotonic()
                resp = upload(a, plan_bytes("复制测试市", 7), "复制测试市")
                delay = wait_visible(b, "复制测试市城镇清洁取暖率", "城镇清洁取暖率达到57%以上", sent)
                results["upload_a_found_b"] = {"status": resp.status_code, "delay_s": round(delay, 2)}
                # 2. concurrent uploads: different plans through each, the same plan through both
                statuses = concurrent_uploads(a, b)
                counts = store_counts(milvus.uri, "replicas")
                results["concurrent_uploads"] = {
                    "statuses": statuses,
                    "plans_per_doc": {d: c["plans"] for d, c in sorted(counts.items())},
                    "windows_per_doc": {d: c["windows"] for d, c in sorted(counts.items())},
                    "documents_a": len(documents(a)), "documents_b": len(documents(b)),
                }
                # 3. kill A under load
                results["kill_under_load"] = kill_under_load(a, b, clients, seconds)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.replicas", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="loopback clients per replica")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load phase")
    parser.add_argument("--data-dir", type=Path, default=None, help="data dir whose embedding cache replicas copy")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    results = run(args.clients, args.seconds, args.data_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
