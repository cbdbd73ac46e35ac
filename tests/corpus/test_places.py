"""City names: short forms, resolution and detection in text, one rule for every layer."""
import pytest

from corpus.places import city_mentions, detect_cities, resolve_city, same_city, short_name, strip_cities

CITIES = ("安顺市", "三门峡市", "铁岭市", "安阳市", "定州市", "大兴安岭地区", "黔东南苗族侗族自治州")


@pytest.mark.parametrize("full, short", [
    ("铁岭市", "铁岭"), ("大兴安岭地区", "大兴安岭"), ("黔东南苗族侗族自治州", "黔东南"),
    ("沙市", "沙市"), ("某某县", "某某"), ("呼伦贝尔盟", "呼伦贝尔"),
])
def test_short_name_drops_one_administrative_suffix(full, short):
    assert short_name(full) == short


@pytest.mark.parametrize("name", ["铁岭", "铁岭市", " 铁岭市 ", "鐵嶺", "鐵嶺市"])
def test_resolve_city_accepts_every_way_of_writing_it(name):
    assert resolve_city(name, CITIES) == "铁岭市"


@pytest.mark.parametrize("name", ["", " ", "北京", "铁", "岭市"])
def test_resolve_city_refuses_unknown_names(name):
    assert resolve_city(name, CITIES) is None


def test_same_city():
    assert same_city("铁岭", "铁岭市") and same_city("大兴安岭", "大兴安岭地区")
    assert not same_city("安阳", "安顺市") and not same_city("", "")


def test_detection_in_reading_order_longest_alias_first():
    assert detect_cities("铁岭的清洁取暖率", CITIES) == ("铁岭市",)
    assert detect_cities("铁岭市和安阳 氨氮", CITIES) == ("铁岭市", "安阳市")
    assert detect_cities("安阳和铁岭", CITIES) == ("安阳市", "铁岭市")
    assert detect_cities("清洁取暖率", CITIES) == ()
    mentions = city_mentions("铁岭市和铁岭", CITIES)
    assert [(m.start, m.end) for m in mentions] == [(0, 3), (4, 6)]


def test_strip_cities_only_the_named_ones():
    assert strip_cities("铁岭市 清洁取暖率", CITIES) == "清洁取暖率"
    assert strip_cities("铁岭和安阳的目标", CITIES, only=("铁岭市",)) == "和安阳的目标"


@pytest.mark.parametrize("name", ["铁岭市", "大兴安岭地区", "Tieling", "Xi'an"[:2] + "an"])
def test_validate_city_accepts_place_names(name):
    from corpus.places import validate_city

    assert validate_city(f" {name} ") == name


@pytest.mark.parametrize("name", ["年", "市", "万吨", "\x00铁岭", "铁\u200b岭", "", "省市"])
def test_validate_city_refuses_words_that_would_match_every_question(name):
    from corpus.errors import IngestError
    from corpus.places import validate_city

    with pytest.raises(IngestError):
        validate_city(name)


@pytest.mark.parametrize(("text", "places"), [
    ("杭州到2025年培育多少家国家高新技术企业", ("杭州市",)),  # a designation any place has
    ("安阳创建国家森林城市的目标是什么", ("安阳市",)),
    ("国家数据中心和5G绿色发展方案鼓励哪些节能方式", ("全国",)),  # no other place: the national plan
    ("国家的数据中心PUE要求是多少", ("全国",)),
    ("安阳的目标比国家的高吗", ("安阳市", "全国")),
])
def test_guojia_before_a_designation_names_no_place_beside_another(text, places):
    from corpus.places import detect_cities

    assert detect_cities(text, ["杭州市", "全国", "安阳市"]) == places
