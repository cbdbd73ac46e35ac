"""assistant.naming: documents a question names by a short form of their title. Titles are
those of real documents of the collection (eval/real/pdfs)."""
from __future__ import annotations

import pytest

from assistant.naming import named_documents, strip_document_names
from corpus.model import DocumentMeta

LIBRARY = [
    DocumentMeta(doc_id="national", province="", city="全国", title="减污降碳协同增效实施方案", level="国家"),
    DocumentMeta(doc_id="wuhan", province="湖北省", city="武汉市", title="武汉市推动降碳及发展低碳产业工作方案", level="市"),
    DocumentMeta(doc_id="bazhong", province="四川省", city="巴中市", title="巴中市“十四五”生态环境保护规划", level="市"),
    DocumentMeta(doc_id="huainan", province="安徽省", city="淮南市", title="淮南市“十四五”生态环境保护规划", level="市"),
    DocumentMeta(doc_id="yunnan", province="云南省", city="云南省", title="关于推动城乡建设绿色发展的实施意见", level="省"),
    DocumentMeta(doc_id="guangxi", province="广西壮族自治区", city="广西壮族自治区", level="省",
                 title="广西壮族自治区人民政府关于加快建立健全绿色低碳循环发展经济体系的实施意见"),
]


def _names(text: str) -> list[str]:
    return [n.doc_id for n in named_documents(text, LIBRARY)]


@pytest.mark.parametrize("question, expected", [
    ("减污降碳协同增效方案要求城镇新建建筑中绿色建筑占比到2025年达到多少？", ["national"]),
    ("七部门减污降碳方案说，大气污染防治重点区域到2030年新车里电动车要占多少？", ["national"]),
    ("武汉降碳方案在氢能方面要推进什么？", ["wuhan"]),
    ("建立健全绿色低碳循环发展经济体系的实施意见对煤炭消费有什么要求？", ["guangxi"]),
])
def test_a_short_form_of_a_title_names_its_document(question, expected):
    assert _names(question) == expected


def test_a_title_shared_by_several_places_names_them_all():
    # The same template title in two cities: the place the question gives decides, not the name.
    assert set(_names("十四五生态环境保护规划对PM2.5浓度有什么目标？")) == {"bazhong", "huainan"}


@pytest.mark.parametrize("question", [
    "河北这份实施意见给全省煤炭消费总量定了多少万吨的控制目标？",  # only 实施意见 in common
    "单位GDP能耗下降多少？",  # no name at all
    "这个方案的有效期多长？",
])
def test_kind_words_alone_name_no_document(question):
    assert _names(question) == []


def test_strip_keeps_the_words_before_the_name_and_drops_the_name():
    text = "按照国家减污降碳方案，2030年电解铝生产用绿电的比例要到多少？"
    stripped = strip_document_names(text, LIBRARY)
    assert "减污降碳方案" not in stripped and stripped.startswith("按照国家") and "电解铝" in stripped
    assert strip_document_names("这个方案的有效期多长？", LIBRARY) == "这个方案的有效期多长？"
