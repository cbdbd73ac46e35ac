"""The place hierarchy 全国 ⊃ 省 ⊃ 市 ⊃ 县/区 (corpus.hierarchy): containment, names as written,
the places a question names and the documents that answer it."""
from __future__ import annotations

import pytest

from corpus import hierarchy
from corpus.model import DocumentMeta
from corpus.places import NATIONAL


def _doc(doc_id: str, city: str, province: str = "", prefecture: str = "") -> DocumentMeta:
    return DocumentMeta(doc_id=doc_id, city=city, province=province, title=f"{city}方案", prefecture=prefecture)


DOCS = (
    _doc("anyang", "安阳市", "河南省"),
    _doc("sanmenxia", "三门峡市", "河南省"),
    _doc("henan", "河南省", "河南省"),
    _doc("linzhou", "林州市", "河南省", "安阳市"),  # a county-level city of 安阳市
    _doc("national", NATIONAL),
    _doc("tieling", "铁岭市", "辽宁省"),
    _doc("xuhui", "徐汇区", "上海市", "上海市"),
)


def test_a_county_belongs_to_its_city_and_province_and_the_nation():
    assert hierarchy.chain("繁昌区", "安徽省", "芜湖市") == ("繁昌区", "芜湖市", "安徽省", NATIONAL)
    assert hierarchy.chain("繁昌区") == ("繁昌区", "芜湖市", "安徽省", NATIONAL)  # read from the divisions
    for outer in ("繁昌区", "芜湖市", "安徽省", NATIONAL):
        assert hierarchy.contains(outer, "繁昌区", "安徽省")
    assert not hierarchy.contains("马鞍山市", "繁昌区", "安徽省")
    assert not hierarchy.contains("河南省", "繁昌区", "安徽省")
    # A city contains its counties, not its province nor a sibling city.
    assert hierarchy.contains("安阳市", "林州市", "河南省")
    assert not hierarchy.contains("安阳市", "河南省", "河南省")
    assert not hierarchy.contains("三门峡市", "林州市", "河南省")
    # A 直辖市's district lies in it directly.
    assert hierarchy.chain("徐汇区", "上海市", "上海市") == ("徐汇区", "上海市", NATIONAL)


def test_a_repeated_county_name_is_placed_by_the_documents_province():
    assert hierarchy.chain("朝阳区", "北京市")[1] == "北京市"
    assert hierarchy.chain("朝阳区", "吉林省")[1:] == ("长春市", "吉林省", NATIONAL)


def test_all_documents_lie_in_the_nation_but_national_means_the_national_documents():
    assert all(hierarchy.contains(NATIONAL, d.city, d.province, d.prefecture) for d in DOCS)
    assert [d.doc_id for d in hierarchy.documents_within(NATIONAL, DOCS)] == ["national"]
    assert hierarchy.chain(NATIONAL) == (NATIONAL,)
    assert not hierarchy.contains("河南省", NATIONAL)


def test_a_province_holds_its_own_its_cities_and_its_counties_documents():
    assert [d.doc_id for d in hierarchy.documents_within("河南省", DOCS)] == ["anyang", "sanmenxia", "henan", "linzhou"]
    assert [d.doc_id for d in hierarchy.documents_within("安阳市", DOCS)] == ["anyang", "linzhou"]
    assert [d.doc_id for d in hierarchy.documents_within("上海市", DOCS)] == ["xuhui"]


def test_a_place_unknown_to_the_divisions_holds_its_own_documents_in_its_province():
    doc = _doc("x", "测试市", "河南省")
    assert hierarchy.chain("测试市", "河南省") == ("测试市", "河南省", NATIONAL)
    assert hierarchy.holds("河南省", doc) and hierarchy.holds("测试市", doc) and not hierarchy.holds("安阳市", doc)


@pytest.mark.parametrize("name, kind, full", [
    ("河南", None, "河南省"), ("河南省", "province", "河南省"), ("安阳", "city", "安阳市"), ("繁昌", None, "繁昌区"),
    ("吉林", None, "吉林省"), ("吉林", "province", "吉林省"), ("吉林", "city", "吉林市"),  # a city field reads a city
    ("国家", None, NATIONAL), ("全国", "city", NATIONAL), ("鐵嶺", "city", "铁岭市"), ("上海", "province", "上海市"),
])
def test_names_as_written_resolve_to_full_names(name, kind, full):
    assert hierarchy.resolve_place(name, kind=kind) == full


def test_names_that_are_no_place_resolve_to_nothing():
    assert hierarchy.resolve_place("火星") is None
    assert hierarchy.resolve_place("") is None
    assert hierarchy.resolve_place("安阳市", kind="province") is None  # a city is no province
    assert hierarchy.resolve_place("全国", kind="province") is None
    assert hierarchy.resolve_place("测试", ["测试市"]) == "测试市"  # a corpus place the divisions do not know


def _scopes(text: str, docs=DOCS) -> list[tuple[str, str, tuple[str, ...], bool]]:
    return [(s.named, s.place, s.doc_ids, s.own) for s in hierarchy.question_places(text, docs).scopes]


def test_a_city_question_is_answered_from_the_city_and_its_counties_only():
    assert _scopes("安阳的清洁取暖率目标") == [("安阳市", "安阳市", ("anyang", "linzhou"), True)]
    # "河南安阳": the province qualifies the city; both names go from the query.
    assert _scopes("河南安阳的清洁取暖率") == [("安阳市", "安阳市", ("anyang", "linzhou"), True)]
    assert hierarchy.strip_places("河南安阳的清洁取暖率", DOCS) == "的清洁取暖率"


def test_a_province_question_covers_the_province_and_its_places():
    assert _scopes("河南的两高项目") == [("河南省", "河南省", ("anyang", "sanmenxia", "henan", "linzhou"), True)]


def test_a_national_question_finds_the_national_documents():
    assert _scopes("国家对两高项目有什么要求") == [(NATIONAL, NATIONAL, ("national",), True)]
    assert _scopes("全国的目标") == [(NATIONAL, NATIONAL, ("national",), True)]
    assert _scopes("国家级示范园区") == []  # a rank, not a place


def test_a_place_without_documents_is_answered_from_the_nearest_place_above_with_its_own():
    # 殷都区 (a district of 安阳市) has no plan: 安阳市's own plan answers, not 林州市's.
    assert _scopes("殷都区的减排量") == [("殷都区", "安阳市", ("anyang",), False)]
    assert hierarchy.strip_places("殷都区的减排量", DOCS) == "殷都区的减排量"  # its name is what is asked
    assert _scopes("郑州的目标") == [("郑州市", "河南省", ("henan",), False)]
    # Never the national plans: a place named in passing must not narrow a question to them.
    assert _scopes("北京的目标") == []


def test_a_place_containing_another_named_one_is_context():
    assert [s[0] for s in _scopes("三门峡方案依据的河南省文件")] == ["三门峡市"]
    assert [s[0] for s in _scopes("安阳和铁岭的目标")] == ["安阳市", "铁岭市"]
