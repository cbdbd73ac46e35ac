"""Measure answers (what a plan will do): the best sentence of the best hits per place, an
opening sentence quoted with the sentence that spells it out."""
from __future__ import annotations

from collections.abc import Sequence

from assistant.answering.citations import build_answer
from assistant.answering.places import place_hits
from assistant.highlight import best_sentence, body_sentences, is_responsibility_note
from assistant.model import Answer, Question
from corpus.language import CLAUSE_BREAK
from corpus.model import Chunk
from corpus.text import matching
from index.clause_vectors import ClauseVectors
from index.types import Hit


def measure_answer(q: Question, hits: Sequence[Hit], cities: Sequence[str],
                    vectors: ClauseVectors | None = None) -> Answer:
    parts: list[tuple[str, list[int]]] = []
    items: list[tuple[Chunk, str, float]] = []
    per_city = 2 if len(cities) <= 1 else 1
    query = " ".join((q.resolved, *q.analysis.expansions))
    similarity = (lambda texts: vectors.similarities(q.resolved, texts)) if vectors is not None else None
    for city in cities or (hits[0].chunk.city,):
        city_hits = place_hits(hits, city)
        # A heading paragraph ("二、主要目标") names a topic and answers nothing, nor does a
        # paragraph that is only a responsibility note ("（责任单位：……）"): quote the body.
        body = [h for h in city_hits if h.chunk.kind != "heading" and not _only_note(h.chunk)] or city_hits
        for hit in body[:per_city]:
            sentence = with_elaboration(hit.chunk, best_sentence(hit.chunk, query, similarity))
            parts.append((f"{city}：{sentence}", [len(items)]))
            items.append((hit.chunk, sentence, hit.score))
    return build_answer(q, "measure", parts, items)


def with_elaboration(chunk: Chunk, sentence: str) -> str:
    """A paragraph's opening sentence of one clause ("鼓励集中式复合光伏发展。") names the measure
    the sentences after it spell out ("在沿海地区，利用滩涂…；在内陆地区，…"): quoted with the next
    sentence (a verbatim span of the chunk's text). Any other sentence as it is."""
    sentences = body_sentences(chunk)
    if len(sentences) < 2 or sentence != sentences[0] or CLAUSE_BREAK.search(matching(sentence).rstrip("。.!?")):
        return sentence
    start = chunk.text.find(sentence)
    end = start + len(sentence)
    for following in sentences[1:]:  # up to the end of the next full sentence (past its ；)
        at = chunk.text.find(following, end)
        if start < 0 or at < 0 or chunk.text[end:at].strip():
            break
        end = at + len(following)
        if following.rstrip().endswith(("。", "！", "？", "!", "?")):
            break
    return chunk.text[start:end] if start >= 0 else sentence


def _only_note(chunk: Chunk) -> bool:
    return bool(chunk.sentences) and all(is_responsibility_note(x) for x in chunk.sentences)
