"""BM25 retriever on bm25s, scoring exactly like rank-bm25's BM25Okapi.

BM25Okapi (Robertson et al., "Okapi at TREC-3", 1994, as implemented by rank-bm25) scores

    score(q, d) = sum over query terms t of  idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
    idf(t)      = log((N - df + 0.5) / (df + 0.5)), floored at epsilon * mean(idf)

In bm25s that is the "atire" term-frequency component with the "robertson" idf, whose floor
is 0 (a term in more than half the chunks carries no weight). Both agree when BM25Okapi's
epsilon is 0, which is what we use; tests/index/test_bm25.py checks the scores with np.allclose.
Duplicate query terms count once per occurrence in both libraries.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from corpus.model import Chunk
from index.tokenizer import Tokenizer, get_tokenizer
from index.types import Filters, Hit

K1 = 1.5  # rank-bm25 defaults
B = 0.75
_PARAMS_FILE = "retriever.json"


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
    ) -> None:
        self.chunks = tuple(chunks)
        self.tokenizer = tokenizer or get_tokenizer()
        self.k1, self.b = k1, b
        if _model is None:
            _model = bm25s.BM25(k1=k1, b=b, method="atire", idf_method="robertson")
            corpus_tokens = [self.tokenizer.tokenize(index_text(c)) for c in self.chunks]
            if self.chunks:
                _model.index(corpus_tokens, show_progress=False)
        self._model = _model

    # --- scoring -------------------------------------------------------------

    def score_tokens(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk (float32, in chunk order) for already tokenized terms."""
        scores = np.zeros(len(self.chunks), dtype=np.float32)
        if not self.chunks:
            return scores
        ids = self._model.get_tokens_ids(list(tokens))  # unknown terms score nothing
        if ids:
            scores = self._model.get_scores_from_ids(ids).astype(np.float32, copy=False)
        return scores

    def scores(self, query: str) -> np.ndarray:
        return self.score_tokens(self.tokenizer.tokenize(query))

    def retrieve(self, query: str, top_k: int = 10, filters: Filters | None = None) -> list[Hit]:
        return self.retrieve_tokens(self.tokenizer.tokenize(query), top_k, filters)

    def retrieve_tokens(
        self, tokens: Sequence[str], top_k: int = 10, filters: Filters | None = None
    ) -> list[Hit]:
        """Best-first hits with a positive score among the chunks `filters` accepts."""
        scores = self.score_tokens(tokens)
        mask = filter_mask(self.chunks, filters or Filters())
        scores = np.where(mask & (scores > 0), scores, -np.inf)
        return _top_hits(self.chunks, scores, top_k, self.source)

    # --- persistence ---------------------------------------------------------

    def save(self, directory: Path) -> None:
        """bm25s arrays + our parameters; chunks are stored by the caller (index.store)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.chunks:
            self._model.save(str(directory), show_progress=False)
        params = {"k1": self.k1, "b": self.b, "n_chunks": len(self.chunks)}
        (directory / _PARAMS_FILE).write_text(json.dumps(params), encoding="utf-8")

    @classmethod
    def load(
        cls, directory: Path, chunks: Sequence[Chunk], tokenizer: Tokenizer | None = None
    ) -> "BM25Retriever":
        directory = Path(directory)
        params = json.loads((directory / _PARAMS_FILE).read_text(encoding="utf-8"))
        if params["n_chunks"] != len(chunks):
            raise ValueError(f"BM25 index has {params['n_chunks']} chunks, expected {len(chunks)}")
        model = bm25s.BM25.load(str(directory), show_progress=False) if chunks else None
        return cls(chunks, tokenizer, params["k1"], params["b"], _model=model)


def index_text(chunk: Chunk) -> str:
    """What BM25 indexes for a chunk: its matching text (NFKC digits, no inner whitespace)."""
    return chunk.norm_text or chunk.text


def filter_mask(chunks: Sequence[Chunk], filters: Filters) -> np.ndarray:
    """Boolean array: which chunks `filters` accepts."""
    return np.fromiter((filters.accepts(c) for c in chunks), dtype=bool, count=len(chunks))


def _top_hits(chunks: Sequence[Chunk], scores: np.ndarray, top_k: int, source: str) -> list[Hit]:
    """Hits for the `top_k` finite scores, best first (ties: reading order)."""
    finite = np.flatnonzero(np.isfinite(scores))
    if top_k <= 0 or finite.size == 0:
        return []
    order = finite[np.lexsort((finite, -scores[finite]))][:top_k]
    return [Hit(chunk=chunks[i], score=float(scores[i]), source=source) for i in order]
