"""Milvus backend: the same chunks and vectors as the local index, served by Milvus.

By default an embedded milvus-lite file `<data_dir>/milvus.db` (nothing to start);
with `POLICYQA_MILVUS_URI` (e.g. http://host:19530, plus `POLICYQA_MILVUS_TOKEN`)
a Milvus server or cluster. BM25 uses Milvus's built-in full-text search (a BM25
Function over a jieba-analysed text field), dense search uses inner product over
the normalised vectors, hybrid fuses the two in the project's one hybrid retriever
(`index.hybrid`; Milvus's RRFRanker on request), and city / document / lead
filters are scalar expressions. The collection is rebuilt only when the corpus
hash, the embedder id or the schema version recorded in its properties changed.

One row per dense *window* (index.dense embeds long paragraphs as several windows
and scores a chunk by its best window): every search groups rows by chunk
(`group_by_field`), so a chunk is scored by its best window here too. BM25 must
count each chunk once, so only a chunk's first window row carries its text; the
other window rows have empty text (they add to N and lower avgdl slightly).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.model import Chunk
from corpus.text import fold, matching
from index.bm25 import index_text
from index.hybrid import DEPTH, for_mode
from index.types import MODES, Filters, Hit, chunk_weight

SCHEMA_VERSION = 3  # 3: folded matching text (corpus.text.fold) in the BM25 field
DEFAULT_COLLECTION = "policyqa_chunks"
RANKER_RRF_K = 60  # RRFRanker's constant (Cormack et al. 2009), for fusion="milvus" only
_GROUP_BY_CHUNK = {"group_by_field": "chunk", "group_size": 1}  # a chunk scores by its best window
# What one Milvus request can answer; "hybrid" with client fusion is two of them fused by
# index.hybrid, "hybrid-ranker" is one hybrid_search fused by Milvus's RRFRanker.
_NATIVE_MODES: tuple[str, ...] = ("bm25", "dense", "hybrid-ranker")
_INSERT_BATCH = 256
_MARKER_KEY = "policyqa.marker"  # collection property: what the collection was built from
# Milvus VARCHAR limits are in bytes; Chinese is 3 bytes a character in UTF-8.
_TEXT_MAX_BYTES = 65_535

EmbedFn = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class MilvusSettings:
    """Where the collection lives. `uri` is a local file (milvus-lite) or a server URL."""

    uri: str
    token: str = ""
    collection: str = DEFAULT_COLLECTION
    # Dense index: "FLAT" (exact) suits the built-in corpus; a cluster holding
    # millions of chunks wants "HNSW" or "IVF_FLAT" (see docs/SCALING.md).
    dense_index: str = "FLAT"
    # Hybrid fusion. "client": two Milvus searches (BM25, dense grouped by chunk) fused
    # with the project's RRF over chunks: same ranking as the local hybrid. "milvus": one
    # hybrid_search with RRFRanker, which fuses rows (windows), so a long paragraph's
    # BM25 and dense evidence can land on different rows (measured: Recall@5 -0.05).
    fusion: str = "client"

    def __post_init__(self) -> None:
        if self.fusion not in ("client", "milvus"):
            raise ValueError(f"fusion must be 'client' or 'milvus', not {self.fusion!r}")

    @property
    def is_lite(self) -> bool:
        return not self.uri.startswith(("http://", "https://", "tcp://", "grpc://"))

    @classmethod
    def from_env(cls, data_dir: Path | str) -> MilvusSettings:
        """From the settings table (`policyqa.settings`: POLICYQA_MILVUS_*), else milvus-lite in data_dir."""
        from policyqa.settings import load_settings

        settings = load_settings()
        token = settings.milvus_token.get_secret_value() if settings.milvus_token else ""
        return cls(
            uri=settings.milvus_uri.strip() or str(Path(data_dir) / "milvus.db"),
            token=token,
            collection=settings.milvus_collection,
            dense_index=settings.milvus_dense_index,
            fusion=settings.milvus_fusion,
        )


def corpus_fingerprint(chunks: Sequence[Chunk]) -> str:
    """Hash of everything the collection stores per chunk (ids, text, filter fields)."""
    h = hashlib.sha256()
    for c in chunks:
        for part in (c.chunk_id, c.doc_id, c.city, c.kind, index_text(c)):
            h.update(part.encode("utf-8"))
            h.update(b"\x1f")
    return h.hexdigest()


def filter_expression(filters: Filters | None) -> str:
    """Milvus boolean expression equivalent to `Filters.accepts` (metadata fields resolved to
    doc_ids first: index.filters.resolve)."""
    f = filters or Filters()
    if f.has_metadata:
        raise ValueError("metadata filters must be resolved against the documents first (index.filters.resolve)")
    parts: list[str] = []
    if f.cities:
        parts.append(f"city in {json.dumps(list(f.cities), ensure_ascii=False)}")
    if f.doc_ids:
        parts.append(f"doc_id in {json.dumps(list(f.doc_ids), ensure_ascii=False)}")
    if not f.include_lead:
        parts.append('kind != "lead"')
    return " and ".join(parts)


def _connect(settings: MilvusSettings) -> Any:
    from pymilvus import MilvusClient  # lazy: keeps BM25-only start-up light

    if settings.is_lite:
        Path(settings.uri).parent.mkdir(parents=True, exist_ok=True)
        return MilvusClient(settings.uri)
    return MilvusClient(uri=settings.uri, token=settings.token or "")


class MilvusCollection:
    """The chunk collection: ensure it matches the corpus, then search it."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        embed_queries: EmbedFn,
        embedder_id: str,
        settings: MilvusSettings,
        *,
        analyzer_words: Sequence[str] = (),
        stopwords: Sequence[str] = (),
        window_scheme: str = "",
    ) -> None:
        self.window_scheme = window_scheme
        self.chunks = tuple(chunks)
        self._ordinal = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.settings = settings
        self.embedder_id = embedder_id
        self._embed_queries = embed_queries
        self._analyzer_words = tuple(analyzer_words)
        self._stopwords = tuple(stopwords)
        self._client = _connect(settings)
        self.rebuilt = False

    # -- build -------------------------------------------------------------
    def marker(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "corpus": corpus_fingerprint(self.chunks),
            "embedder": self.embedder_id,
            "analyzer": hashlib.sha1(
                json.dumps([self._analyzer_words, self._stopwords], ensure_ascii=False).encode()
            ).hexdigest()[:12],
            "dense_index": self.settings.dense_index,
            "windows": self.window_scheme,
        }

    def stored_marker(self) -> dict[str, Any] | None:
        name = self.settings.collection
        if not self._client.has_collection(name):
            return None
        props = self._client.describe_collection(name).get("properties") or {}
        try:
            return json.loads(props.get(_MARKER_KEY, ""))
        except (TypeError, ValueError):
            return None

    def ensure(self, windows: Callable[[], tuple[np.ndarray, np.ndarray]]) -> bool:
        """Rebuild the collection when its marker differs; returns True when it rebuilt.

        `windows` returns (window_owner, vectors): the chunk ordinal of every window
        and its normalised passage vector. It is called only when a rebuild is
        needed, so an unchanged corpus is never re-embedded or re-read.
        """
        marker = self.marker()
        if self.stored_marker() == marker:
            self._client.load_collection(self.settings.collection)
            self.rebuilt = False
            return False
        owner, vecs = windows()
        owner = np.asarray(owner, dtype=np.int64)
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        if vecs.shape[0] != owner.shape[0]:
            raise ValueError(f"{vecs.shape[0]} vectors for {owner.shape[0]} windows")
        if owner.size and (owner.min() < 0 or owner.max() >= len(self.chunks)):
            raise ValueError("a window points outside the chunks")
        self._create(vecs.shape[1])
        self._insert(owner, vecs)
        # Written last: a build interrupted half-way leaves no marker and is redone.
        self._client.alter_collection_properties(
            self.settings.collection, properties={_MARKER_KEY: json.dumps(marker, sort_keys=True)}
        )
        self.rebuilt = True
        return True

    def _analyzer_params(self) -> dict[str, Any]:
        # "jieba" is accepted by milvus-lite and by Milvus 2.5+ servers alike; the
        # project's domain words keep multi-character terms (e.g. 清洁取暖率) whole.
        tokenizer: dict[str, Any] = {"type": "jieba", "mode": "search"}
        if self._analyzer_words:
            tokenizer["dict"] = ["_default_", *self._analyzer_words]
        params: dict[str, Any] = {"tokenizer": tokenizer}
        if self._stopwords:
            params["filter"] = [{"type": "stop", "stop_words": list(self._stopwords)}]
        return params

    def _create(self, dim: int) -> None:
        from pymilvus import DataType, Function, FunctionType

        c, name = self._client, self.settings.collection
        if c.has_collection(name):
            c.drop_collection(name)
        schema = c.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)  # window ordinal
        schema.add_field("chunk", DataType.INT64)  # chunk ordinal: the group-by key
        schema.add_field("chunk_id", DataType.VARCHAR, max_length=128)
        schema.add_field("city", DataType.VARCHAR, max_length=64)
        schema.add_field("doc_id", DataType.VARCHAR, max_length=128)
        schema.add_field("kind", DataType.VARCHAR, max_length=16)
        schema.add_field(
            "text",
            DataType.VARCHAR,
            max_length=_TEXT_MAX_BYTES,
            enable_analyzer=True,
            analyzer_params=self._analyzer_params(),
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_function(
            Function(
                name="text_bm25",
                function_type=FunctionType.BM25,
                input_field_names=["text"],
                output_field_names=["sparse"],
            )
        )
        idx = c.prepare_index_params()
        idx.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        idx.add_index("dense", index_type=self.settings.dense_index, metric_type="IP", **self._dense_build_params())
        idx.add_index("city", index_type="INVERTED")
        c.create_collection(name, schema=schema, index_params=idx)

    def _dense_build_params(self) -> dict[str, Any]:
        kind = self.settings.dense_index
        if kind == "HNSW":
            return {"params": {"M": 32, "efConstruction": 200}}
        if kind == "IVF_FLAT":
            return {"params": {"nlist": max(16, int(4 * np.sqrt(len(self.chunks))))}}
        return {}

    def _insert(self, owner: np.ndarray, vecs: np.ndarray) -> None:
        name = self.settings.collection
        first = np.ones(len(owner), dtype=bool)
        first[1:] = owner[1:] != owner[:-1]
        for start in range(0, len(owner), _INSERT_BATCH):
            rows = []
            for w in range(start, min(start + _INSERT_BATCH, len(owner))):
                ch = self.chunks[int(owner[w])]
                rows.append({
                    "id": w,
                    "chunk": int(owner[w]),
                    "chunk_id": ch.chunk_id,
                    "city": ch.city,
                    "doc_id": ch.doc_id,
                    "kind": ch.kind,
                    # What BM25 indexes, as in the local index: the folded matching text, once per chunk.
                    "text": fold(index_text(ch)) if first[w] else "",
                    "dense": vecs[w].tolist(),
                })
            self._client.insert(name, rows)
        self._client.flush(name)
        self._client.load_collection(name)

    # -- search ------------------------------------------------------------
    def search(self, query: str, mode: str, top_k: int, filters: Filters | None) -> list[tuple[int, float]]:
        """(chunk ordinal, score) best first, at most one entry per chunk, for one native
        mode: bm25, dense or hybrid-ranker (see `MilvusRetriever` for client-fused hybrid)."""
        if mode not in _NATIVE_MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(_NATIVE_MODES)}")
        if top_k <= 0 or not query.strip():
            return []
        expr = filter_expression(filters)
        lexical = fold(query)  # what the BM25 analyser reads, as the local tokenizer does
        if mode == "bm25":
            return self._bm25(lexical, top_k, expr)
        qvec = np.asarray(self._embed_queries([matching(query)]), dtype=np.float32)[0].tolist()
        if mode == "dense":
            return self._dense(qvec, top_k, expr)
        return self._hybrid_ranker(lexical, qvec, top_k, max(top_k, DEPTH), expr)

    def _bm25(self, query: str, limit: int, expr: str) -> list[tuple[int, float]]:
        res = self._client.search(
            self.settings.collection, data=[query], anns_field="sparse", limit=limit, filter=expr,
            search_params={"metric_type": "BM25"}, output_fields=["chunk"],
        )
        # milvus-lite reports BM25 as a negated distance; servers report the score.
        return [(int(h["entity"]["chunk"]), abs(float(h["distance"]))) for h in res[0]]

    def _dense(self, qvec: list[float], limit: int, expr: str) -> list[tuple[int, float]]:
        res = self._client.search(
            self.settings.collection, data=[qvec], anns_field="dense", limit=limit, filter=expr,
            search_params={"metric_type": "IP", "params": self._dense_search_params()},
            output_fields=["chunk"], **_GROUP_BY_CHUNK,
        )
        return [(int(h["entity"]["chunk"]), float(h["distance"])) for h in res[0]]

    def _hybrid_ranker(self, query: str, qvec: list[float], top_k: int, depth: int,
                       expr: str) -> list[tuple[int, float]]:
        """One `hybrid_search` call fused by Milvus's RRFRanker.

        RRFRanker fuses rows, not chunks: a chunk whose BM25 row (its first window)
        differs from its best dense window gets two half-credited rows instead of one.
        Exact only when every chunk is a single window; see `MilvusSettings.fusion`.
        """
        from pymilvus import AnnSearchRequest, RRFRanker

        dense_params = {"metric_type": "IP", "params": self._dense_search_params()}
        reqs = [
            AnnSearchRequest(data=[query], anns_field="sparse", param={"metric_type": "BM25"},
                             limit=depth, expr=expr or None),
            AnnSearchRequest(data=[qvec], anns_field="dense", param=dense_params, limit=depth, expr=expr or None),
        ]
        res = self._client.hybrid_search(
            self.settings.collection, reqs, RRFRanker(RANKER_RRF_K), limit=top_k, output_fields=["chunk"],
            **_GROUP_BY_CHUNK,
        )
        return [(int(h["entity"]["chunk"]), float(h["distance"])) for h in res[0]]

    def _dense_search_params(self) -> dict[str, Any]:
        kind = self.settings.dense_index
        if kind == "HNSW":
            return {"ef": 128}
        if kind == "IVF_FLAT":
            return {"nprobe": 32}
        return {}

    def close(self) -> None:
        self._client.close()


