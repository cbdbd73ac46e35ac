"""Pick the sentence of a chunk that best matches a query, for highlighting.

Sentences are compared by the character bigrams of their matching text (`corpus.text`), and
the sentence returned is the display sentence, a verbatim substring of the chunk's text.
"""
from __future__ import annotations

from corpus.model import Chunk
from corpus.text import bigrams, fold


def _bare(text: str) -> str:
    return fold(text).rstrip("。.：:；;")


def body_sentences(chunk: Chunk) -> tuple[str, ...]:
    """The chunk's sentences without an inline heading ("（五）农业农村节能减排工程。"):
    a heading names the topic, so it matches a query well but answers nothing."""
    heading = _bare(chunk.section[-1]) if chunk.section else ""
    body = tuple(s for s in chunk.sentences if not heading or _bare(s) != heading)
    return body or chunk.sentences


def best_sentence(chunk: Chunk, query: str) -> str:
    """The body sentence of `chunk` sharing the most query bigrams (ties: the earlier one).

    Always a verbatim substring of `chunk.text`; the whole text when it has no sentences.
    """
    sentences = body_sentences(chunk)
    if not sentences:
        return chunk.text
    wanted = bigrams(query)
    best, best_score = sentences[0], -1.0
    for sentence in sentences:
        have = bigrams(sentence)
        # Favour coverage of the query; a tiny length penalty breaks ties towards concise clauses.
        score = len(wanted & have) - 0.001 * len(sentence)
        if score > best_score:
            best, best_score = sentence, score
    return best
