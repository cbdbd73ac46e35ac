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
