"""Runs retrieval modes over the question set.

A mode is a factory registered under a name: given the `EvalContext` (data dir, the shared
`SearchIndex`, opened lazily and once), it returns a search callable
`(question, history, top_k) -> list[Hit]`. Other backends register themselves the same way::

    from eval.runner import register_mode
    register_mode("milvus-hybrid", lambda ctx: make_milvus_search(ctx.index))

and are selected with `python -m eval run --modes milvus-hybrid --plugin my.module`.

The built-in modes: `bm25`, `dense`, `hybrid` are exactly what `/api/v1/search?mode=...`
serves (the assistant's pipeline; `hybrid` is the default of the API and the chat page);
`plain-bm25`, `plain-dense`, `plain-hybrid` are the library-level baselines
(`SearchIndex.search`: no query understanding, earlier turns prepended).
A factory that cannot run here (module not built yet, service down) raises `ModeUnavailable`;
the run then records the mode as skipped with that reason instead of failing.
"""
from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.model import Chunk
from index.hybrid import RetrievalSettings
from index.types import MODES, Hit
from eval.questions import Question
from eval.relevance import gold_ranks

SearchFn = Callable[[str, tuple[str, ...], int], Sequence[Hit]]


class ModeUnavailable(RuntimeError):
    """The mode cannot run in this checkout or environment; the message says why."""


class UnknownMode(ValueError):
    pass


@dataclass
class EvalContext:
    """What a mode factory may use. `index` opens the persisted index on first access."""

    data_dir: Path | None = None
    _index: Any = field(default=None, repr=False)
    _cached: Any = field(default=None, repr=False)

    @property
    def index(self) -> Any:
        if self._index is None:
            try:
                from index.engine import SearchIndex
            except ImportError as err:
                raise ModeUnavailable(f"index.engine is not available ({err})") from None
            self._index = SearchIndex.open(data_dir=self.data_dir)
        return self._index

    @classmethod
    def with_index(cls, index: Any, data_dir: Path | None = None) -> "EvalContext":
        """A context around an index the caller already opened (tests, other harnesses)."""
        return cls(data_dir=data_dir, _index=index)

    @property
    def cached(self) -> Any:
        """The index behind cached retrievers (eval.tuning.CachedBackend), made once: tuning
        and leave-one-city-out runs repeat searches that differ only after retrieval."""
        if self._cached is None:
            from eval.tuning import CachedBackend

            self._cached = CachedBackend(self.index)
        return self._cached

    @property
    def opened_index(self) -> Any:
        """The index if a mode already opened it, else None (never opens it)."""
        return self._index


ModeFactory = Callable[[EvalContext], SearchFn]
# A mode whose pipeline takes `index.hybrid.RetrievalSettings` (tuning, LOCO folds): given the
# backend to search (the index, or its cached twin) and the settings.
TunableFactory = Callable[[Any, RetrievalSettings], SearchFn]
_TUNABLE: dict[str, TunableFactory] = {}


@dataclass(frozen=True)
class Mode:
    name: str
    factory: ModeFactory
    description: str = ""


_REGISTRY: dict[str, Mode] = {}


def register_mode(name: str, factory: ModeFactory, description: str = "", *, replace: bool = False) -> None:
    """Make `name` selectable in `python -m eval run --modes`."""
    if not name or "," in name:
        raise ValueError(f"invalid mode name {name!r}")
    if name in _REGISTRY and not replace:
        raise ValueError(f"mode {name!r} is already registered")
    _REGISTRY[name] = Mode(name, factory, description)


def available_modes() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get_mode(name: str) -> Mode:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownMode(f"unknown mode {name!r}; choose from {', '.join(_REGISTRY)}") from None


def load_plugin(module: str) -> None:
    """Import a module that registers extra modes (`--plugin`)."""
    try:
        importlib.import_module(module)
    except ImportError as err:
        raise UnknownMode(f"cannot import plugin {module!r}: {err}") from None


def naive_query(question: str, history: Sequence[str]) -> str:
    """Baseline follow-up handling for the plain modes: earlier user turns + the question."""
    return " ".join([*history, question])


