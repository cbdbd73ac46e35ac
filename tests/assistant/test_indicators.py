from __future__ import annotations

import pytest

from assistant.indicators import DOMAIN_ORDER, IndicatorCatalog, domain_of

GROUPS = (
    ("单位地区生产总值能耗", "单位GDP能耗", "单位生产总值能源消耗", "万元GDP能耗", "能耗强度"),
    ("化学需氧量", "COD"),
    ("氨氮", "NH3-N", "NH3"),
    ("重点工程减排量", "减排量"),
    ("数据中心", "IDC"),
    ("能效标杆水平", "能效标杆", "标杆水平"),
    ("畜禽粪污综合利用率", "畜禽粪污利用率"),
)


def catalog(*names: str, split=()) -> IndicatorCatalog:
    return IndicatorCatalog(list(names), frozenset(split), groups=GROUPS)


def test_synonyms_of_a_group_share_its_first_term():
    cat = catalog("单位生产总值能源消耗", "林州市“十四五”万元GDP能耗降低率目标（%）", "能耗强度降低激励目标")
    assert {cat.canonical(n) for n in cat.names} == {"单位地区生产总值能耗"}
    assert cat.indicator("单位地区生产总值能耗").domain == "能耗"


def test_a_qualifier_written_against_the_head_is_kept_one_further_away_is_not():
    cat = catalog("化学需氧量(COD)重点工程减排量", "主要污染物化学需氧量重点工程减排量", "氨氮(NH3—N)重点工程减排量",
                  "钢铁、水泥等重点行业产能和数据中心达到能效标杆水平的比例", "重点耗能行业能效达到标杆水平的比例")
    assert cat.canonical("化学需氧量(COD)重点工程减排量") == "化学需氧量重点工程减排量"
    assert cat.canonical("主要污染物化学需氧量重点工程减排量") == "化学需氧量重点工程减排量"
    assert cat.canonical("氨氮(NH3—N)重点工程减排量") == "氨氮重点工程减排量"
    assert cat.canonical("钢铁、水泥等重点行业产能和数据中心达到能效标杆水平的比例") == "能效标杆水平"
    assert cat.canonical("重点耗能行业能效达到标杆水平的比例") == "能效标杆水平"


def test_a_long_term_with_words_inserted_still_reads_as_it():
    cat = catalog("畜禽粪污资源化综合利用率")
    assert cat.canonical("畜禽粪污资源化综合利用率") == "畜禽粪污综合利用率"


def test_names_no_group_covers_merge_on_scope_words_count_verbs_and_endings():
    cat = catalog("统防统治覆盖率", "主要农作物重大病虫害统防统治覆盖率", "城市生活垃圾资源化利用率",
                  "遴选国家级公共机构能效领跑者", "遴选公共机构能效领跑者", "创建省级节约型公共机构示范单位",
                  "创建国家级节约型公共机构示范单位", "新生产商用车平均油耗下降率")
    assert cat.canonical("主要农作物重大病虫害统防统治覆盖率") == "统防统治覆盖率"
    assert cat.canonical("城市生活垃圾资源化利用率") == "生活垃圾资源化利用率"
    assert cat.canonical("遴选国家级公共机构能效领跑者") == cat.canonical("遴选公共机构能效领跑者") == "公共机构能效领跑者"
    assert cat.canonical("创建省级节约型公共机构示范单位") != cat.canonical("创建国家级节约型公共机构示范单位")
    assert cat.canonical("新生产商用车平均油耗下降率") == "新生产商用车平均油耗"


def test_split_terms_are_their_own_indicators():
    names = ("公共机构单位建筑面积能耗下降率", "公共机构人均综合能耗下降率")
    groups = (("公共机构能耗", "公共机构单位建筑面积能耗", "公共机构人均综合能耗"),)
    merged = IndicatorCatalog(list(names), groups=groups)
    assert {merged.canonical(n) for n in names} == {"公共机构能耗"}
    split = IndicatorCatalog(list(names), frozenset({"公共机构单位建筑面积能耗", "公共机构人均综合能耗"}), groups)
    assert [split.canonical(n) for n in names] == ["公共机构单位建筑面积能耗", "公共机构人均综合能耗"]


def test_search_lookup_and_mentions_go_through_synonyms_and_plan_names():
    cat = catalog("单位生产总值能源消耗", "化学需氧量重点工程减排量", "氨氮重点工程减排量", "统防统治覆盖率")
    assert [i.name for i in cat.search("单位GDP能耗")] == ["单位地区生产总值能耗"]
    assert [i.name for i in cat.search("单位gdp能耗")] == ["单位地区生产总值能耗"]  # folded: case ignored
    assert [i.name for i in cat.search("统防")] == ["统防统治覆盖率"]
    assert [i.name for i in cat.lookup("cod")] == ["化学需氧量重点工程减排量"]
    assert [i.name for i in cat.lookup("化学需氧量重点工程减排量")] == ["化学需氧量重点工程减排量"]
    assert {i.name for i in cat.lookup("减排量")} == {"化学需氧量重点工程减排量", "氨氮重点工程减排量"}
    assert cat.search("月球基地") == []
    assert len(cat.search("")) == len(cat.indicators) == 4
    assert [i.name for i in cat.mentioned("安阳市单位GDP能耗下降目标是多少？")] == ["单位地区生产总值能耗"]
    assert cat.mentioned("各市减排量") == []  # no pollutant named
    assert [i.name for i in cat.mentioned("氨氮重点工程减排量")] == ["氨氮重点工程减排量"]


@pytest.mark.parametrize(("name", "domain"), [
    ("公共机构单位建筑面积能耗", "公共机构"), ("农村生活污水治理率", "农业农村"), ("铁路货运量占比", "交通"),
    ("城镇清洁取暖率", "建筑"), ("建筑垃圾综合利用率", "固废"), ("再生水利用率", "水"),
    ("挥发性有机物重点工程减排量", "污染物"), ("规模以上工业单位增加值能耗", "工业"), ("非化石能源消费比重", "能耗"),
    ("打造示范项目", "其他"),
])
def test_domains_are_read_from_the_name(name, domain):
    assert domain_of(name) == domain and domain in DOMAIN_ORDER


def test_the_lexicon_groups_the_real_plans_names():
    """With the project's own lexicon (index/lexicon/synonyms.tsv)."""
    cat = IndicatorCatalog(["单位地区生产总值能耗", "单位生产总值能源消耗", "单位生产总值能耗"])
    assert {cat.canonical(n) for n in cat.names} == {"单位地区生产总值能耗"}
    assert [i.name for i in cat.search("单位GDP能耗")] == ["单位地区生产总值能耗"]
