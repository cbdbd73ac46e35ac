"""Upload jobs: one JSON file per job under <data_dir>/jobs/, written atomically.

An upload is validated and stored (corpus.ingest) inside the request; indexing it (embedding
its paragraphs, rebuilding BM25/faiss) runs as a job, so the request returns 202 at once and
search keeps serving the previous index. A job file survives `kill -9`: at the next start the
jobs still `queued` or `running` are resumed by the catch-up build (the plan is already
stored), and their files say how they ended.
"""
from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from corpus.fsutil import atomic_write

JOBS_DIR = "jobs"
KEEP_FINISHED = 200  # finished job files kept for GET /jobs/{id}; older ones are removed
Status = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class Job:
    job_id: str
    doc_id: str
    status: Status
    chunks: int  # paragraphs of the uploaded plan
    created_at: float
    updated_at: float
    embedded: int = 0  # windows embedded so far by the build that indexes this job
    to_embed: int = 0  # windows that build has to embed (0 until known, or when all were cached)
    error: str = ""  # one line, for status "failed"
    resumed: bool = False  # picked up again after a restart

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class JobStore:
    """Job files of one data dir; thread-safe within the process."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / JOBS_DIR
        self._lock = threading.Lock()

    def create(self, doc_id: str, chunks: int) -> Job:
        now = time.time()
        job = Job(job_id=uuid.uuid4().hex, doc_id=doc_id, status="queued", chunks=chunks,
                  created_at=now, updated_at=now)
        self.save(job)
        return job

    def save(self, job: Job) -> Job:
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self._path(job.job_id), (json.dumps(asdict(job), ensure_ascii=False) + "\n").encode())
        return job

    def update(self, job: Job, **changes: Any) -> Job:
        return self.save(replace(job, updated_at=time.time(), **changes))

    def get(self, job_id: str) -> Job | None:
        if not (len(job_id) == 32 and all(c in "0123456789abcdef" for c in job_id)):
            return None
        try:
            row = json.loads(self._path(job_id).read_text(encoding="utf-8"))
            return Job(**{k: row[k] for k in _job_fields() if k in row})
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def all(self) -> list[Job]:
        if not self.folder.is_dir():
            return []
        jobs = [self.get(p.stem) for p in self.folder.glob("*.json")]
        return sorted((j for j in jobs if j is not None), key=lambda j: j.created_at)

    def unfinished(self) -> list[Job]:
        return [j for j in self.all() if not j.finished]

    def pending_for(self, doc_id: str) -> Job | None:
        return next((j for j in self.unfinished() if j.doc_id == doc_id), None)

    def clean(self) -> None:
        """Remove temp files of killed writes and all but the newest KEEP_FINISHED finished jobs."""
        if not self.folder.is_dir():
            return
        for stale in self.folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        finished = [j for j in self.all() if j.finished]
        for job in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            with contextlib.suppress(OSError):
                self._path(job.job_id).unlink()

    def _path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"


def _job_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Job))
