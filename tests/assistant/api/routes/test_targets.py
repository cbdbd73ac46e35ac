from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

URL = "/api/v1/targets"


def test_city_and_indicator_filter(client):
    resp = client.get(URL, params={"city": "铁岭", "indicator": "城镇清洁取暖率"})
    assert resp.status_code == 200
    targets = resp.json()["targets"]
    assert targets and {t["city"] for t in targets} == {"铁岭市"}
    heating = next(t for t in targets if t["indicator"] == "城镇清洁取暖率")
    assert heating["value"] == "70%" and "以上" in heating["qualifier"] and heating["year"] == 2025
    assert heating["doc_id"] == "tieling" and heating["citation"].startswith("《铁岭市")
    assert heating["sentence"] in client.get(f"/api/v1/chunks/{heating['chunk_id']}").json()["chunk"]["text"]


def test_all_targets_cover_every_city(client):
    targets = client.get(URL).json()["targets"]
    assert {t["city"] for t in targets} == {"安顺市", "三门峡市", "铁岭市", "安阳市", "定州市"}


def test_unknown_indicator_is_an_empty_list(client):
    assert client.get(URL, params={"indicator": "月球基地数量"}).json() == {"targets": []}


def test_unknown_city_is_422(client):
    resp = client.get(URL, params={"city": "火星"})
    assert resp.status_code == 422
    assert resp.json()["message"].startswith("city: unknown city '火星'")


def test_a_synonym_selects_the_canonical_indicator_of_every_city(client):
    targets = client.get(URL, params={"indicator": "单位GDP能耗"}).json()["targets"]
    assert {t["canonical_indicator"] for t in targets} == {"单位地区生产总值能耗"}
    assert {t["domain"] for t in targets} == {"能耗"}
    city_level = {t["city"]: t["value"] for t in targets if not t["area"] and "力争" not in t["qualifier"]}
    assert city_level == {"安顺市": "13%", "三门峡市": "16%", "铁岭市": "14.5%", "安阳市": "18%", "定州市": "17.5%"}
    assert {t["indicator"] for t in targets} >= {"单位生产总值能源消耗", "单位地区生产总值能耗"}
    assert all(t["clause"] and t["clause"] in t["sentence"].replace(" ", "") for t in targets if not t["area"])


def test_year_and_unit_filters(client):
    in_tons = client.get(URL, params={"unit": "吨", "city": "三门峡"}).json()["targets"]
    assert in_tons and {t["unit"] for t in in_tons} == {"吨"}
    assert {t["canonical_indicator"] for t in in_tons} >= {"化学需氧量重点工程减排量", "氨氮重点工程减排量"}
    y2022 = client.get(URL, params={"year": 2022}).json()["targets"]
    assert y2022 and {t["year"] for t in y2022} == {2022}
    assert client.get(URL, params={"year": 2025, "unit": "光年"}).json() == {"targets": []}


@pytest.mark.parametrize("params", [{"year": "next"}, {"year": 1800}, {"unit": "x" * 21}])
def test_bad_filters_are_422_in_the_project_shape(client, params):
    resp = client.get(URL, params=params)
    assert resp.status_code == 422
    body = resp.json()
    assert body["message"].startswith(next(iter(params))) and body["detail"]


def test_indicators_list_domain_and_counts(client):
    indicators = client.get("/api/v1/indicators").json()["indicators"]
    by_name = {i["indicator"]: i for i in indicators}
    energy = by_name["单位地区生产总值能耗"]
    assert energy["domain"] == "能耗" and energy["cities"] == 5 and energy["targets"] >= 5
    assert "单位GDP能耗" in energy["terms"] and "单位生产总值能源消耗" in energy["names"]
    domains = [i["domain"] for i in indicators]
    assert domains == sorted(domains, key=["能耗", "污染物", "建筑", "交通", "农业农村", "公共机构", "水", "工业",
                                           "固废", "其他"].index)
    # Every listed indicator's targets are what /targets returns for it.
    total = len(client.get(URL).json()["targets"])
    assert sum(i["targets"] for i in indicators) <= total


def test_indicators_search_and_domain_filter(client):
    found = client.get("/api/v1/indicators", params={"q": "单位GDP能耗"}).json()["indicators"]
    assert found[0]["indicator"] == "单位地区生产总值能耗"
    water = client.get("/api/v1/indicators", params={"domain": "水"}).json()["indicators"]
    assert water and {i["domain"] for i in water} == {"水"}
    resp = client.get("/api/v1/indicators", params={"domain": "火星"})
    assert resp.status_code == 422 and resp.json()["message"].startswith("domain: unknown domain")


def test_each_target_names_the_level_and_province_of_its_place(client):
    places = {(t["city"], t["level"], t["province"]) for t in client.get(URL).json()["targets"]}
    assert places == {("安顺市", "市", "贵州省"), ("三门峡市", "市", "河南省"), ("铁岭市", "市", "辽宁省"),
                      ("安阳市", "市", "河南省"), ("定州市", "县", "河北省")}


def test_province_filter_takes_the_places_inside_it(levels_client):
    inside = levels_client.get(URL, params={"province": "上海"}).json()["targets"]
    assert inside and {t["province"] for t in inside} == {"上海市"} and {t["city"] for t in inside} <= {"上海市", "徐汇区"}
    assert {t["level"] for t in inside if t["city"] == "徐汇区"} == {"县"}
    henan = levels_client.get(URL, params={"province": "河南省"}).json()["targets"]
    assert {t["city"] for t in henan} == {"安阳市", "三门峡市"}  # 河南省's own plan states no target figure
    resp = levels_client.get(URL, params={"province": "火星"})
    assert resp.status_code == 422 and resp.json()["message"].startswith("province: unknown province '火星'")
