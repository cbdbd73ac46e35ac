"""A question across places ranks each place only as deep as the interleaving reads, and
finds and answers exactly what ranking every place to the full depth found and answered."""
from __future__ import annotations

import pytest

from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS
from assistant.retrieval import after_headings
from assistant.service import Assistant
from index.types import Hit

pytestmark = pytest.mark.slow

ANSWER_DEPTH = DEFAULT_ANSWER_SETTINGS.answer_depth

LISTED = [  # QueryAnalysis.listed: every place, or a province's cities
    "各地化学需氧量重点工程减排量目标分别是多少？",
    "河南各市“十四五”单位GDP能耗下降目标分别是多少？",
    "各地“十四五”节能减排综合工作方案对规模以上工业单位增加值能耗下降的要求，列表对比",
]
COMPARED = [  # places named one by one
    "安阳和铁岭的单位GDP能耗下降目标分别是多少",
    "安顺、定州和三门峡的清洁取暖目标",
]


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


def full_depth_search(assistant: Assistant, request, top_k: int) -> list[Hit]:
    """What `Retrieval.search` did before: every place ranked to `top_k`, interleaved round by round."""
    q = request.question
    scopes = assistant.retrieval._scopes(request)
    if len(scopes) <= 1:
        return assistant.retrieval.search(request, top_k)
    per_place = [assistant.retrieval._rank(q, f, request.mode, top_k) for f in scopes]
    hits, seen = [], set()
    for rank in range(top_k):
        for hit in sorted((r[rank] for r in per_place if rank < len(r)), key=lambda h: -h.score):
            if hit.chunk.chunk_id not in seen:
                seen.add(hit.chunk.chunk_id)
                hits.append(hit)
    return [Hit(chunk=h.chunk, score=h.score, source="assistant") for h in after_headings(q, hits[:top_k])]


def _key(hits) -> list[tuple[str, float]]:
    return [(h.chunk.chunk_id, round(h.score, 9)) for h in hits]


@pytest.mark.parametrize("question", LISTED + COMPARED)
def test_same_hits_as_ranking_every_place_to_full_depth(assistant, question):
    request = assistant.reader.read(question)
    places = len(assistant.retrieval._scopes(request))
    assert places > 1
    top_k = assistant.retrieval.depth(request.question)
    assert _key(assistant.retrieval.search(request, top_k)) == _key(full_depth_search(assistant, request, top_k))


def test_each_listed_place_is_ranked_to_its_share(assistant, monkeypatch):
    asked: list[int] = []
    rank = assistant.retrieval._rank

    def recording(q, filters, mode, top_k):
        asked.append(top_k)
        return rank(q, filters, mode, top_k)

    monkeypatch.setattr(assistant.retrieval, "_rank", recording)
    answer = assistant.answer(LISTED[1])  # 河南各市: 三门峡市 and 安阳市
    assert {c.chunk.city for c in answer.citations} == {"三门峡市", "安阳市"}
    assert asked == [ANSWER_DEPTH // 2] * 2  # not ANSWER_DEPTH each
    asked.clear()
    assistant.search("安阳和铁岭的单位GDP能耗下降目标分别是多少", top_k=10)
    assert asked == [5, 5]


def test_a_place_short_of_its_share_leaves_it_to_the_others(assistant, monkeypatch):
    """铁岭市's plan has fewer chunks than half of 80: 安阳市 is ranked deeper to fill the result."""
    asked: list[int] = []
    rank = assistant.retrieval._rank

    def recording(q, filters, mode, top_k):
        asked.append(top_k)
        return rank(q, filters, mode, top_k)

    request = assistant.reader.read(COMPARED[0])
    top_k = 80
    reference = full_depth_search(assistant, request, top_k)
    monkeypatch.setattr(assistant.retrieval, "_rank", recording)
    hits = assistant.retrieval.search(request, top_k)
    assert asked == [40, 40, 80]
    assert len(hits) == top_k and _key(hits) == _key(reference)


@pytest.mark.parametrize("question", LISTED)
def test_same_answers_as_ranking_every_place_to_full_depth(assistant, monkeypatch, question):
    answer = assistant.answer(question)
    monkeypatch.setattr(assistant.retrieval, "search", lambda request, top_k=None: full_depth_search(
        assistant, request, assistant.retrieval.depth(request.question) if top_k is None else top_k))
    before = assistant.answer(question)
    assert (answer.kind, answer.cited_text, [c.chunk.chunk_id for c in answer.citations]) == \
        (before.kind, before.cited_text, [c.chunk.chunk_id for c in before.citations])
    assert answer.text
