"""Tables read with their headers: 安阳's annex 2 (two-row header, unit column, section labels,
bracketed rates), a county table, space-aligned tables, and rows that never merge cells."""
from __future__ import annotations

import pytest

from corpus.chunker import parse_plan
from corpus.model import DocumentMeta
from corpus.tables import parse_value, read_rows, split_cells, tabify
from corpus.text import matching

META = DocumentMeta(doc_id="t", city="某市", province="", title="某市方案")


@pytest.fixture(scope="module")
def anyang(plans):
    return plans["anyang"][1]


def _row(document, start: str):
    return next(c for c in document.chunks if c.text.startswith(start))


def test_annex2_rows_repeat_their_header_context(anyang):
    cement = _row(anyang, "水泥熟料综合能耗")
    assert cement.text == "水泥熟料综合能耗\t千克标准煤/吨\t108\t104\t-4"  # the display is the row
    assert cement.match_text == matching(cement.text)  # and its id comes from it
    assert cement.context == matching("工业，水泥熟料综合能耗（千克标准煤/吨）：2020年实际值108，2025年目标值104，2025年变化幅度-4")
    rail = _row(anyang, "铁路单位运输工作量综合能耗下降率")
    assert rail.context.endswith("2025年变化率4.5%")  # [4.5%] read with the note "[]内为变化率"
    pue = _row(anyang, "新建大型和超大型数据中心电能利用效率")
    assert pue.context.endswith("2025年目标值<1.3")


def test_headers_and_section_labels_are_headings(anyang):
    header = [c for c in anyang.chunks if c.text.startswith(("指标\t单位", "\t\t\t目标值"))]
    assert len(header) == 2 and all(c.kind == "heading" and not c.context for c in header)
    assert header[1].text == "\t\t\t目标值\t变化幅度/变化率"  # empty cells kept: columns stay aligned
    labels = [c.text.split("\t")[0] for c in anyang.chunks if c.kind == "heading" and c.text.endswith("\t\t\t\t")]
    assert labels == ["能源", "工业", "建筑", "交通", "公共机构"]


def test_county_table_names_area_unit_and_column(anyang):
    row = _row(anyang, "殷都区\t1446.23")
    assert row.context == matching("殷都区：COD 1697.03吨".replace("1697.03", "1446.23")) + matching(
        "，氨氮18.40吨，氮氧化物3395.04吨，挥发性有机物759.04吨")


def test_cells_never_merge_into_bogus_tokens(anyang):
    from index.tokenizer import get_tokenizer

    tokens = set()
    for chunk in anyang.chunks:
        if "\t" in chunk.text:
            tokens.update(get_tokenizer().tokenize(chunk.search_text))
    assert not {"108104", "300297", "104-4", "1697.0323.39"} & tokens
    assert {"108", "104", "300", "297"} <= tokens


def test_values_brackets_and_comparisons():
    assert parse_value("[4.5%]") == ("4.5%", "", True)
    assert parse_value("<1.3") == ("1.3", "低于", False)
    assert parse_value("-1.61") == ("-1.61", "", False)
    assert parse_value("２０２５年指标") is None and parse_value("目标值") is None


def test_two_row_header_without_a_note_keeps_the_label():
    texts = ["指标\t2020年\t2025年目标", "甲\t1\t2"]
    rows = read_rows(texts, [split_cells(t) for t in texts])
    assert rows[0].role == "header" and rows[1].role == "data"  # a header of years is a header
    assert [v.column for v in rows[1].values] == ["2020年", "2025年目标"]
    assert [v.year for v in rows[1].values] == [2020, 2025]


def test_space_aligned_table_in_text_becomes_tab_separated():
    raw = ("附件\n主要指标\n指标    单位    2020年    2025年\n单位GDP能耗下降    %    —    14.5\n"
           "水泥熟料综合能耗    千克标准煤/吨    108    104\n正文  里偶有  两个空格，不是表格。\n")
    spaced = tabify(raw)
    assert len(spaced) == len(raw)  # offsets into the decoded text stay valid
    doc = parse_plan(raw, META)
    cement = next(c for c in doc.chunks if c.text.startswith("水泥熟料"))
    assert cement.text == "水泥熟料综合能耗\t千克标准煤/吨\t108\t104"
    assert "2020年108" in cement.context and "2025年104" in cement.context
    assert any(c.text == "正文里偶有两个空格，不是表格。" for c in doc.chunks)
