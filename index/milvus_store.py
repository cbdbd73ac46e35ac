"""The shared store of a Milvus-served corpus (POLICYQA_BACKEND=milvus): what every replica reads.

Two collections on one Milvus server or cluster (`POLICYQA_MILVUS_URI`):

- `<collection>_windows`: one row per dense window (index.dense embeds a long paragraph as
  several windows). `pk` = the plan's text hash + the window ordinal, so inserting the same
  plan twice (two replicas, a retried job) writes the same rows again (upsert: exactly once).
  The first window row of a chunk also carries the whole chunk (`chunk_json`), so a replica
  rebuilds its chunk list from the collection alone.
- `<collection>_docs`: one row per plan: `pk` = the plan's text hash (corpus.catalog.text_hash:
  the same text in another encoding is the same plan), its DocumentMeta, its window count and
  the embedder id. Written *after* the plan's window rows: a plan is visible to replicas only
  when its document row exists, so a replica never serves half a plan.

Consistency. A replica's refresh (which plans are stored, their chunks) reads at level Strong
(CONSISTENCY): it sees every write the server acknowledged before it began, whichever replica
wrote it. Searches read at level Bounded (SEARCH_CONSISTENCY): Strong makes every search wait
for the server's next time tick (measured: 400 ms a search on the 2.3 standalone server against
2 ms at Bounded), Bounded sees every write older than the server's graceful time
(`common.gracefulTime`, 5 s by default: GRACE_S). So a replica serves a plan it found at a
refresh only GRACE_S after it first saw it (index.milvus_backend): by then its dense rows are
visible to Bounded searches too. An upload through one replica is served by every other within
REFRESH_S + GRACE_S + the time to read the plan (measured in the replica test).

Milvus 2.3 (the registry's standalone server) has no BM25 function, no sparse vectors and no
grouping search: the store keeps only dense vectors and filter fields, and BM25 runs on the
client over the chunk texts the collection returns (index.milvus_backend). `Capabilities`
records what the server offers and the backend logs the path it takes.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from corpus.model import Chunk, DocumentMeta
from index.milvus import MilvusSettings, filter_expression

log = logging.getLogger("index.milvus")

SCHEMA_VERSION = 1
CONSISTENCY = "Strong"  # refresh reads
SEARCH_CONSISTENCY = "Bounded"  # searches (see the module docstring)
SEARCH_TIMEOUT_S = 5.0  # a search of an unreachable server fails after this long
GRACE_S = 5.0  # Milvus's default common.gracefulTime: the staleness bound of a Bounded read
WINDOWS_SUFFIX = "_windows"
DOCS_SUFFIX = "_docs"
QUERY_LIMIT = 16_384  # Milvus's largest limit (offset + limit) for one query or search
_INSERT_BATCH = 256
_JSON_MAX_BYTES = 65_535  # VARCHAR limit, in bytes
_PK_MAX = 80


@dataclass(frozen=True)
class Capabilities:
    """What the Milvus server offers, read at start (`detect_capabilities`)."""

    version: str
    lite: bool
    bm25_function: bool  # full-text search (a BM25 Function over an analysed text field): 2.5+
    sparse_vectors: bool  # SPARSE_FLOAT_VECTOR fields: 2.4+
    group_by: bool  # grouping search (a chunk scored by its best window on the server): 2.4+

    @property
    def bm25_path(self) -> str:
        """Where BM25 runs for the serving backend (always the client: see index.milvus_backend)."""
        return "client"

    def describe(self) -> str:
        offers = [name for name, has in (("BM25 function", self.bm25_function), ("sparse vectors", self.sparse_vectors),
                                         ("grouping search", self.group_by)) if has]
        kind = "milvus-lite" if self.lite else "Milvus server"
        return f"{kind} {self.version} ({', '.join(offers) or 'dense vectors only'})"


def _version_tuple(version: str) -> tuple[int, ...]:
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", version or "")
    return tuple(int(x or 0) for x in m.groups()) if m else (0, 0, 0)


def detect_capabilities(client: Any, settings: MilvusSettings) -> Capabilities:
    if settings.is_lite:
        return Capabilities(version="lite", lite=True, bm25_function=True, sparse_vectors=True, group_by=True)
    version = str(client.get_server_version())
    v = _version_tuple(version)
    return Capabilities(version=version, lite=False, bm25_function=v >= (2, 5), sparse_vectors=v >= (2, 4),
                        group_by=v >= (2, 4))


@dataclass(frozen=True)
class StoredPlan:
    """One document row: a plan that is completely in the store."""

    text_hash: str
    meta: DocumentMeta
    position: int  # order of the plans (built-in plans first, then uploads in arrival order)
    windows: int
    embedder: str


def chunk_to_json(chunk: Chunk) -> str:
    return json.dumps(asdict(chunk), ensure_ascii=False, separators=(",", ":"))


def chunk_from_json(text: str) -> Chunk:
    return Chunk.from_row(json.loads(text))


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class SharedStore:
    """The two collections of one corpus on one Milvus; safe to share between threads."""

    def __init__(self, settings: MilvusSettings, dim: int, client: Any | None = None) -> None:
        from index.milvus import _connect

        self.settings = settings
        self.dim = dim
        self.windows_name = settings.collection + WINDOWS_SUFFIX
        self.docs_name = settings.collection + DOCS_SUFFIX
        self._client = client or _connect(settings)
        self.capabilities = detect_capabilities(self._client, settings)
        # a plan is served this long after a replica first saw it (0 for milvus-lite: one process)
        self.grace_s = 0.0 if settings.is_lite else GRACE_S
        self.first_seen: dict[str, float] = {}  # text hash -> when a refresh first saw it
        self._ensure_collections()

    # -- schema ------------------------------------------------------------------------
    def _ensure_collections(self) -> None:
        from pymilvus import DataType

        c = self._client
        if not c.has_collection(self.windows_name):
            schema = c.create_schema(auto_id=False)
            schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=_PK_MAX)
            schema.add_field("plan", DataType.VARCHAR, max_length=_PK_MAX)  # the plan's text hash
            schema.add_field("chunk_id", DataType.VARCHAR, max_length=128)
            schema.add_field("city", DataType.VARCHAR, max_length=64)
            schema.add_field("doc_id", DataType.VARCHAR, max_length=128)
            schema.add_field("kind", DataType.VARCHAR, max_length=16)
            schema.add_field("ordinal", DataType.INT64)  # chunk ordinal in its plan
            schema.add_field("chunk_json", DataType.VARCHAR, max_length=_JSON_MAX_BYTES)  # first window only
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=self.dim)
            idx = c.prepare_index_params()
            idx.add_index("dense", index_type=self.settings.dense_index, metric_type="IP",
                          **_dense_build_params(self.settings.dense_index))
            self._create(self.windows_name, schema, idx)
        if not c.has_collection(self.docs_name):
            schema = c.create_schema(auto_id=False)
            schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=_PK_MAX)
            schema.add_field("doc_id", DataType.VARCHAR, max_length=128)
            schema.add_field("position", DataType.INT64)
            schema.add_field("windows", DataType.INT64)
            schema.add_field("schema", DataType.INT64)
            schema.add_field("embedder", DataType.VARCHAR, max_length=256)
            schema.add_field("meta_json", DataType.VARCHAR, max_length=_JSON_MAX_BYTES)
            schema.add_field("unit", DataType.FLOAT_VECTOR, dim=2)  # Milvus 2.3 needs a vector field
            idx = c.prepare_index_params()
            idx.add_index("unit", index_type="FLAT", metric_type="L2")
            self._create(self.docs_name, schema, idx)
        c.load_collection(self.windows_name)
        c.load_collection(self.docs_name)

    def _create(self, name: str, schema: Any, index_params: Any) -> None:
        try:
            self._client.create_collection(name, schema=schema, index_params=index_params,
                                           consistency_level=CONSISTENCY)
        except Exception:  # another replica created it first: use theirs
            if not self._client.has_collection(name):
                raise

    def drop(self) -> None:
        for name in (self.windows_name, self.docs_name):
            if self._client.has_collection(name):
                self._client.drop_collection(name)

    # -- reads -------------------------------------------------------------------------
    def plans(self) -> list[StoredPlan]:
        """Every plan completely in the store, in order."""
        rows = self._client.query(
            self.docs_name, filter="position >= 0", limit=QUERY_LIMIT, consistency_level=CONSISTENCY,
            output_fields=["pk", "position", "windows", "embedder", "meta_json"],
        )
        plans = [StoredPlan(text_hash=r["pk"], meta=DocumentMeta.from_row(json.loads(r["meta_json"])),
                            position=int(r["position"]), windows=int(r["windows"]), embedder=r["embedder"])
                 for r in rows]
        return sorted(plans, key=lambda p: (p.position, p.meta.doc_id))

    def has_plan(self, text_hash: str) -> bool:
        rows = self._client.query(self.docs_name, filter=f"pk == {_quote(text_hash)}", output_fields=["pk"],
                                  limit=1, consistency_level=CONSISTENCY)
        return bool(rows)

    def plan_chunks(self, text_hash: str) -> list[Chunk]:
        """The chunks of one stored plan in reading order (from its first-window rows)."""
        rows = self._client.query(
            self.windows_name, filter=f'plan == {_quote(text_hash)} and chunk_json != ""', limit=QUERY_LIMIT,
            output_fields=["ordinal", "chunk_json"], consistency_level=CONSISTENCY,
        )
        return [chunk_from_json(r["chunk_json"]) for r in sorted(rows, key=lambda r: int(r["ordinal"]))]

    def search_dense(self, vector: Sequence[float], limit: int, filters: Any) -> list[tuple[str, float]]:
        """(chunk_id, inner product) of the best `limit` windows, best first (one per window)."""
        res = self._client.search(
            self.windows_name, data=[list(map(float, vector))], anns_field="dense", limit=min(limit, QUERY_LIMIT),
            filter=filter_expression(filters), output_fields=["chunk_id"],
            search_params={"metric_type": "IP", "params": _dense_search_params(self.settings.dense_index)},
            consistency_level=SEARCH_CONSISTENCY, timeout=SEARCH_TIMEOUT_S,
        )
        return [(h["entity"]["chunk_id"], float(h["distance"])) for h in res[0]]

    # -- writes ------------------------------------------------------------------------
    def add_plan(self, text_hash: str, meta: DocumentMeta, chunks: Sequence[Chunk], owner: np.ndarray,
                 vectors: np.ndarray, position: int, embedder: str) -> bool:
        """Store one plan; False (nothing written) when a plan with this text is already stored.

        Window rows first, the document row last: a plan interrupted half-way is invisible and
        the next attempt (same primary keys) overwrites its rows. Two replicas adding the same
        plan at once write identical rows under identical keys: it lands once."""
        if self.has_plan(text_hash):
            return False
        owner = np.asarray(owner, dtype=np.int64)
        if len(owner) != len(vectors) or (len(owner) and (owner.min() < 0 or owner.max() >= len(chunks))):
            raise ValueError("every window needs a vector and an owning chunk")
        rows, previous = [], -1
        for w, (o, vec) in enumerate(zip(owner.tolist(), np.asarray(vectors, dtype=np.float32))):
            ch = chunks[o]
            rows.append({
                "pk": f"{text_hash[:48]}-{w}", "plan": text_hash, "chunk_id": ch.chunk_id, "city": ch.city,
                "doc_id": ch.doc_id, "kind": ch.kind, "ordinal": o,
                "chunk_json": chunk_to_json(ch) if o != previous else "", "dense": vec.tolist(),
            })
            previous = o
        for start in range(0, len(rows), _INSERT_BATCH):
            self._client.upsert(self.windows_name, rows[start:start + _INSERT_BATCH])
        self._client.upsert(self.docs_name, [{
            "pk": text_hash, "doc_id": meta.doc_id, "position": position, "windows": len(rows),
            "schema": SCHEMA_VERSION, "embedder": embedder,
            "meta_json": json.dumps(asdict(meta), ensure_ascii=False), "unit": [1.0, 0.0],
        }])
        return True

    def close(self) -> None:
        self._client.close()


def _dense_build_params(kind: str) -> dict[str, Any]:
    if kind == "HNSW":
        return {"params": {"M": 32, "efConstruction": 200}}
    if kind == "IVF_FLAT":
        return {"params": {"nlist": 1024}}
    return {}


def _dense_search_params(kind: str) -> dict[str, Any]:
    if kind == "HNSW":
        return {"ef": 128}
    if kind == "IVF_FLAT":
        return {"nprobe": 32}
    return {}
