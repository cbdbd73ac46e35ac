"""The explorer over places of every level (inline data): rows grouped by province, the nation's
and the provinces' figures as reference rows, 对标 (高于 / 持平 / 低于) only between comparable
figures, sorting and the highest / lowest N."""
from __future__ import annotations

import pytest

from assistant.explorer import Explorer, arrange, figure_of, versus
from assistant.target_model import Target
from corpus import divisions
from corpus.model import DocumentMeta

INDICATOR = "单位地区生产总值能耗"


def target(city: str, value: str, unit: str = "%", verb: str = "下降", year: int | None = 2025,
           indicator: str = INDICATOR, qualifier: str = "", area: str = "") -> Target:
    clause = f"{indicator}比2020年{verb}{value}"
    return Target(city=city, indicator=indicator, value=value, unit=unit, qualifier=qualifier, year=year,
                  baseline="比2020年" if verb == "下降" else "", verb=verb, chunk_id=f"{city}-{value}",
                  sentence=clause + "。", clause=clause, area=area)


# 全国 13.5%; 河南省 14% over 安阳 18% (高于) and 三门峡 14% (持平); 辽宁省 14.5% over 铁岭 12%
# (低于 both); 河北省 states its figure in another unit (个百分点) than 定州's %; 贵州 has no
# provincial document (安顺 is compared with the nation only).
TARGETS = [
    target("全国", "13.5%"),
    target("河南省", "14%"), target("安阳市", "18%"), target("三门峡市", "14%"),
    target("辽宁省", "14.5%"), target("铁岭市", "12%"),
    target("河北省", "3个百分点", unit="个百分点"), target("定州市", "17.5%"),
    target("安顺市", "13%"),
    target("安阳市", "19%", area="林州市"),  # a county figure inside a city's plan: apart, as before
]
PLACES = ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市", "全国", "河南省", "辽宁省", "河北省")
# 定州市 is a county-level city of 保定市 (its document says so; the divisions know it too).
DOCUMENTS = [DocumentMeta(doc_id="dingzhou", city="定州市", province="河北省", title="t", level="县", prefecture="保定市")]


@pytest.fixture(scope="module")
def view():
    return Explorer(TARGETS, PLACES, documents=DOCUMENTS).view(INDICATOR)


def words(view) -> dict[str, tuple[str, str]]:
    return {r.figure.city: (r.province.word if r.province else "-", r.nation.word if r.nation else "-")
            for r in view.rows}


def test_the_nation_and_the_provinces_are_reference_rows_not_rows(view):
    assert {r.figure.city for r in view.rows} == {"安顺市", "三门峡市", "铁岭市", "安阳市", "定州市"}
    assert view.national is not None and view.national.row.figure.value == "13.5%" and not view.national.reason
    refs = {r.place.name: r for r in view.references}
    assert list(refs) == ["河北省", "辽宁省", "河南省"]  # GB/T 2260 order: 13, 21, 41
    assert refs["河南省"].row.figure.value == "14%" and not refs["河南省"].reason
    # 河北省's only figure is in another unit: still its reference, with the reason it is not comparable.
    assert refs["河北省"].row.figure.value == "3个百分点" and "单位" in refs["河北省"].reason
    assert {a.figure.area for a in view.apart} == {"林州市"} and view.missing == ()


def test_each_city_is_compared_with_its_province_and_the_nation(view):
    assert words(view) == {
        "安阳市": ("高于", "高于"),  # 18% vs 14% and 13.5%
        "三门峡市": ("持平", "高于"),  # 14% vs 14%
        "铁岭市": ("低于", "低于"),  # 12% vs 14.5% and 13.5%
        "定州市": ("", "高于"),  # 河北省 states 3个百分点: not compared
        "安顺市": ("-", "低于"),  # no provincial document for 贵州
    }
    dingzhou = next(r for r in view.rows if r.figure.city == "定州市")
    assert dingzhou.province is not None and dingzhou.province.place == "河北省"
    assert dingzhou.province.reason == "单位不同（%与个百分点）"
    anyang = next(r for r in view.rows if r.figure.city == "安阳市")
    assert anyang.place is not None and (anyang.place.province, anyang.place.level) == ("河南省", "市")
    assert (anyang.province.reference.value, anyang.nation.reference.value) == ("14%", "13.5%")


def test_versus_compares_only_figures_of_one_unit_meaning_and_year():
    city = figure_of(target("安阳市", "18%"))
    assert versus(city, figure_of(target("河南省", "16%")), "河南省").word == "高于"
    assert versus(city, figure_of(target("河南省", "18%")), "河南省").word == "持平"
    assert versus(city, figure_of(target("河南省", "18.5%")), "河南省").word == "低于"
    assert versus(city, figure_of(target("河南省", "8-10%")), "河南省").word == "高于"  # a range: its lower end
    tons = versus(figure_of(target("安阳市", "1.2万吨", unit="万吨")), figure_of(target("河南省", "12000吨", unit="吨")), "河南省")
    assert (tons.word, tons.reason) == ("", "单位不同（万吨与吨）")  # no unit conversion: not compared
    level = versus(city, figure_of(target("河南省", "14%", verb="达到")), "河南省")
    assert level.word == "" and level.reason.startswith("口径不同")  # a 下降 of 18% is no level of 14%
    earlier = versus(city, figure_of(target("河南省", "10%", year=2023)), "河南省")
    assert earlier.word == "" and "目标年份不同" in earlier.reason
    bare = versus(figure_of(target("安阳市", "300", unit="", verb="达到")),
                  figure_of(target("河南省", "200", unit="", verb="达到")), "河南省")
    assert bare.word == "" and bare.reason == "未给出可比数值"  # numbers of no unit are not compared


