"""Several server processes on one port (assistant.api.workers, policyqa.app.serve): one builds
(assistant.api.builder_lock), every one serves what it published; a killed supervisor takes its
workers with it."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from assistant.api import builder_lock

REPO_DIR = Path(__file__).resolve().parents[3]
HOLDS = "from assistant.api.builder_lock import try_acquire; import sys; print(try_acquire(sys.argv[1]))"


def _other_process_gets_lock(data_dir: Path) -> bool:
    out = subprocess.run([sys.executable, "-c", HOLDS, str(data_dir)], cwd=REPO_DIR, capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout.strip() == "True"


def test_builder_lock_is_held_by_one_process_and_shared_within_it(tmp_path):
    assert builder_lock.try_acquire(tmp_path) and builder_lock.try_acquire(tmp_path)  # one process: shared
    assert not _other_process_gets_lock(tmp_path)
    builder_lock.release(tmp_path)
    assert not _other_process_gets_lock(tmp_path)  # still held by the second holder here
    builder_lock.release(tmp_path)
    assert _other_process_gets_lock(tmp_path)  # released: another process takes it


BUILDS = ("from assistant.api.builder_lock import try_acquire, mark_building; import sys; "
          "assert try_acquire(sys.argv[1]); mark_building(sys.argv[1], True); print('building', flush=True); "
          "sys.stdin.read()")


def test_a_worker_without_the_lock_sees_the_builders_build_and_not_a_dead_builders(tmp_path):
    builder = subprocess.Popen([sys.executable, "-c", BUILDS, str(tmp_path)], cwd=REPO_DIR, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert builder.stdout is not None and builder.stdout.readline().strip() == "building"
        assert builder_lock.building_elsewhere(tmp_path)  # /readyz of this worker: indexing
    finally:
        builder.kill()  # dies mid-build: its marker stays, its lock goes
        builder.wait(timeout=60)
    assert (tmp_path / "jobs" / builder_lock.BUILDING_NAME).exists()
    assert not builder_lock.building_elsewhere(tmp_path)
    assert builder_lock.try_acquire(tmp_path)  # the next builder starts with no build marked
    try:
        assert not (tmp_path / "jobs" / builder_lock.BUILDING_NAME).exists()
    finally:
        builder_lock.release(tmp_path)


@pytest.mark.slow
def test_two_workers_one_builds_both_serve_the_upload_and_die_with_the_supervisor(search_index, fresh_data_dir,
                                                                                    tmp_path):
    from eval.load import running_server, send_upload, upload_city, wait_job
    from index.store import INDEX_DIR

    shutil.copytree(search_index.data_dir / INDEX_DIR, fresh_data_dir / INDEX_DIR)
    with running_server(fresh_data_dir, tmp_path / "server.log", extra_env={"POLICYQA_WORKERS": "2"}) as server:
        workers = psutil.Process(server.pid).children()
        assert len(workers) == 2
        with httpx.Client(base_url=server.base_url, timeout=120) as http:
            resp = send_upload(http, server.token, 31, 4)
            assert resp.status_code == 202
            job = wait_job(http, server.token, resp.json()["job_id"], timeout=900)
            assert job["status"] == "done" and job["embedded"] == job["to_embed"] > 0
        log_path = tmp_path / "server.log"
        deadline = time.monotonic() + 60  # the other worker reloads the published index at its next poll
        while time.monotonic() < deadline and "serving the index published by the builder" not in log_path.read_text():
            time.sleep(0.2)
        found = []
        for _ in range(10):
            with httpx.Client(base_url=server.base_url, timeout=60) as fresh:  # a new connection: any worker
                body = fresh.post("/api/v1/search", json={"query": "城镇清洁取暖率", "top_k": 1,
                                                          "cities": [upload_city(31)]}).json()
                found.append(bool(body["results"]) and fresh.get("/readyz").json()["documents"] == 6)
        assert all(found)
        os.kill(server.pid, signal.SIGKILL)
        gone, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive  # PR_SET_PDEATHSIG: no worker outlives a killed supervisor
    log = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    assert log.count("indexed 1 upload(s)") == 1  # one process built
    assert "Traceback" not in log
