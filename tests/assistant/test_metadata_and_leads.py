"""Metadata questions answered from the document's fields with the cited line; table rows
answered with their column; a figure only a news lead states is cited as the lead."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.service import Assistant
from corpus.catalog import builtin_documents
from corpus.chunker import parse_plan
from eval.variants import plan_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


@pytest.mark.parametrize(("question", "value", "line"), [
    ("安顺方案的文号是什么", "安府发〔2022〕17号", "安府发〔2022〕17号"),
    ("三门峡的方案是哪天印发的？", "2023年4月12日", "2023年4月12日"),
    ("定州市的方案由哪个机关印发？", "定州市人民政府", "定州市人民政府"),
    ("铁岭方案依据的省级文件文号是什么", "辽政发〔2022〕16号", "为深入贯彻落实《辽宁省人民政府关于印发"),
    ("安阳的方案落实的是哪个文件", "豫政〔2022〕29号", "落实《河南省人民政府关于印发河南省"),
])
def test_metadata_questions_cite_their_line(assistant, question, value, line):
    answer = assistant.answer(question)
    assert answer.kind == "metadata" and value in answer.text
    assert answer.citations and answer.citations[0].highlight in answer.citations[0].chunk.text
    assert line in answer.citations[0].highlight


def test_unstated_metadata_is_said_to_be_unstated(assistant):
    answer = assistant.answer("铁岭的方案哪天印发的")
    assert answer.kind == "metadata" and "未写明印发日期" in answer.text and not answer.citations
    answer = assistant.answer("安阳方案经哪次会议审议通过")
    assert "未写明审议通过的会议" in answer.text


def test_content_questions_are_not_metadata(assistant):
    for question in ("铁岭城镇清洁取暖率要达到多少", "安顺市发展改革委负责哪些工作", "安阳如何推进工业园区建设"):
        assert assistant.answer(question).kind != "metadata"


def test_cement_clinker_is_answered_from_the_annex_row(assistant):
    answer = assistant.answer("安阳每吨水泥熟料能耗要降到多少")
    assert answer.kind == "figure" and "104千克标准煤/吨" in answer.text and "108" not in answer.text
    row = answer.citations[0].chunk
    assert row.text == "水泥熟料综合能耗\t千克标准煤/吨\t108\t104\t-4" and row.section_path.startswith("附件2")


LEAD = "节能网讯：近日，铁岭市人民政府印发《铁岭市“十四五”节能减排综合工作方案》。方案提出，到2025年，城镇清洁取暖率达到70%以上。\n全文如下：\n"
CUT = "，城镇清洁取暖率达到70%以上。"


@pytest.fixture(scope="module")
def excerpt_assistant(search_index):
    """铁岭 as an excerpt repost: the figure is stated in the lead and cut from the body."""
    tieling = next(d for d in builtin_documents() if d.meta.doc_id == "tieling")
    text = plan_text("tieling")
    assert CUT in text
    document = parse_plan(LEAD + text.replace(CUT, "。"), replace(tieling.meta, sources=()))
    corpus = [document if d.meta.doc_id == "tieling" else d for d in builtin_documents()]
    from index.engine import SearchIndex

    return Assistant(SearchIndex.in_memory(corpus, search_index.embedder, search_index.data_dir))


def test_a_figure_only_a_lead_states_is_cited_as_the_lead(excerpt_assistant):
    answer = excerpt_assistant.answer("铁岭城镇清洁取暖率要达到多少")
    assert "70%" in answer.text
    assert answer.citations[0].chunk.kind == "lead" and "导语" in answer.citations[0].chunk.citation
    assert "新闻导语" in answer.text.splitlines()[-1]


def test_a_lead_that_repeats_the_plan_yields(search_index):
    # 安顺's lead repeats clauses of its plan: the plan's own paragraph comes first.
    answer = Assistant(search_index).answer("安顺农业农村节能减排工程要推广哪些节能环保设备")
    assert answer.citations and answer.citations[0].chunk.kind != "lead"
    assert "新闻导语" not in answer.text


def test_two_fields_asked_at_once_are_both_answered(assistant):
    answer = assistant.answer("定州市的方案是哪个机关、哪天印发的？")
    assert "发文机关" in answer.text and "印发日期" in answer.text, answer.text
    assert "定州市人民政府" in answer.text


def test_a_document_named_by_its_title_is_the_one_answered(search_index):
    from assistant.answering.document import _named_documents
    from assistant.service import Assistant

    titles = ["减污降碳协同增效实施方案", "“十四五”建筑节能与绿色建筑发展规划", "2022年能源工作指导意见"]
    docs = [replace(m, title=t) for m, t in zip(search_index.documents, titles)]
    q = Assistant(search_index).reader.question("生态环境部等七部门印发减污降碳协同增效实施方案的文号是什么")
    assert [d.title for d in _named_documents(q, docs)] == titles[:1]
    q = Assistant(search_index).reader.question("方案的文号是什么")
    assert _named_documents(q, docs) == docs  # no title named: every document
