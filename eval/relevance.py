"""Which retrieved chunks answer a question: gold strings matched against chunk text.

A chunk is relevant to a gold when it belongs to the gold's city and its normalised text
contains the normalised gold. The city condition matters because several plans share
boilerplate (e.g. "城镇清洁取暖比例和绿色高效制冷产品市场占有率大幅提升"): another city's
identical clause does not answer the question.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from corpus.model import Chunk
from corpus.places import same_city
from eval.questions import Question, gold_key


@lru_cache(maxsize=8192)
def _normalized(text: str) -> str:
    return gold_key(text)


def matched_golds(question: Question, chunk: Chunk) -> tuple[int, ...]:
    """Indices of the question's golds that `chunk` contains."""
    text = _normalized(chunk.text)
    return tuple(
        i
        for i, (gold, city) in enumerate(zip(question.gold, question.gold_cities, strict=True))
        if same_city(chunk.city, city) and _normalized(gold) in text
    )


def gold_ranks(question: Question, ranking: Sequence[Chunk]) -> tuple[int | None, ...]:
    """1-based rank of the first chunk containing each gold; None when no retrieved chunk does."""
    ranks: list[int | None] = [None] * len(question.gold)
    for rank, chunk in enumerate(ranking, start=1):
        for i in matched_golds(question, chunk):
            if ranks[i] is None:
                ranks[i] = rank
    return tuple(ranks)


def relevant_chunks(question: Question, chunks: Sequence[Chunk]) -> tuple[tuple[Chunk, ...], ...]:
    """For each gold, every chunk of the corpus that contains it (used to validate the set)."""
    found: list[list[Chunk]] = [[] for _ in question.gold]
    for chunk in chunks:
        for i in matched_golds(question, chunk):
            found[i].append(chunk)
    return tuple(tuple(f) for f in found)