def _served_with(mode: str) -> TunableFactory:
    def factory(backend: Any, settings: RetrievalSettings) -> SearchFn:
        try:
            from assistant.answering.settings import AnswerSettings
            from assistant.service import Assistant
        except ImportError as err:
            raise ModeUnavailable(f"assistant.service is not available ({err})") from None
        assistant = Assistant(backend, AnswerSettings(retrieval=settings))

        def search(question: str, history: tuple[str, ...], top_k: int) -> Sequence[Hit]:
            return assistant.search(question, history=history, top_k=top_k, mode=mode).hits

        return search

    return factory


def _served(mode: str) -> ModeFactory:
    """What `/api/v1/search` (and the chat page) serve for `mode`: the assistant's pipeline,
    query understanding and follow-up resolution included (`Assistant.search`)."""
    with_settings = _served_with(mode)
    _TUNABLE[mode] = with_settings
    return lambda ctx: with_settings(ctx.index, RetrievalSettings())


def _plain_with(mode: str) -> TunableFactory:
    def factory(backend: Any, settings: RetrievalSettings) -> SearchFn:
        def search(question: str, history: tuple[str, ...], top_k: int) -> Sequence[Hit]:
            return backend.search(naive_query(question, history), mode=mode, top_k=top_k, settings=settings)

        return search

    return factory


def _plain(mode: str) -> ModeFactory:
    """The library-level baseline: `SearchIndex.search` (the same pipeline, no query
    understanding beyond the city filter; earlier turns naively prepended)."""
    with_settings = _plain_with(mode)
    _TUNABLE[f"plain-{mode}"] = with_settings
    return lambda ctx: with_settings(ctx.index, RetrievalSettings())


def tunable(name: str) -> bool:
    """Whether mode `name` takes RetrievalSettings (tuning and LOCO apply to it)."""
    return name in _TUNABLE


DEFAULT_MODES: tuple[str, ...] = (*(f"plain-{m}" for m in MODES), *MODES)

for _mode in MODES:
    register_mode(_mode, _served(_mode), f"{_mode} as the API serves it (Assistant.search(mode={_mode!r}))")
for _mode in MODES:
    register_mode(f"plain-{_mode}", _plain(_mode), f"{_mode} without query understanding (SearchIndex.search)")


@dataclass(frozen=True)
class QuestionRun:
    """One question under one mode: what came back and how long it took."""

    qid: str
    chunks: tuple[Chunk, ...]
    gold_ranks: tuple[int | None, ...]
    latency_ms: float
    error: str = ""  # the search raised; ranked as empty


@dataclass(frozen=True)
class ModeRun:
    mode: str
    results: tuple[QuestionRun, ...] = ()
    skipped: str = ""  # reason, when the mode could not run


def run_mode(
    name: str,
    questions: Sequence[Question],
    ctx: EvalContext,
    top_k: int = 10,
    progress: Callable[[str], None] | None = None,
    settings: RetrievalSettings | None = None,
) -> ModeRun:
    """Every question through one mode. A search that raises counts as an empty ranking.
    With `settings` (a tunable mode only) the mode runs them over the context's cached
    retrievers (`EvalContext.cached`)."""
    mode = get_mode(name)
    try:
        if settings is not None:
            if name not in _TUNABLE:
                raise ModeUnavailable(f"mode {name!r} takes no retrieval settings")
            search = _TUNABLE[name](ctx.cached, settings)
        else:
            search = mode.factory(ctx)
    except ModeUnavailable as err:
        return ModeRun(name, skipped=str(err))
    results = []
    for question in questions:
        start = time.perf_counter()
        error = ""
        try:
            hits = list(search(question.question, question.history, top_k))[:top_k]
        except Exception as err:  # noqa: BLE001 - one bad question must not end the run
            hits, error = [], f"{type(err).__name__}: {err}"
        elapsed = (time.perf_counter() - start) * 1000.0
        chunks = tuple(hit.chunk for hit in hits)
        results.append(QuestionRun(question.id, chunks, gold_ranks(question, chunks), elapsed, error))
    if progress:
        progress(f"{name}: {len(results)} questions")
    return ModeRun(name, tuple(results))
