"""What the API serves from: an immutable snapshot (index + assistant) swapped as one reference.

Requests read `state.current()` once and use that snapshot to the end, so an upload that
lands mid-request never mixes an old index with a new assistant. Uploads are serialised by a
lock: two at once both land, one after the other.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.places import resolve_city
from policyqa.settings import Settings

if TYPE_CHECKING:  # imported lazily at run time: faiss and the embedder load only when serving
    from assistant.explorer import Explorer
    from assistant.service import Assistant
    from assistant.targets import Target
    from index.engine import SearchIndex

log = logging.getLogger("assistant.api")


class NotReadyError(Exception):
    """The index is still loading (or failed to load); `str(err)` says which."""


@dataclass(frozen=True)
class Snapshot:
    index: SearchIndex
    assistant: Assistant
    cities: tuple[str, ...] = field(default=())

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


def make_snapshot(index: SearchIndex) -> Snapshot:
    from assistant.service import Assistant

    cities = tuple(sorted({d.city for d in index.documents}))
    return Snapshot(index=index, assistant=Assistant(index), cities=cities)


class ApiState:
    def __init__(self, settings: Settings, index: SearchIndex | None = None) -> None:
        self.settings = settings
        self.upload_lock = threading.Lock()
        self._snapshot: Snapshot | None = make_snapshot(index) if index is not None else None
        self._problem = "index is loading"
        self._loader: threading.Thread | None = None

    def start_loading(self) -> None:
        """Open the index in a background thread, once; no-op when ready or already started."""
        if self.ready or self._loader is not None:
            return
        self._loader = threading.Thread(target=self.load, name="index-loader", daemon=True)
        self._loader.start()

    @property
    def ready(self) -> bool:
        return self._snapshot is not None

    def current(self) -> Snapshot:
        snap = self._snapshot
        if snap is None:
            raise NotReadyError(self._problem)
        return snap

    def publish(self, index: SearchIndex) -> Snapshot:
        snap = make_snapshot(index)
        self._snapshot = snap  # one reference assignment: readers see the old or the new, never a mix
        return snap

    def add_document(self, path: Path, **meta: Any) -> Any:
        """Ingest one file and publish the grown index; serialised by `upload_lock`.

        Copy-on-write: the update runs on a second SearchIndex opened from disk (sharing
        the embedder), so the snapshot being served is never modified; requests switch to
        the new one in a single reference swap. Only the new document's windows are
        embedded (the rest come from the embedding cache)."""
        from index.engine import SearchIndex

        with self.upload_lock:
            live = self.current().index  # read inside the lock: an upload just before us has published
            # build=True: also picks up plans another process added meanwhile (only new text is embedded)
            fresh = SearchIndex.open(live.data_dir, embedder=live.embedder, build=True)
            report = fresh.add_document(path, **meta)
            if fresh.manifest != live.manifest:
                self.publish(fresh)
            return report

    def load(self) -> None:
        """Open the persisted index (building it only if missing or stale); never raises."""
        from index.engine import SearchIndex

        data_dir: Path | None = self.settings.data_dir
        try:
            index = SearchIndex.open(data_dir, build=True)
            self.publish(index)
            log.info("index ready: %d documents, %d chunks", len(index.documents), len(index.chunks))
        except Exception as exc:  # the process stays up; /readyz reports why it is not ready
            self._problem = f"index failed to load: {type(exc).__name__}: {exc}"
            log.error("%s", self._problem)
