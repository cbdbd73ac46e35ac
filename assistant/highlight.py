"""Pick the sentence of a chunk that best matches a query, for highlighting.

Sentences are compared by the character bigrams of their matching text (`corpus.text`), and
the sentence returned is the display sentence, a verbatim substring of the chunk's text.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from corpus.figures import figures_of
from corpus.language import RESPONSIBILITY_WORDS
from corpus.model import Chunk
from corpus.text import bigrams, fold, matching
from index.types import Hit


def _bare(text: str) -> str:
    return fold(text).rstrip("。.：:；;")


# Sentence choice with a dense similarity (`best_sentence(similarity=...)`): score = the share
# of the query's bigrams the sentence holds + this weight x the question-sentence cosine.
# Chosen on the training split: answers correct 232 of 252 at weight 0 (lexical only), 237 at
# 2, 241 at 6 to 15, 238 at 25; 10 is the middle of the plateau.
SENTENCE_DENSE_WEIGHT = 10.0
Similarity = Callable[[Sequence[str]], np.ndarray]  # sentences -> cosine with the question


def is_responsibility_note(sentence: str) -> bool:
    """A sentence that is only the parenthesised list of departments in charge
    ("（市生态环境局、市发展改革委按职责分工负责）"): who acts, not what is done."""
    text = _bare(sentence)
    return (text.startswith(("（", "(")) and text.endswith(("）", ")"))
            and bool(RESPONSIBILITY_WORDS.search(text)))


def body_sentences(chunk: Chunk) -> tuple[str, ...]:
    """The chunk's sentences without an inline heading ("（五）农业农村节能减排工程。") or a
    responsibility note: a heading names the topic, so it matches a query well but answers
    nothing; the note names departments, not a measure."""
    heading = _bare(chunk.section[-1]) if chunk.section else ""
    body = tuple(s for s in chunk.sentences
                 if (not heading or _bare(s) != heading or _states_figure(s)) and not is_responsibility_note(s))
    return body or chunk.sentences


def _states_figure(sentence: str) -> bool:
    """A figure other than a year: a sentence read as its section's heading that states one is
    the paragraph's first sentence run on from a heading line the reading joined to it ("六、
    低碳零碳技术示范行动以促进…，到2030年建成50个…示范工程，…。"), not a heading alone."""
    return any(f.kind != "deadline" for f in figures_of(sentence))


def best_sentence(chunk: Chunk, query: str, similarity: Similarity | None = None) -> str:
    """The body sentence of `chunk` sharing the most query bigrams (ties: the earlier one);
    with `similarity` (the question's cosine with each sentence, from the embedder), the
    sentence with the best share of query bigrams + `SENTENCE_DENSE_WEIGHT` x cosine, so a
    question in other words than the plan's still finds its sentence in the chunk.

    Always a verbatim substring of `chunk.text`; the whole text when it has no sentences.
    """
    sentences = body_sentences(chunk)
    if not sentences:
        return chunk.text
    wanted = bigrams(query)
    lexical = [len(wanted & bigrams(s)) for s in sentences]
    if similarity is not None and len(sentences) > 1 and wanted:
        cosines = similarity([matching(s) for s in sentences])  # the script the embedder reads
        scores = [n / len(wanted) + SENTENCE_DENSE_WEIGHT * float(c) for n, c in zip(lexical, cosines)]
        return sentences[max(range(len(sentences)), key=lambda i: (scores[i], -i))]
    best, best_score = sentences[0], -1.0
    for sentence, n in zip(sentences, lexical):
        # Favour coverage of the query; a tiny length penalty breaks ties towards concise clauses.
        score = n - 0.001 * len(sentence)
        if score > best_score:
            best, best_score = sentence, score
    return best


def highlights(hits: Sequence[Hit], query: str) -> tuple[str, ...]:
    """Each hit's sentence that best matches `query` (verbatim), in the hits' order."""
    return tuple(best_sentence(h.chunk, query) for h in hits)
