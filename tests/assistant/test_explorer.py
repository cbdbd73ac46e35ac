from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.explorer import Explorer, figure_of, split_terms
from assistant.indicators import IndicatorCatalog
from assistant.target_model import Target
from assistant.targets import extract_targets
from corpus.catalog import builtin_documents

CITIES = ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市")


def target(city="铁岭市", indicator="城镇清洁取暖率", value="70%", unit="%", qualifier="", year=2025,
           baseline="", verb="达到", chunk_id="c1", area="") -> Target:
    clause = f"{indicator}{verb}{value}"
    return Target(city=city, indicator=indicator, value=value, unit=unit, qualifier=qualifier, year=year,
                  baseline=baseline, verb=verb, chunk_id=chunk_id, sentence=clause + "。", clause=clause, area=area)


@pytest.fixture(scope="module")
def corpus_explorer() -> Explorer:
    documents = builtin_documents()
    chunks = {c.chunk_id: c for d in documents for c in d.chunks}
    return Explorer(extract_targets(chunks.values()), [d.meta.city for d in documents], chunks.get)


def test_the_adapter_reads_units_from_table_headers_and_the_meaning_of_a_figure():
    row = figure_of(target(indicator="林州市“十四五”万元GDP能耗降低率目标（%）", value="19", unit="", verb="", area="林州市"))
    assert (row.value, row.unit, row.number, row.sense, row.area) == ("19%", "%", 19.0, "decrease", "林州市")
    assert figure_of(target(verb="下降", baseline="比2020年")).sense == "decrease"
    assert figure_of(target(verb="下降到")).sense == "level"
    assert figure_of(target(verb="增加", value="5个百分点", unit="个百分点")).sense == "increase"
    striving = figure_of(target(indicator="能耗强度降低激励目标", verb="完成", qualifier="力争"))
    assert striving.sense == "decrease" and striving.striving and striving.shown == "70%"

    @dataclass
    class Other:  # any record with the fields: the explorer does not need assistant.targets
        city: str = "安阳市"
        indicator: str = "污水处理率"
        value: str = "98%"

    other = figure_of(Other())
    assert (other.city, other.unit, other.year, other.sense) == ("安阳市", "", None, "level")


def test_energy_intensity_compares_all_five_cities(corpus_explorer):
    view = corpus_explorer.view("单位地区生产总值能耗")
    figures = {r.figure.city: r.figure.value for r in view.rows}
    assert figures == {"安顺市": "13%", "三门峡市": "16%", "铁岭市": "14.5%", "安阳市": "18%", "定州市": "17.5%"}
    assert (view.unit, view.sense) == ("%", "decrease")
    anshun = next(r for r in view.rows if r.figure.city == "安顺市")
    assert anshun.striving is not None and anshun.striving.value == "14.5%"  # 力争完成14.5%的能耗强度降低激励目标
    # 安阳's county table: listed apart, with the reason.
    assert {a.figure.area for a in view.apart} == {"林州市", "安阳县", "滑县", "内黄县", "汤阴县", "文峰区",
                                                   "北关区", "殷都区", "龙安区"}
    assert all("分解到" in a.reason for a in view.apart) and view.missing == ()


def test_figures_of_another_unit_or_meaning_are_listed_apart_with_the_reason(corpus_explorer):
    view = corpus_explorer.view("生活污水集中收集率")
    assert (view.unit, view.sense) == ("%", "level")
    assert {r.figure.city: r.figure.value for r in view.rows} == {"三门峡市": "70%", "铁岭市": "70%", "安阳市": "70%"}
    reasons = {a.figure.city: a.reason for a in view.apart}
    assert "个百分点" in reasons["三门峡市"] and "增幅" in reasons["安阳市"]
    assert [m.city for m in view.missing] == ["安顺市", "定州市"]


def test_a_table_printed_twice_counts_once(corpus_explorer):
    cod = corpus_explorer.figures_of("化学需氧量重点工程减排量")
    counties = [f for f in cod if f.city == "安阳市" and f.area]
    assert len(counties) == len({f.area for f in counties}) == 9


def test_two_figures_of_one_kind_under_two_synonyms_split_the_group():
    figures = [figure_of(target(city="安阳市", indicator=n, value=v, unit="%", verb="", chunk_id=c))
               for n, v, c in (("公共机构单位建筑面积能耗下降率", "4%", "a"), ("公共机构人均综合能耗下降率", "7%", "b"))]
    names = [f.name for f in figures]
    assert split_terms(figures, IndicatorCatalog(names)) == {"公共机构单位建筑面积能耗", "公共机构人均综合能耗"}
    explorer = Explorer([target(city="安阳市", indicator=n, value=v, verb="") for n, v in
                         (("公共机构单位建筑面积能耗下降率", "4%"), ("公共机构人均综合能耗下降率", "7%"))], ["安阳市"])
    assert {explorer.canonical(f) for f in explorer.figures} == {"公共机构单位建筑面积能耗", "公共机构人均综合能耗"}


def test_city_filter_missing_cities_and_unknown_indicator(corpus_explorer):
    view = corpus_explorer.view("清洁取暖率", cities=["铁岭"])
    assert view.cities == ("铁岭市",) and [r.figure.value for r in view.rows] == ["70%"] and view.missing == ()
    everywhere = corpus_explorer.view("清洁取暖率")
    assert {m.city for m in everywhere.missing} == set(CITIES) - {"铁岭市"}
    assert all(m.chunk is None for m in everywhere.missing)  # no retrieval given to this explorer
    with pytest.raises(KeyError):
        corpus_explorer.view("月球基地数量")
    assert corpus_explorer.resolve("单位GDP能耗").name == "单位地区生产总值能耗"


@pytest.mark.slow
def test_missing_cities_get_their_closest_clause_from_the_assistant(search_index):
    from assistant.explorer import explorer_for
    from assistant.service import Assistant

    assistant = Assistant(search_index)
    explorer = explorer_for(assistant)
    assert explorer_for(assistant) is explorer  # cached while the index is the same
    view = explorer.view("清洁取暖率")
    assert view.missing
    for m in view.missing:
        assert m.chunk is not None and m.chunk.city == m.city
        assert m.sentence and m.sentence in m.chunk.text
    assert [i.name for i in explorer.mentioned("各市单位GDP能耗下降目标")] == ["单位地区生产总值能耗"]
