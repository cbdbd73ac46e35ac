"""Question kinds are read from the whole question (assistant.understanding.detect_kind)."""
from __future__ import annotations

import pytest

from assistant.understanding import analyze

CITIES = ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市")


@pytest.mark.parametrize("question", [
    "安阳和三门峡谁的单位生产总值能耗降得更多？",
    "铁岭和安阳谁的秸秆综合利用率目标更高？",
    "哪个城市的城市生活垃圾焚烧处理能力占比最高？",
    "安顺和定州谁对新能源公交车比例的要求更高",
    "谁的可渗透地面面积比例低于安阳？",
])
def test_who_with_a_comparative_compares(question):
    assert analyze(question, CITIES).kind == "comparison"


@pytest.mark.parametrize("question", [
    "安顺交通物流节能减排工程谁来牵头？",
    "安阳重点区域污染物减排由谁牵头？",
    "铁岭公共机构能效提升谁负责？",
    "三门峡挥发性有机物治理的责任单位有哪些？",
    "定州重点行业绿色化改造由哪些部门负责？",
])
def test_who_is_in_charge_asks_for_departments(question):
    assert analyze(question, CITIES).kind == "responsibility"


@pytest.mark.parametrize("question", [
    "铁岭全市钢铁产能什么时候完成超低排放改造？",
    "安阳高速公路服务区的快充桩哪一年全覆盖？",
])
def test_when_asks_for_a_deadline_figure(question):
    assert analyze(question, CITIES).kind == "figure"


@pytest.mark.parametrize("question", [
    "安阳生态环境部门牵头的重点工程到2025年要削减多少吨化学需氧量？",
    "主管部门受理申请后多少个工作日内完成审核？",
    "铁岭负责节能监察的部门要在哪一年前完成全覆盖？",
])
def test_a_department_before_a_figure_ask_says_who_acts(question):
    """What a question asks comes last: a department named before 多少 / 哪一年 is who acts."""
    assert analyze(question, CITIES).kind == "figure"


@pytest.mark.parametrize("question", [
    "铁岭2025年清洁取暖率达到70%的工作由哪个部门负责？",
    "到2025年新增的10个节能示范项目由谁牵头？",
])
def test_who_asked_after_a_figure_still_asks_for_departments(question):
    assert analyze(question, CITIES).kind == "responsibility"
