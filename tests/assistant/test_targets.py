"""Target extraction on the real plans: a hand-checked sample of sentences."""
from __future__ import annotations

import csv
import io

import pytest

from assistant.targets import extract_targets, targets_csv, targets_table
from corpus.catalog import builtin_documents


@pytest.fixture(scope="module")
def chunks():
    return [c for d in builtin_documents() for c in d.chunks]


@pytest.fixture(scope="module")
def targets(chunks):
    return extract_targets(chunks)


# (city, indicator, value, qualifier, year, baseline), read off the plans by hand.
SAMPLE = [
    ("铁岭市", "单位地区生产总值能耗", "14.5%", "", 2025, "比2020年"),
    ("铁岭市", "城镇清洁取暖率", "70%", "以上", 2025, ""),
    ("铁岭市", "装配式建筑占新建建筑比例", "30%", "", 2025, ""),
    ("铁岭市", "城镇建筑可再生能源替代率", "8%", "", 2025, ""),
    ("铁岭市", "城市公共供水管网漏损率", "10%", "低于", 2025, ""),
    ("铁岭市", "铁路货运量占比", "15%", "左右", 2025, ""),
    ("铁岭市", "新建大型、超大型数据中心电能利用效率", "1.3", "不超过", None, ""),
    ("铁岭市", "化学需氧量重点工程减排量", "0.7862万吨", "", 2025, ""),
    ("铁岭市", "挥发性有机物重点工程减排量", "0.1832万吨", "", 2025, ""),
    ("铁岭市", "秸秆综合利用率", "92%", "以上", 2025, ""),
    ("铁岭市", "规模以上工业单位增加值能耗", "14.5%", "", 2025, ""),
    ("安顺市", "单位地区生产总值能耗", "13%", "以上", 2025, "比2020年"),
    ("安顺市", "能耗强度降低激励目标", "14.5%", "力争", 2025, ""),
    ("安顺市", "非化石能源占能源消费总量比重", "24%", "左右", 2025, ""),
    ("安顺市", "农村生活污水治理率", "25%", "", 2025, ""),
    ("安顺市", "新增和改造污水收集管网", "240公里", "左右", 2025, ""),
    ("三门峡市", "单位生产总值能源消耗", "16%", "以上", 2025, "比2020年"),
    ("三门峡市", "二氧化硫重点工程减排量", "6231吨", "", 2025, ""),
    ("三门峡市", "可渗透地面积比例", "40%", "不低于", 2025, ""),
    ("三门峡市", "生活污水集中收集率", "70%", "力争 以上", 2025, ""),
    ("三门峡市", "生活污水集中收集率", "5个百分点", "", 2025, "在2020年基础上"),
    ("安阳市", "单位生产总值能源消耗", "18%", "以上", 2025, "比2020年"),
    ("安阳市", "农村生活污水治理率", "44%", "", 2025, ""),
    ("安阳市", "城镇生活垃圾焚烧处理能力", "4000吨/日", "左右", 2025, ""),
    ("安阳市", "高速公路服务区快速充电桩覆盖率", "100%", "", 2022, ""),
    ("安阳市", "殷都区挥发性有机物重点工程减排量", "759.04吨", "", 2025, ""),
    ("定州市", "单位生产总值能耗", "17.5%", "", 2025, "比2020年"),
    ("定州市", "能源消费增量控制目标", "32万吨标准煤", "", 2025, ""),
    ("定州市", "出租车比例", "80%", "以上", 2025, ""),
    ("定州市", "人均能耗", "5%", "", 2025, "比2019年"),
]


@pytest.mark.parametrize(("city", "indicator", "value", "qualifier", "year", "baseline"), SAMPLE)
def test_hand_checked_sample(targets, city, indicator, value, qualifier, year, baseline):
    found = [t for t in targets if t.city == city and t.indicator == indicator and t.value == value]
    assert found, f"no target {city} {indicator} {value}"
    t = found[0]
    assert (t.qualifier, t.year, t.baseline) == (qualifier, year, baseline)


def test_sample_is_large_enough():
    assert len(SAMPLE) >= 20


def test_sentence_is_verbatim_and_value_is_in_it(targets, chunks):
    by_id = {c.chunk_id: c for c in chunks}
    for t in targets:
        chunk = by_id[t.chunk_id]
        assert t.sentence in chunk.text
        number = t.value.rstrip(t.unit)
        assert number in "".join(t.sentence.split())


def test_conditions_are_not_targets(targets):
    # "对进水生化需氧量浓度低于100毫克/升的城市污水处理厂…" is a selection rule, not a target.
    assert not any(t.indicator.startswith("对") for t in targets)
    # Years and baselines are never read as values.
    assert not any(t.value in ("2020", "2025") for t in targets)


def test_lead_targets_yield_to_the_plans_own(chunks, targets):
    # The built-in leads only restate figures of their plans: with the plans, none is kept...
    leads = {c.chunk_id for c in chunks if c.kind == "lead"}
    assert not any(t.chunk_id in leads for t in targets)
    # ...but a lead without the plan (an excerpt) is where its figures are stated: they are read.
    alone = extract_targets([c for c in chunks if c.kind == "lead"])
    assert any(t.value == "70%" and t.city == "三门峡市" for t in alone)


def test_table_filters_by_city_and_synonym(targets):
    rows = targets_table(targets, city="铁岭市", indicator="单位GDP能耗")
    assert [t.value for t in rows] == ["14.5%"]
    assert all(t.city == "安阳市" for t in targets_table(targets, city="安阳"))


def test_csv_round_trip(targets):
    text = targets_csv(targets[:5])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert rows[0]["value"] == targets[0].value and rows[0]["chunk_id"] == targets[0].chunk_id


def test_the_national_plans_scale_of_hundred_millions_is_a_unit():
    # eval/real 29.pdf (国家能源局《2022年能源工作指导意见》): the national figures are written in 亿
    from corpus.model import Chunk
    from corpus.text import matching

    text = ("增强供应保障能力。全国能源生产总量达到44.1亿吨标准煤左右，原油产量2亿吨左右，"
            "天然气产量2140亿立方米左右。保障电力充足供应，电力装机达到26亿千瓦左右，发电量达到9.07万亿千瓦时左右。")
    chunk = Chunk(chunk_id="n-1", doc_id="n", city="全国", province="", title="2022年能源工作指导意见", section=(),
                  section_path="", paragraph=1, section_paragraph=1, text=text, match_text=matching(text),
                  start=0, end=len(text), sentences=(text,))
    found = {t.indicator: (t.value, t.unit) for t in extract_targets([chunk])}
    assert found["天然气产量"] == ("2140亿立方米", "亿立方米")
    assert found["全国能源生产总量"] == ("44.1亿吨标准煤", "亿吨标准煤")
    assert found["原油产量"] == ("2亿吨", "亿吨")
    assert found["发电量"] == ("9.07万亿千瓦时", "万亿千瓦时")
