"""The 文件库 tab: counts by level, province, kind and year, the title search and the table whose
titles open the document viewer; on a small inline library, then on `levels_index` (documents
of every level), on the local and the Milvus backend."""
from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.library import UNKNOWN, counts, place_label, select
from corpus.model import DocumentMeta
from index.types import Filters
from ui.document_view import document_router
from ui.filters import ANY, documents_of
from ui.library import MAX_ROWS, dropdown_choices, library_html, render_library
from ui.render import esc

HOSTILE = "<script>alert(1)</script>"


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-doc="([^"]+)"', html)


def _facet(html: str, field: str) -> dict[str, int]:
    line = re.search(rf'data-facet="{field}">(.*?)</div>', html)
    assert line is not None, field
    return {v: int(n) for v, n in re.findall(r'pqa-lib-facet[^"]*">([^<]+)<b>(\d+)</b>', line.group(1))}


INLINE = [
    DocumentMeta(doc_id="nat", city="全国", province="", title="国务院关于印发“十四五”节能减排综合工作方案的通知",
                 level="国家", doc_type="通知", date="2021-12-28", issuer="国务院", doc_number="国发〔2021〕33号"),
    DocumentMeta(doc_id="henan", city="河南省", province="河南省", title="河南省“十四五”节能减排综合工作方案",
                 level="省", doc_type="方案", date="2022-07-01"),
    DocumentMeta(doc_id="anyang", city="安阳市", province="河南省", title="安阳市“十四五”节能减排综合实施方案",
                 level="市", doc_type="方案"),
    DocumentMeta(doc_id="tieling", city="铁岭市", province="辽宁省", title=f"铁岭市节能{HOSTILE}方案", level="市",
                 doc_type="方案", date="2022-05-01", pages=12),
]


def test_counts_title_search_and_rows_on_an_inline_library():
    html = library_html(INLINE)
    assert _rows(html) == ["nat", "henan", "tieling", "anyang"]  # 国家, 省, then 市 in GB/T 2260 order
    assert "共收录4件文件" in html
    assert _facet(html, "level") == {"国家": 1, "省": 1, "市": 2}
    assert _facet(html, "province") == {"辽宁省": 1, "河南省": 2}  # a province holds its cities' documents
    assert _facet(html, "doc_type") == {"方案": 3, "通知": 1}
    assert _facet(html, "year") == {"2022": 2, "2021": 1, UNKNOWN: 1}
    # The title search reads matching text: Traditional script and 文号 find the same documents.
    found = library_html(INLINE, title="節能減排 方案")
    assert _rows(found) == ["nat", "henan", "anyang"] and "符合条件3件" in found
    assert _rows(library_html(INLINE, title="国发〔2021〕33号")) == ["nat"]
    assert _rows(library_html(INLINE, province="河南省", title="实施")) == ["anyang"]
    assert "没有符合条件的文件" in library_html(INLINE, title="火星基地")
    # Each title opens the document viewer; document text is escaped.
    assert '<a class="pqa-lib-open" href="/ui-docs/tieling" target="_blank"' in html
    assert HOSTILE not in html and "&lt;script&gt;" in html
    tieling = re.search(r'<tr data-doc="tieling">(.*?)</tr>', html)
    assert tieling is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", tieling.group(1))
    assert cells[1:] == ["市", "铁岭市（辽宁省）", "方案", "2022-05-01", "—", "12"]


def test_dropdowns_carry_their_counts_and_a_bad_filter_is_a_notice():
    choices = dropdown_choices(INLINE)
    assert choices["level"] == [("全部（4）", ANY), ("国家（1）", "国家"), ("省（1）", "省"), ("市（2）", "市"), ("县（0）", "县")]
    assert choices["province"] == [("全部（4）", ANY), ("辽宁省（1）", "辽宁省"), ("河南省（2）", "河南省")]
    assert choices["year"][1:] == [("2022（2）", "2022"), ("2021（1）", "2021")]
    assert "筛选条件有误" in library_html(INLINE, province="火星省")


def test_a_large_library_lists_the_first_rows_and_says_so():
    many = [DocumentMeta(doc_id=f"d{i}", city="铁岭市", province="辽宁省", title=f"方案{i}", level="市")
            for i in range(MAX_ROWS + 5)]
    html = render_library(len(many), many)
    assert len(_rows(html)) == MAX_ROWS and f"仅列出前{MAX_ROWS}件" in html


# --- levels_index: the built-in plans and five real PDFs of other levels ------------------------


@pytest.mark.slow
def test_counts_and_title_search_on_documents_of_every_level(levels_index):
    docs = levels_index.documents
    found = {field: {c.value: c.count for c in facet} for field, facet in counts(docs).items()}
    assert found["level"] == {"国家": 2, "省": 2, "市": 4, "县": 2}
    assert found["province"] == {"河北省": 1, "辽宁省": 1, "上海市": 2, "河南省": 3, "贵州省": 1}
    assert found["doc_type"] == {"办法": 1, "意见": 1, "方案": 6, "通知": 2}
    assert found["year"] == {"2023": 1, "2022": 5, "2021": 2, UNKNOWN: 2}
    # A count is what choosing its value lists.
    for field, facet in found.items():
        for value, count in facet.items():
            if value != UNKNOWN:
                html = library_html(docs, **{field: value})
                assert len(_rows(html)) == count, (field, value)
    html = library_html(docs)
    assert len(_rows(html)) == 10 and _rows(html)[:2] == [d.doc_id for d in docs if d.level == "国家"][::-1]
    two_high = library_html(docs, title="两高")
    assert [place_label(d) for d in select(docs, title="两高")] == ["河南省"] and len(_rows(two_high)) == 1
    assert {place_label(d) for d in select(docs, Filters(province="上海"))} == {"上海市", "徐汇区（上海市）"}
    shanghai = library_html(docs, province="上海市", title="徐汇")
    assert _rows(shanghai) == [d.doc_id for d in docs if d.city == "徐汇区"]
    assert _facet(shanghai, "level") == {"县": 1} and "办法" in shanghai


@pytest.mark.slow
def test_every_listed_title_opens_its_document(levels_index):
    app = FastAPI()
    app.include_router(document_router(lambda: levels_index))
    client = TestClient(app)
    html = library_html(levels_index.documents)
    links = re.findall(r'<a class="pqa-lib-open" href="([^"]+)"', html)
    assert len(links) == len(levels_index.documents)
    for link, meta in zip(links, select(levels_index.documents)):
        page = client.get(link)
        assert page.status_code == 200 and f"<h1>《{esc(meta.title)}》</h1>" in page.text, link


@pytest.fixture(scope="module")
def milvus_backend(levels_milvus):
    return levels_milvus


@pytest.mark.slow
def test_the_library_and_the_explorer_places_are_the_same_on_the_milvus_backend(levels_index, milvus_backend):
    from assistant.explorer import explorer_for
    from assistant.service import Assistant

    local, milvus = Assistant(levels_index), Assistant(milvus_backend)
    for controls in ({}, {"province": "河南省"}, {"level": "县"}, {"title": "节能减排"}):
        want = library_html(documents_of(lambda: local), **controls)
        assert library_html(documents_of(lambda: milvus), **controls) == want and _rows(want), controls
    assert explorer_for(milvus).places == explorer_for(local).places
    assert explorer_for(local).places["徐汇区"].province == "上海市"
