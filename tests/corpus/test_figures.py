"""The general figure grammar (corpus.figures) on clauses copied from the five plans."""
from __future__ import annotations

import pytest

from corpus.figures import comparable, figures_of, magnitude


def _kinds(text: str) -> list[tuple[str, str, str, str]]:
    return [(f.kind, f.text, f.unit, f.bound) for f in figures_of(text)]


@pytest.mark.parametrize("clause, expected", [
    # units the target grammar of assistant.targets does not list
    ("推动65蒸吨/小时以上燃煤锅炉（含电力）超低排放改造", ("quantity", "65蒸吨/小时以上", "蒸吨/小时", "以上")),  # 安顺
    ("城市建成区基本淘汰35蒸吨/小时及以下燃煤锅炉", ("quantity", "35蒸吨/小时及以下", "蒸吨/小时", "及以下")),  # 铁岭
    ("推动现役30万千瓦级煤电机组节能改造", ("quantity", "30万千瓦", "万千瓦", "")),  # 安顺: verb 推动
    ("对年综合能耗 5 万吨标准煤及以上的“两高一低”项目加强工作指导", ("quantity", "5万吨标准煤及以上", "万吨标准煤", "及以上")),
    ("城镇生活垃圾焚烧处理能力达到 4000 吨/日左右", ("quantity", "4000吨/日左右", "吨/日", "左右")),  # 安阳
    ("新建大型、超大型数据中心电能利用效率不超过1.3", ("quantity", "不超过1.3", "", "不超过")),  # 铁岭: a bare ratio
    ("创建 5 家省级节约型公共机构示范单位", ("count", "5家", "家", "")),  # 安阳
    ("2—3 个绿色供应链管理企业", ("count", "2—3个", "个", "")),  # 安阳: a range
    ("乌江、北盘江干流总磷指标稳定达到Ⅱ类标准", ("class", "II类", "类", "")),  # 安顺: NFKC reads Ⅱ as II
])
def test_one_figure_per_clause(clause, expected):
    assert _kinds(clause) == [expected]


def test_two_figures_of_a_target_and_its_alternative():
    # 三门峡: a target and its alternative in one clause
    found = figures_of("生活污水集中收集率力争达到70%以上或在2020年基础上增加5个百分点")
    assert [f.text for f in found] == ["70%以上", "5个百分点"]


def test_deadline_years_are_interim_years_or_years_with_qian():
    # 铁岭: 到2023年 ends a task; 到2025年 is the period a target is set for
    assert _kinds("到2023年，全市钢铁产能完成超低排放改造") == [("deadline", "到2023年", "年", "")]
    assert [f.kind for f in figures_of("到2025年，全市单位地区生产总值能耗比2020年下降13%以上")] == ["quantity"]
    assert figures_of("到 2022 年，高速公路服务区快速充电桩覆盖率达 100%")[0].number == "2022"  # 安阳


def test_a_date_of_every_year_is_a_deadline():
    # 生态环境部's 企业环境信息依法披露管理办法 (393.pdf): a 办法 sets the date once for all years
    found = figures_of("第十九条企业应当于每年3月15日前披露上一年度1月1日至12月31日的环境信息")
    assert [(f.kind, f.text, f.number) for f in found] == [("deadline", "3月15日前", "3月15日")]


@pytest.mark.parametrize("text", [
    "关于发布上海市2022年度“科技创新行动计划”科技支撑碳达峰碳中和专项项目申报指南的通知",  # a year of account
    "严格执行《建筑节能与可再生能源利用通用规范》（GB55015-2021）",  # a standard's code
    "推进2000年底前建成的城镇老旧小区升级改造",  # a year outside the plan period
    "2022年12月23日",  # a date
    "比2020年下降",  # a baseline year
])
def test_codes_dates_and_baselines_are_not_figures(text):
    assert figures_of(text) == ()


