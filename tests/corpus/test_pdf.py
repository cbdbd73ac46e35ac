"""corpus.pdf on real policy PDFs of eval/real/pdfs (small ones: each reads in about a second)."""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus.chunker import parse_source
from corpus.inspection import cut_paragraphs, lost_figures, looks_cut
from corpus.model import DocumentMeta
from corpus.pdf import pages_of, starts_new
from corpus.readers import read_source
from corpus.text import compact
from tests.corpus.pdf_fixtures import PARAGRAPHS, boxed_text_pdf

PDFS = Path(__file__).resolve().parents[2] / "eval" / "real" / "pdfs"


def _read(name: str):
    source = read_source((PDFS / name).read_bytes(), ".pdf", raw=True)
    return source, parse_source(source, DocumentMeta(doc_id="t", city="x", province="", title=""))


@pytest.fixture(scope="module")
def datacenter():
    """13.pdf: a national 实施方案 exported from Word, title over three lines, 6 pages."""
    return _read("13.pdf")


def _chunk_with(document, needle: str):
    found = [c for c in document.chunks if compact(needle) in compact(c.text)]
    assert len(found) == 1, f"{needle!r} in {len(found)} chunks"
    return found[0]


def test_title_over_three_lines_is_one_paragraph(datacenter):
    source, document = datacenter
    assert source.pages == 6
    first = document.chunks[0]
    assert first.text == "贯彻落实碳达峰碳中和目标要求推动数据中心和5G等新型基础设施绿色高质量发展实施方案"
    assert first.pages == (1,)


def test_paragraph_joined_over_lines_and_pages_keeps_its_pages(datacenter):
    _, document = datacenter
    chunk = _chunk_with(document, "全国新建大型、超大型数据中心平均电能利用效率降到1.3以下")
    # the 发展目标 paragraph starts on page 2 and ends on page 3: one chunk, both pages, cited so
    assert chunk.text.startswith("到2025年，数据中心和5G基本形成绿色集约的一体化运行格局。")
    assert chunk.text.endswith("为实现碳中和奠定坚实基础。")
    assert chunk.pages == (2, 3)
    assert chunk.citation.endswith("（第2-3页）")


def test_no_page_number_or_cut_paragraph_and_no_figure_lost(datacenter):
    source, document = datacenter
    assert not [c for c in document.chunks if c.text.strip("-—– ").isdigit()]
    assert cut_paragraphs(document) == []
    assert lost_figures(source, document) == []


def test_sentence_over_a_page_break_with_a_footer_between():
    """205.pdf (浙江): "…150万吨/年以下催化" ends page 6 above the footer "— 6 —", "裂化…" opens page 7."""
    _, document = _read("205.pdf")
    chunk = _chunk_with(document, "严禁新建1000万吨/年以下常减压、150万吨/年以下催化裂化")
    assert chunk.pages == (6, 7)
    assert "— 6 —" not in chunk.text and "—6—" not in compact(chunk.text)


def test_letterhead_issuers_stay_apart_from_the_title():
    _, document = _read("205.pdf")
    texts = [c.text for c in document.chunks[:8]]
    assert "浙江省发展和改革委员会" in texts
    assert "省发展改革委等五部门关于严格能效约束推动重点领域节能降碳工作的实施方案" in texts


def test_table_row_is_read_with_its_header():
    """133.pdf (浙江 可再生能源规划) 附表: a city's row under the header's columns."""
    _, document = _read("133.pdf")
    row = next(c for c in document.chunks if c.text == "2\t宁波\t274\t474\t200")
    assert row.context == "宁波:2020年装机274万千瓦,2025年装机474万千瓦,“十四五”新增装机200万千瓦"
    assert row.pages == (11,)


def test_prose_on_white_boxes_reads_as_paragraphs():
    """575.pdf (山东 通知): every line of text sits on a white box of its own, and an item's
    label follows the previous item's end on its line; no table, one paragraph per item."""
    _, document = _read("575.pdf")
    chunk = _chunk_with(document, "2025年公共机构单位建筑面积能耗和人均综合能耗分别比2020年下降5％和6％")
    assert chunk.kind == "body" and chunk.text.startswith("（九）提升建筑能效水平。")
    assert chunk.text.endswith("（省发展改革委、省住房城乡建设厅、省机关事务局、省能源局等按照职责分工负责）")
    assert _chunk_with(document, "建设绿色低碳城市。实施城市更新行动").text.startswith("（二）")
    assert not [c for c in document.chunks if "\t" in c.text]


def test_table_among_white_boxes_is_still_a_table():
    """283.pdf (福建 申报通知): white boxes under the text lines and a ruled table among them."""
    _, document = _read("283.pdf")
    row = next(c for c in document.chunks if c.text == "1\t科技支撑碳达峰碳中和战略和路径选择\t厦门大学\t10")
    assert row.context == "科技支撑碳达峰碳中和战略和路径选择:推荐(申报)单位厦门大学,资助经费10万元"
    assert "\t" not in _chunk_with(document, "为贯彻落实习近平总书记在领导人气候峰会上的重要讲话精神").text


def test_indicator_table_row_is_read_with_its_header():
    """171.pdf (住建部 建筑节能规划) 主要指标 table: the row under its year column."""
    _, document = _read("171.pdf")
    row = next(c for c in document.chunks if c.text == "城镇新建居住建筑能效水平提升\t30%")
    assert row.context == "城镇新建居住建筑能效水平提升:2025年30%"
    assert row.pages == (6,)


@pytest.mark.parametrize("fill", [(1.0, 1.0, 1.0), (1.0, 1.0, 0.6)], ids=["white", "yellow"])
def test_lines_of_text_in_boxes_are_paragraphs(tmp_path: Path, fill):
    """Boxes under each line of running text, white or coloured, make no table."""
    source = read_source(boxed_text_pdf(tmp_path / "boxed.pdf", fill).read_bytes(), ".pdf")
    assert "\t" not in source.text
    assert source.text.split("\n") == [PARAGRAPHS[0]] + [f"（{k + 1}）{p}" for k, p in enumerate(PARAGRAPHS) if k]


def test_pages_of_marks():
    marks = ((0, 1), (100, 2), (250, 3))
    assert pages_of(marks, 0, 50) == (1,)
    assert pages_of(marks, 90, 120) == (1, 2)
    assert pages_of(marks, 100, 251) == (2, 3)
    assert pages_of((), 0, 10) == ()


def test_heading_labels_start_paragraphs():
    for text in ("一、总体要求", "（三）发展目标。", "3.推进", "第二章 城市建设", "第十二条 本办法", "专栏2：重点工程", "附件："):
        assert starts_new(text), text
    for text in ("到2025年，", "2025年底前全省", "国家枢纽节点进一步降到1.25以下"):
        assert not starts_new(text), text


def test_looks_cut_on_inline_chunks(datacenter):
    _, document = datacenter
    from dataclasses import replace

    body = next(c for c in document.chunks if c.kind == "body" and len(c.text) > 60)
    head, tail = replace(body, text=body.text[:40]), replace(body, text=body.text[40:])
    assert looks_cut(head, tail)
    assert not looks_cut(body, tail)  # ends with 。
    label = replace(body, text="发布日期：2021年9月22日发布日期2021年9月22日发布")
    assert not looks_cut(label, tail)
    # 57.pdf's 落款, one chunk ending with its date, before "（此件公开发布）"
    signed = replace(body, text="重庆市人民政府办公厅四川省人民政府办公厅\n2022年2月15日")
    assert not looks_cut(signed, replace(body, text="（此件公开发布）"))
