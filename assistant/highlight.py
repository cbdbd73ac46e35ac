"""Pick the sentence of a chunk that best matches a query, for highlighting.

Character bigrams rather than word tokens: they need no dictionary, are robust to
segmentation differences between query and document, and suit short Chinese queries.
"""
from __future__ import annotations

import unicodedata

from corpus.model import Chunk


def _bigrams(text: str) -> set[str]:
    norm = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return {norm[i : i + 2] for i in range(len(norm) - 1)}


def best_sentence(chunk: Chunk, query: str) -> str:
    """The sentence of `chunk` sharing the most query bigrams (ties: the earlier one).

    Always a verbatim substring of `chunk.text`; the whole text when it has no sentences.
    """
    if not chunk.sentences:
        return chunk.text
    wanted = _bigrams(query)
    best, best_score = chunk.sentences[0], -1.0
    for sentence in chunk.sentences:
        have = _bigrams(sentence)
        # Favour coverage of the query; a tiny length penalty breaks ties towards concise clauses.
        score = len(wanted & have) - 0.001 * len(sentence)
        if score > best_score:
            best, best_score = sentence, score
    return best
