"""`kill -9` of the real server (`python -m assistant serve`, a subprocess) while officials' feedback
is being written: every verdict the server acknowledged (200) is in the database afterwards."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import threading
import time

import httpx
import pytest

from assistant.feedback import DB_NAME
from eval.load import running_server
from index.store import INDEX_DIR

pytestmark = pytest.mark.slow

ANSWERS, SENDERS = 40, 4
KILL_AFTER = 150  # acknowledged writes before the kill
QUESTION = "铁岭 2025年城镇清洁取暖率"


def test_kill_9_during_feedback_writes_loses_nothing_acknowledged(search_index, fresh_data_dir, tmp_path):
    shutil.copytree(search_index.data_dir / INDEX_DIR, fresh_data_dir / INDEX_DIR)  # ready at once
    env = {"POLICYQA_LOG_QUESTIONS": "true", "POLICYQA_MOUNT_UI": "false"}  # the log writer runs too
    acked: dict[str, int] = {}  # answer_id -> the last acknowledged write (its sequence number)
    writes = [0]  # acknowledged writes in all
    lock, stop = threading.Lock(), threading.Event()
    cut_off: list[str] = []  # requests in flight when the server died

    with running_server(fresh_data_dir, tmp_path / "server.log", extra_env=env) as server:
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            ids = [http.post("/api/v1/chat", json={"messages": [{"role": "user", "content": QUESTION}]}).json()
                   ["answer_id"] for _ in range(ANSWERS)]

        def send(mine: list[str]) -> None:
            """Re-mark this sender's answers over and over, each write with a higher number."""
            with httpx.Client(base_url=server.base_url, timeout=30) as http:
                seq = 0
                while not stop.is_set():
                    for answer_id in mine:
                        seq += 1
                        try:
                            resp = http.post("/api/v1/feedback", json={
                                "answer_id": answer_id, "verdict": "wrong", "correction": f"更正 {seq}"})
                        except httpx.HTTPError as exc:
                            cut_off.append(type(exc).__name__)
                            return
                        assert resp.status_code == 200, resp.text
                        with lock:
                            acked[answer_id] = seq
                            writes[0] += 1

        threads = [threading.Thread(target=send, args=(ids[i::SENDERS],)) for i in range(SENDERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 120
        while writes[0] < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(server.pid, signal.SIGKILL)
        for t in threads:
            t.join(timeout=60)
        stop.set()

    print(f"kill -9 after {writes[0]} acknowledged feedback writes; {len(cut_off)} request(s) cut off")
    assert cut_off, "no feedback request was in flight when the server was killed"
    assert writes[0] >= KILL_AFTER and len(acked) == ANSWERS
    with sqlite3.connect(fresh_data_dir / DB_NAME) as conn:  # recovers the WAL as a restart would
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(conn.execute("SELECT answer_id, correction FROM feedback").fetchall())
    for answer_id, seq in acked.items():
        assert answer_id in stored, "an acknowledged verdict was lost"
        # the acknowledged write, or a later one that committed before its answer was sent
        assert int(stored[answer_id].split()[1]) >= seq
