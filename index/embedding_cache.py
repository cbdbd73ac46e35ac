"""On-disk cache of passage vectors: sha256(window text) -> vector, one folder per embedder.

Layout: <data_dir>/embeddings/<embedder slug>/shard-*.npz, each shard written atomically
(temp file + rename), so a killed build keeps every shard it finished and never leaves a
half-written one. Shards are merged once there are many of them.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from corpus.fsutil import atomic_write

log = logging.getLogger(__name__)
MAX_SHARDS = 16


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedder_slug(embedder_id: str) -> str:
    """A file-name-safe folder name for an embedder id (readable part + short hash)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_id).strip("_")[:60]
    return f"{readable}-{hashlib.sha1(embedder_id.encode()).hexdigest()[:8]}"


class EmbeddingCache:
    """Vectors of one embedder, keyed by `text_key`."""

    def __init__(self, root: Path, embedder_id: str, dim: int) -> None:
        self.folder = Path(root) / embedder_slug(embedder_id)
        self.embedder_id = embedder_id
        self.dim = dim
        self._vectors: dict[str, np.ndarray] = {}
        self._shards: list[Path] = []
        self._load()

    def __contains__(self, key: str) -> bool:
        return key in self._vectors

    def __len__(self) -> int:
        return len(self._vectors)

    def get_many(self, keys: Sequence[str]) -> np.ndarray:
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store new vectors in a new shard (durable before this returns)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(keys) != len(vectors) or (len(keys) and vectors.shape[1] != self.dim):
            raise ValueError(f"expected {len(keys)} vectors of dim {self.dim}, got {vectors.shape}")
        if not keys:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        info = self.folder / "embedder.json"
        if not info.exists():
            atomic_write(info, json.dumps({"id": self.embedder_id, "dim": self.dim}).encode())
        path = self.folder / f"shard-{time.time_ns()}-{uuid.uuid4().hex[:8]}.npz"
        self._write(path, list(keys), vectors)
        self._shards.append(path)
        for key, vector in zip(keys, vectors):
            self._vectors[key] = vector

    def compact(self) -> None:
        """Merge all shards into one when there are more than MAX_SHARDS (callers hold the lock)."""
        if len(self._shards) <= MAX_SHARDS:
            return
        keys = list(self._vectors)
        merged = self.folder / f"shard-{time.time_ns()}-{uuid.uuid4().hex[:8]}.npz"
        self._write(merged, keys, self.get_many(keys))
        for old in self._shards:
            old.unlink(missing_ok=True)
        self._shards = [merged]

    def _write(self, path: Path, keys: list[str], vectors: np.ndarray) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, keys=np.array(keys, dtype="U64"), vectors=vectors.astype(np.float32))
        atomic_write(path, buffer.getvalue())

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("shard-*.npz")):
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, vectors = data["keys"], data["vectors"]
                if vectors.ndim != 2 or vectors.shape[1] != self.dim or len(keys) != len(vectors):
                    raise ValueError(f"shape {vectors.shape}")
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:  # unreadable shard: re-embed its texts
                log.warning("ignoring unreadable embedding cache shard %s: %s", path.name, exc)
                continue
            self._shards.append(path)
            for key, vector in zip(keys.tolist(), vectors):
                self._vectors[key] = vector

    def missing(self, keys: Iterable[str]) -> list[str]:
        """Keys not cached yet, deduplicated, in first-seen order."""
        return [k for k in dict.fromkeys(keys) if k not in self._vectors]
