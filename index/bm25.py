"""BM25 retriever on bm25s, scoring exactly like rank-bm25's BM25Okapi.

BM25Okapi (Robertson et al., "Okapi at TREC-3", 1994, as implemented by rank-bm25) scores

    score(q, d) = sum over query terms t of  idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
    idf(t)      = log((N - df + 0.5) / (df + 0.5)), floored at epsilon * mean(idf)

In bm25s that is the "atire" term-frequency component with the "robertson" idf, whose floor
is 0 (a term in more than half the chunks carries no weight). Both agree when BM25Okapi's
epsilon is 0, which is what we use; tests/index/test_bm25.py checks the scores with np.allclose.
Duplicate query terms count once per occurrence in both libraries.

Retrieval ranks by more than that paragraph score. Plans write long paragraphs in which
the sentence that answers a question is one clause among many, so a paragraph that
repeats the query's common terms outscores the one holding the answering clause. The
retriever therefore keeps a second BM25 index over passages (the clauses of each
paragraph, cut at commas, semicolons and full stops) and scores a chunk by its best
passage ("max-passage", Callan, SIGIR 1994; Dai & Callan, SIGIR 2019). A chunk's
retrieval score is a convex combination of its paragraph and best-passage scores, each
divided by its maximum over the candidate chunks:
    (1 - PASSAGE_WEIGHT) * para / max(para) + PASSAGE_WEIGHT * passage / max(passage).
Every chunk is indexed by `Chunk.search_text`: its matching text, or for a table row the
row read with its header context (corpus.tables: "水泥熟料综合能耗(千克标准煤/吨):2020年实际值108,
2025年目标值104,…"), for a news lead only its clauses the plan does not repeat (corpus.leads).
A table row's index text is also prefixed with the table's caption (section headings); a row
without a context (a table the reader could not make sense of) gets its header row in its
passage (see `passage_texts`). A lead's score is multiplied by index.types.LEAD_WEIGHT.

"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
import numpy as np

from corpus.language import PASSAGE_CLAUSE
from corpus.model import Chunk
from index.masks import ChunkMasks
from index.tokenizer import Tokenizer, get_tokenizer
from index.types import Filters, Hit, chunk_weight

K1 = 1.5  # rank-bm25 defaults
B = 0.75
PASSAGE_WEIGHT = 0.6  # weight of the best-passage score against the paragraph score
SCORE_CACHE = 8  # queries whose whole-corpus score vectors are kept (a library's: 85 KB each)
SCHEME = "v4-searchtext-paragraph+clauses-tablecaption-leadweight"  # what is indexed; an index with another is rebuilt on load
_PARAMS_FILE = "retriever.json"
_PASSAGES_DIR = "passages"
_STARTS_FILE = "starts.npy"


class BM25Retriever:
    """Lexical retriever over `chunks` (one BM25 document per chunk)."""

    source = "bm25"

    def __init__(
        self,
        chunks: Sequence[Chunk],
        tokenizer: Tokenizer | None = None,
        k1: float = K1,
        b: float = B,
        *,
        _model: bm25s.BM25 | None = None,
        _passages: tuple[bm25s.BM25, np.ndarray] | None = None,
    ) -> None:
        self.chunks = tuple(chunks)
        self.tokenizer = tokenizer or get_tokenizer()
        self.k1, self.b = k1, b
        if _model is None:
            _model = self._index(self.tokenizer.tokenize_indexed(index_text(c) for c in self.chunks))
        if _passages is None:
            units, starts = passage_units(passage_texts(self.chunks))
            _passages = (self._index(self.tokenizer.tokenize_indexed(units)), starts)
        self._model = _model
        self._passage_model, self._starts = _passages
        self._weights = np.fromiter((chunk_weight(c) for c in self.chunks), dtype=np.float32, count=len(self.chunks))
        self.masks = ChunkMasks(self.chunks)
        self._vocabulary: frozenset[str] | None = None
        # The last few queries' whole-corpus score vectors: a question asked across many places
        # ("各地…", one ranking per place) scores the corpus once, then masks it per place.
        self._scored: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self._scored_lock = threading.Lock()

    def _index(self, corpus_tokens: list[list[str]]) -> bm25s.BM25:
        model = bm25s.BM25(k1=self.k1, b=self.b, method="atire", idf_method="robertson")
        if corpus_tokens:
            model.index(corpus_tokens, show_progress=False)
        return model

    def vocabulary(self) -> frozenset[str]:
        """Every term of the indexed chunks (what "known to the corpus" means)."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(getattr(self._model, "vocab_dict", {}) or ())
        return self._vocabulary

    # --- scoring -------------------------------------------------------------

    def _memo(self, kind: str, tokens: Sequence[str], score: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """`score(tokens)`, kept for the last SCORE_CACHE queries (read-only arrays)."""
        key = (kind, tuple(tokens))
        with self._scored_lock:
            found = self._scored.get(key)
            if found is not None:
                self._scored.move_to_end(key)
                return found
        found = score(list(tokens))
        found.flags.writeable = False
        with self._scored_lock:
            self._scored[key] = found
            while len(self._scored) > SCORE_CACHE:
                self._scored.popitem(last=False)
        return found

    def score_tokens(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk (float32, in chunk order, read-only) for already tokenized terms."""
        return self._memo("paragraph", tokens, self._score_tokens)

    def passage_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Best passage's BM25 score of every chunk (float32, in chunk order, read-only)."""
        return self._memo("passage", tokens, self._passage_scores)

    def _score_tokens(self, tokens: list[str]) -> np.ndarray:
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        if not self.chunks:
            return scores
        ids = self._model.get_tokens_ids(tokens)  # unknown terms score nothing
        if ids:
            scores = self._model.get_scores_from_ids(ids).astype(np.float32)
        return scores

    def _passage_scores(self, tokens: list[str]) -> np.ndarray:
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        if not self.chunks:
            return scores
        ids = self._passage_model.get_tokens_ids(tokens)
        if ids:
            units = self._passage_model.get_scores_from_ids(ids).astype(np.float32, copy=False)
            scores = np.maximum.reduceat(units, self._starts)  # units are grouped by chunk
        return scores

    def scores(self, query: str) -> np.ndarray:
        return self.score_tokens(self.tokenizer.tokenize(query))

    def combined_scores(
        self, tokens: Sequence[str], mask: np.ndarray | None = None,
        extra: tuple[Sequence[str], float] | None = None,
    ) -> np.ndarray:
        """Retrieval score: paragraph and best-passage BM25, each scaled by its maximum over
        the chunks `mask` accepts, mixed with PASSAGE_WEIGHT (0 where no term matches).
        `extra` (tokens, weight) adds weight * their paragraph / passage scores."""
        para, passage = self.score_tokens(tokens), self.passage_scores(tokens)
        if extra is not None and extra[0] and extra[1] > 0:
            para = para + extra[1] * self.score_tokens(extra[0])
            passage = passage + extra[1] * self.passage_scores(extra[0])
        if mask is not None:
            para, passage = np.where(mask, para, 0.0), np.where(mask, passage, 0.0)
        para_max, passage_max = float(para.max(initial=0.0)), float(passage.max(initial=0.0))
        if para_max <= 0 or passage_max <= 0:
            return para.astype(np.float32)
        mixed = (1 - PASSAGE_WEIGHT) * para / para_max + PASSAGE_WEIGHT * passage / passage_max
        return mixed.astype(np.float32)

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        return self.retrieve_tokens(self.tokenizer.tokenize(query), top_k, filters)

    def retrieve_expanded(
        self, query: str, expansions: Sequence[str], weight: float, top_k: int = 10,
        filters: Filters | None = None,
    ) -> list[Hit]:
        """`retrieve` with synonym expansion terms that count `weight` times a query term:
        paragraph and passage scores are score(query terms) + weight * score(expansion terms
        not among them), then combined as in `combined_scores`."""
        tokens = self.tokenizer.tokenize(query)
        own = set(tokens)
        extra = [t for e in expansions for t in self.tokenizer.tokenize(e) if t not in own]
        if weight <= 0 or not extra:
            return self.retrieve_tokens(tokens, top_k, filters)
        return self.retrieve_tokens(tokens, top_k, filters, extra=(extra, weight))

    def retrieve_tokens(
        self, tokens: Sequence[str], top_k: int = 10, filters: Filters | None = None,
        extra: tuple[Sequence[str], float] | None = None,
    ) -> list[Hit]:
        """Best-first hits with a positive score among the chunks `filters` accepts
        (`extra`: further tokens and their weight, see `retrieve_expanded`)."""
        mask = self.masks.mask(filters)
        scores = self.combined_scores(tokens, mask, extra) * self._weights
        scores = np.where(mask & (scores > 0), scores, -np.inf)
        return _top_hits(self.chunks, scores, top_k, self.source)

    # --- persistence ---------------------------------------------------------

    def save(self, directory: Path) -> None:
        """bm25s arrays + our parameters; chunks are stored by the caller (index.store)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.chunks:
            self._model.save(str(directory), show_progress=False)
            self._passage_model.save(str(directory / _PASSAGES_DIR), show_progress=False)
            np.save(directory / _PASSAGES_DIR / _STARTS_FILE, self._starts, allow_pickle=False)
        params = {"k1": self.k1, "b": self.b, "n_chunks": len(self.chunks), "scheme": SCHEME}
        (directory / _PARAMS_FILE).write_text(json.dumps(params), encoding="utf-8")

    @classmethod
    def load(
        cls, directory: Path, chunks: Sequence[Chunk], tokenizer: Tokenizer | None = None
    ) -> "BM25Retriever":
        directory = Path(directory)
        params = json.loads((directory / _PARAMS_FILE).read_text(encoding="utf-8"))
        if params["n_chunks"] != len(chunks):
            raise ValueError(f"BM25 index has {params['n_chunks']} chunks, expected {len(chunks)}")
        if params.get("scheme") != SCHEME or not chunks:
            # Built by an older version (or empty): index again in memory, same results.
            return cls(chunks, tokenizer, params["k1"], params["b"])
        model = bm25s.BM25.load(str(directory), show_progress=False)
        passages = directory / _PASSAGES_DIR
        starts = np.load(passages / _STARTS_FILE, allow_pickle=False)
        if len(starts) != len(chunks):
            raise ValueError(f"BM25 passages cover {len(starts)} chunks, expected {len(chunks)}")
        passage_model = bm25s.BM25.load(str(passages), show_progress=False)
        return cls(chunks, tokenizer, params["k1"], params["b"], _model=model,
                   _passages=(passage_model, starts))


def index_text(chunk: Chunk) -> str:
    """What BM25 indexes for a chunk: its search text (matching text; a table row's header
    context; a lead's own clauses); a table row (tab-separated cells, often only a name and
    numbers) is prefixed with its table's caption, the chunk's innermost headings
    ("附件3 …减排量指标计划")."""
    text = chunk.search_text or chunk.text
    if chunk.tabular and chunk.section:
        return f"{' '.join(chunk.section[-2:])} {text}"
    return text


def passage_texts(chunks: Sequence[Chunk]) -> list[str]:
    """What the passage index splits, per chunk: `index_text`, and for a table row also the
    table's header row, the first chunk of the run of rows in the same document and section
    ("县（市、区）\tCOD\t氨氮…"), so that a row matches the column it is asked about."""
    texts: list[str] = []
    header: int | None = None
    for i, chunk in enumerate(chunks):
        text = index_text(chunk)
        if not chunk.tabular or chunk.context:
            header = None  # a row with a context already carries its header
        else:
            prev = chunks[i - 1] if i else None
            same_table = (prev is not None and header is not None and prev.doc_id == chunk.doc_id
                          and prev.section == chunk.section and prev.tabular)
            if not same_table or header is None:
                header = i
            else:
                text = f"{index_text(chunks[header])} {text}"
        texts.append(text)
    return texts


def passage_units(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """The passages of each text (its clauses) and the index of each text's first passage.

    Every text gets at least one passage, so the starts are strictly increasing."""
    units: list[str] = []
    starts = np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        starts[i] = len(units)
        clauses = [c for c in PASSAGE_CLAUSE.findall(text) if c.strip()]
        units.extend(clauses or [text])
    return units, starts


def _top_hits(chunks: Sequence[Chunk], scores: np.ndarray, top_k: int, source: str) -> list[Hit]:
    """Hits for the `top_k` finite scores, best first (ties: reading order)."""
    finite = np.flatnonzero(np.isfinite(scores))
    if top_k <= 0 or finite.size == 0:
        return []
    order = finite[np.lexsort((finite, -scores[finite]))][:top_k]
    return [Hit(chunk=chunks[i], score=float(scores[i]), source=source) for i in order]