def test_traditional_and_full_width_text_reads_the_same():
    assert [f.text for f in figures_of("畜禽糞污綜合利用率達到８５％以上")] == ["85%以上"]


def test_comparable_needs_the_same_unit():
    a, b = figures_of("下降18%以上")[0], figures_of("下降16%以上")[0]
    c = figures_of("0.4872万吨")[0]
    assert comparable(a, b) and not comparable(a, c)
    assert magnitude(a) > magnitude(b)


def test_a_dated_deadline_inside_a_sentence_is_a_figure():
    assert [(f.kind, f.text) for f in figures_of("并于2022年9月底前将专项规划报住房和城乡建设部")] == [
        ("deadline", "于2022年9月底前")]
    assert [f.kind for f in figures_of("确保2023年1月1日全国全面供应国六B标准车用汽油")] == ["deadline"]
    assert [f.kind for f in figures_of("较2020年3月下降5%")] == ["quantity"]  # a baseline date


@pytest.mark.parametrize(("text", "figure"), [
    ("各地要明确改造升级和淘汰时限（一般不超过3年）", "不超过3年"),
    ("3年内完成改造", "3年"),
    ("连续2年未完成目标的", "2年"),
])
def test_a_bounded_span_of_years_is_a_figure(text, figure):
    assert [f.text for f in figures_of(text)] == [figure]


@pytest.mark.parametrize("text", ["用3年时间", "参照《高耗能行业重点领域能效标杆水平和基准水平（2021年版）》（见附表）",
                                  "落实《2030年前碳达峰行动方案》"])
def test_years_of_a_span_without_bound_or_in_a_title_are_not_figures(text):
    assert figures_of(text) == ()


def test_a_term_of_validity_is_a_figure():
    # 长沙 and 徐汇 (real plans): "本方案自2021年10月8日起实施，有效期5年。" / "…起施行，有效期至2025年2月28日。"
    assert [f.text for f in figures_of("有效期5年")] == ["5年"]
    assert [(f.kind, f.text) for f in figures_of("有效期至2025年2月28日")] == [("deadline", "至2025年2月28日")]
    assert figures_of("2022年12月23日") == ()  # a signature line's date sets nothing


@pytest.mark.parametrize("text, figures", [
    ("开展 PM2.5 和 O3 协同治理“一市一策”驻点跟踪研究", []),  # 安阳: a pollutant's name, no figure
    ("PM10浓度不高于70微克/立方米", ["不高于70微克/立方米"]),
    # 呼和浩特市“十四五”生态环境保护规划: a concentration in μg/m³ (NFKC: µ -> μ, ³ -> 3)
    ("细颗粒物（PM2.5）年均浓度为41μg/m³，较2015年下降4.7%", ["41μg/m3", "4.7%"]),
])
def test_particle_sizes_are_names_and_concentrations_are_figures(text, figures):
    assert [f.text for f in figures_of(text)] == figures


@pytest.mark.parametrize(("text", "figure", "kind"), [
    ("组织开展全省500余家重点排放单位排放报告与核查", "500余家", "count"),  # 江苏省 2022年工作计划
    ("建成100多个空气质量监测站", "100多个", "count"),
    ("力争引进10名以上高层次领军人才", "10名以上", "count"),  # people
    ("住宅建筑高度最高不超过18层", "不超过18层", "count"),  # floors
    ("一个核算周期原则上为5年", "5年", "quantity"),
    ("每1-3年完成一轮监测", "1-3年", "quantity"),
])
def test_counts_given_roughly_people_floors_and_periods_are_figures(text, figure, kind):
    found = figures_of(text)
    assert [(f.text, f.kind) for f in found] == [(figure, kind)]


@pytest.mark.parametrize("text", ["到2025年", "大多数城市", "为2025年目标奠定基础"])
def test_the_new_marks_read_no_figure_where_there_is_none(text):
    assert not [f for f in figures_of(text) if f.kind != "deadline"]