def test_grouped_by_province_in_code_order_each_with_its_reference(view):
    groups = arrange(view)
    assert [g.province for g in groups] == ["河北省", "辽宁省", "河南省", "贵州省"]
    henan = groups[2]
    assert henan.reference is not None and henan.reference.row.figure.value == "14%"
    assert [r.figure.city for r in henan.rows] == ["安阳市", "三门峡市"]  # highest first
    assert [r.figure.city for r in arrange(view, order="asc")[2].rows] == ["三门峡市", "安阳市"]
    assert groups[3].reference is None


def test_sorting_and_the_highest_or_lowest_n(view):
    (flat,) = arrange(view, grouped=False)
    assert [r.figure.city for r in flat.rows] == ["安阳市", "定州市", "三门峡市", "安顺市", "铁岭市"]
    assert [r.rank for r in flat.rows] == [1, 2, 3, 4, 5] and flat.reference is None
    (low,) = arrange(view, grouped=False, order="asc")
    assert [r.figure.city for r in low.rows] == ["铁岭市", "安顺市", "三门峡市", "定州市", "安阳市"]
    (top,) = arrange(view, grouped=False, limit=2)
    assert [r.figure.city for r in top.rows] == ["安阳市", "定州市"]
    (bottom,) = arrange(view, grouped=False, limit=-2)
    assert [r.figure.city for r in bottom.rows] == ["安顺市", "铁岭市"]
    # Cut and grouped: only the provinces with a row left, each still with its reference.
    assert [(g.province, [r.figure.city for r in g.rows]) for g in arrange(view, limit=2)] == [
        ("河北省", ["定州市"]), ("河南省", ["安阳市"])]
    with pytest.raises(ValueError):
        arrange(view, order="sideways")


def test_selecting_a_city_keeps_its_references_and_a_province_selects_its_places():
    explorer = Explorer(TARGETS, PLACES, documents=DOCUMENTS)
    tieling = explorer.view(INDICATOR, cities=["铁岭"])
    assert [r.figure.city for r in tieling.rows] == ["铁岭市"] and tieling.cities == ("铁岭市",)
    assert tieling.national is not None and [r.place.name for r in tieling.references] == ["辽宁省"]
    assert tieling.apart == () and tieling.missing == ()
    henan = explorer.view(INDICATOR, cities=["河南"])
    assert {r.figure.city for r in henan.rows} == {"安阳市", "三门峡市"}
    assert [r.place.name for r in henan.references] == ["河南省"]


def test_a_province_with_no_place_inside_compared_is_a_row_of_its_own():
    explorer = Explorer([target("全国", "13.5%"), target("浙江省", "14.5%"), target("河南省", "14%")],
                        ["全国", "浙江省", "河南省"])
    view = explorer.view(INDICATOR)
    assert [r.figure.city for r in view.rows] == ["浙江省", "河南省"] and view.references == ()
    assert words(view) == {"浙江省": ("-", "高于"), "河南省": ("-", "高于")}
    assert [g.province for g in arrange(view)] == ["浙江省", "河南省"]  # 33, 41


def test_forty_and_more_places_stay_in_order():
    """45 prefectures of 9 provinces, each with a figure; every province states one too."""
    provinces = [d for d in divisions.all_divisions() if d.level == "province" and not d.is_municipality][:9]
    targets, places = [target("全国", "13.5%")], ["全国"]
    for i, province in enumerate(provinces):
        targets.append(target(province.name, f"{13 + i * 0.1:.1f}%"))
        places.append(province.name)
        cities = [d for d in divisions.all_divisions() if d.level == "prefecture" and d.parent == province.code][:5]
        assert len(cities) == 5, province.name
        for j, city in enumerate(cities):
            targets.append(target(city.name, f"{10 + i + j * 0.5:.1f}%"))
            places.append(city.name)
    view = Explorer(targets, places).view(INDICATOR)
    assert len(view.rows) == 45 and len(view.references) == 9 and view.national is not None
    groups = arrange(view)
    assert [g.province for g in groups] == [p.name for p in sorted(provinces, key=lambda p: p.code)]
    assert all(len(g.rows) == 5 and g.reference is not None for g in groups)
    assert all(r.province is not None and r.province.word and r.nation is not None and r.nation.word
               for r in view.rows)
    (top,) = arrange(view, grouped=False, limit=10)
    numbers = [r.figure.number for r in top.rows]
    assert len(numbers) == 10 and numbers == sorted(numbers, reverse=True)
    assert numbers[0] == max(r.figure.number for r in view.rows)
    (bottom,) = arrange(view, grouped=False, limit=-10)
    assert [r.rank for r in bottom.rows][-1] == 45
