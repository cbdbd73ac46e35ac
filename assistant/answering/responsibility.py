"""Who is responsible: the plans write （…牵头/负责/配合…） or （责任单位：…） after a measure,
or in the paragraph that follows it."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answering.citations import build_answer
from assistant.answering.places import place_hits
from assistant.highlight import best_sentence
from assistant.model import Answer, Question
from corpus.language import RESPONSIBILITY_WORDS
from corpus.model import Chunk
from index.types import Hit

Following = Callable[[Chunk], Sequence[Chunk]]


def responsibility_clause(text: str) -> str | None:
    """The last top-level parenthesised clause naming who is responsible, verbatim."""
    found = None
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch in "（(":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
            if depth == 0 and RESPONSIBILITY_WORDS.search(text[start:i]):
                found = text[start : i + 1]
    return found


def responsibility_answer(q: Question, hits: Sequence[Hit], cities: Sequence[str],
                           following: Following | None) -> Answer:
    parts: list[tuple[str, list[int]]] = []
    items: list[tuple[Chunk, str, float]] = []
    for city in cities:
        for hit in place_hits(hits, city)[:3]:
            candidates = [hit.chunk, *(following(hit.chunk) if following else ())]
            found = next(((c, cl) for c in candidates if (cl := responsibility_clause(c.text))), None)
            if found:
                chunk, clause = found
                refs = [len(items)]
                items.append((chunk, clause, hit.score))
                if chunk is not hit.chunk:  # cite the clause that was asked about, too
                    refs.append(len(items))
                    items.append((hit.chunk, best_sentence(hit.chunk, q.resolved), hit.score))
                parts.append((f"{city}：{clause.strip('（）()')}", refs))
                break
        else:
            parts.append((f"{city}方案的相关条文未写明牵头负责部门。", []))
    return build_answer(q, "responsibility", parts, items)