class MilvusRetriever:
    """`index.types.Retriever` over a `MilvusCollection` in one mode (bm25, dense, hybrid).

    Hybrid is the project's one hybrid retriever over the collection's bm25 and dense
    retrievers (`index.hybrid.for_mode`), exactly as the local index fuses; with
    `settings.fusion == "milvus"` it is one `hybrid_search` fused by Milvus's RRFRanker."""

    def __init__(self, collection: MilvusCollection, mode: str = "hybrid") -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        self.collection = collection
        self.mode = mode

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        coll = self.collection
        if self.mode == "hybrid" and coll.settings.fusion == "client":
            pipeline = for_mode("hybrid", MilvusRetriever(coll, "bm25"), MilvusRetriever(coll, "dense"))
            return [Hit(h.chunk, h.score, "milvus-hybrid") for h in pipeline.retrieve(query, top_k, filters)]
        native = "hybrid-ranker" if self.mode == "hybrid" else self.mode
        chunks = coll.chunks
        hits = [
            Hit(chunk=chunks[i], score=score * chunk_weight(chunks[i]), source=f"milvus-{self.mode}")
            for i, score in coll.search(query, native, top_k, filters)
        ]
        # A lead counts at LEAD_WEIGHT, as in the local retrievers (applied to Milvus's top_k).
        return sorted(hits, key=lambda h: -h.score)


