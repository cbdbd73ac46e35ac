"""Table targets: 安阳's annex 2, row by row, with year and column meaning."""
from __future__ import annotations

import pytest

from assistant.table_targets import is_actual, table_targets
from assistant.targets import extract_targets
from corpus.catalog import builtin_documents

# Annex 2 of 安阳's plan, read off the table by hand: row -> (2020 actual, 2025 target, change).
ANNEX2 = {
    "火电平均供电煤耗": ("300克标准煤/千瓦时", "297克标准煤/千瓦时", "-3克标准煤/千瓦时"),
    "非化石能源占能源消费总量比重": ("11%", "16.2%", "5"),
    "水泥熟料综合能耗": ("108千克标准煤/吨", "104千克标准煤/吨", "-4千克标准煤/吨"),
    "新建大型和超大型数据中心电能利用效率": (None, "1.3", None),
    "城镇新建建筑执行绿色建筑标准比例": ("77%", "100%", "23"),
    "城镇建筑可再生能源替代率": ("6%", "8%", "2"),
    "铁路单位运输工作量综合能耗下降率": (None, None, "4.5%"),
    "营运车辆单位运输周转量能耗下降率": (None, None, "4%"),
    "新生产乘用车（含新能源车）平均油耗（NEDC工况等效折算）": ("5.61升/百公里", "4升/百公里", "-1.61升/百公里"),
    "新生产商用车平均油耗下降率": (None, None, "10%"),
    "新生产纯电动乘用车平均电耗": (None, "12千瓦时/百公里", None),
    "公共机构单位建筑面积能耗下降率": (None, None, "4%"),
    "公共机构人均综合能耗下降率": (None, None, "7%"),
}


@pytest.fixture(scope="module")
def anyang_targets():
    chunks = next(d for d in builtin_documents() if d.meta.doc_id == "anyang").chunks
    return [t for ts in table_targets(chunks).values() for t in ts]


@pytest.mark.parametrize("indicator", list(ANNEX2))
def test_every_annex2_row_yields_its_values(anyang_targets, indicator):
    actual, target, change = ANNEX2[indicator]
    rows = [t for t in anyang_targets if t.indicator == indicator]
    got = {(t.column, t.year): t.value for t in rows}
    expected = {}
    if actual:
        expected[("2020年实际值", 2020)] = actual
    if target:
        expected[("2025年目标值", 2025)] = target
    if change:
        column = "2025年变化率" if change.endswith("%") and not actual else "2025年变化幅度"
        expected[(column, 2025)] = change
    assert got == expected
    assert all(t.sentence.startswith(indicator.split("（")[0]) for t in rows)  # cited: the row itself


def test_comparisons_and_actual_values(anyang_targets):
    pue = next(t for t in anyang_targets if t.indicator.startswith("新建大型"))
    assert (pue.value, pue.qualifier) == ("1.3", "低于")  # "<1.3"
    cement = [t for t in anyang_targets if t.indicator == "水泥熟料综合能耗"]
    assert [is_actual(t) for t in cement] == [False, False, True]  # target, change, then the actual


def test_county_rows_keep_their_area(anyang_targets):
    yindu = [t for t in anyang_targets if t.area == "殷都区"]
    assert {t.value for t in yindu} >= {"19%", "1446.23吨", "759.04吨"}
    assert all(t.year == 2025 for t in yindu)


def test_extract_targets_calls_the_table_module():
    chunks = [c for d in builtin_documents() for c in d.chunks]
    found = extract_targets(chunks)
    assert any(t.column == "2025年目标值" and t.value == "104千克标准煤/吨" for t in found)
    # The two numbers of a row are never read as one ("108104") by the clause grammar.
    assert not any(t.value.startswith(("108104", "300297")) for t in found)


def test_headline_targets_keep_what_the_plan_sets(anyang_targets):
    from assistant.table_targets import headline_targets

    kept = {(t.indicator, t.value) for t in headline_targets(anyang_targets)}
    assert ("水泥熟料综合能耗", "104千克标准煤/吨") in kept
    assert not {("水泥熟料综合能耗", "108千克标准煤/吨"), ("水泥熟料综合能耗", "-4千克标准煤/吨")} & kept
    assert ("铁路单位运输工作量综合能耗下降率", "4.5%") in kept  # a rate given only as its change
    assert ("殷都区挥发性有机物重点工程减排量", "759.04吨") in kept  # county tables untouched