def _embedder_id(embedder: Any) -> str:
    for attr in ("id", "embedder_id", "model_id", "name"):
        value = getattr(embedder, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(embedder).__name__


def _lexicon() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Domain words (user words and synonym terms) and stopwords of the project tokenizer."""
    from index import lexicon

    words = [fold(w) for w in (*lexicon.user_words(), *(t for g in lexicon.synonym_groups() for t in g))]
    return tuple(sorted(set(words))), tuple(sorted({fold(w) for w in lexicon.stopwords()}))


def open_milvus(
    search_index: Any,
    settings: MilvusSettings | None = None,
    data_dir: Path | str | None = None,
) -> MilvusCollection:
    """A collection mirroring `search_index` (an `index.engine.SearchIndex`).

    Reuses the passage vectors the local dense index already holds, so building
    the Milvus collection never embeds the corpus again.
    """
    from index.paths import resolve_data_dir

    data_dir = data_dir or getattr(search_index, "data_dir", None)
    if settings is None:
        settings = MilvusSettings.from_env(resolve_data_dir(data_dir))
    from index.dense import WINDOW_SCHEME

    chunks = tuple(search_index.chunks)
    embedder = getattr(search_index, "embedder", None) or getattr(search_index.dense, "embedder")
    words, stops = _lexicon()
    coll = MilvusCollection(
        chunks, embedder.embed_queries, _embedder_id(embedder), settings,
        analyzer_words=words, stopwords=stops, window_scheme=WINDOW_SCHEME,
    )
    coll.ensure(lambda: _local_windows(search_index, embedder, data_dir))
    return coll


def _local_windows(search_index: Any, embedder: Any, data_dir: Path | str | None) -> tuple[np.ndarray, np.ndarray]:
    """(window_owner, vectors) of the local dense index, read back from faiss when it can."""
    dense = search_index.dense
    owner = np.asarray(dense.window_owner, dtype=np.int64)
    index = dense.index
    pending = getattr(getattr(search_index, "manifest", None), "pending", 0)  # built with embed=False
    if index.ntotal == len(owner) and not pending:
        try:
            return owner, np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)
        except RuntimeError:  # IVF without a direct map cannot reconstruct
            pass
    from index.paths import resolve_data_dir
    from index.store import window_vectors

    owners, vectors, _ = window_vectors(search_index.chunks, embedder, resolve_data_dir(data_dir))
    return owners, vectors
