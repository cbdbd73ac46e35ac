from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from index.dense import chunk_windows
from index.engine import SearchIndex

from ..conftest import ADMIN_TOKEN, make_settings, wait_for_job

pytestmark = pytest.mark.slow

CITIES = {"安顺市", "三门峡市", "铁岭市", "安阳市", "定州市"}


def test_list_documents(client):
    resp = client.get("/api/v1/documents")
    assert resp.status_code == 200
    docs = resp.json()["documents"]
    assert {d["city"] for d in docs} >= CITIES
    anshun = next(d for d in docs if d["doc_id"] == "anshun")
    assert anshun["doc_number"] == "安府发〔2022〕17号" and anshun["province"] == "贵州省"
    assert all(d["chunks"] > 10 for d in docs)
    # Metadata read from the text, each value with the line it came from.
    tieling = next(d for d in docs if d["doc_id"] == "tieling")
    assert tieling["implements"][0]["number"] == "辽政发〔2022〕16号"
    line = next(s["line"] for s in tieling["sources"] if s["field"] == "implements")
    assert "（辽政发〔2022〕16号）" in line
    assert {s["field"]: s["line"] for s in anshun["sources"]}["date"] == "2022年12月23日"


def test_document_with_its_paragraphs_in_order(client):
    resp = client.get("/api/v1/documents/tieling")
    assert resp.status_code == 200
    body = resp.json()
    assert body["title"] == "铁岭市“十四五”节能减排综合工作方案"
    paragraphs = body["paragraphs"]
    assert len(paragraphs) == body["chunks"]
    assert [p["paragraph"] for p in paragraphs] == sorted(p["paragraph"] for p in paragraphs)
    assert any("城镇清洁取暖率达到70%以上" in p["text"] for p in paragraphs)
    assert all(p["doc_id"] == "tieling" for p in paragraphs)


@pytest.mark.parametrize("doc_id", ["nope", "TIELING", "tieling ", "铁岭"])
def test_unknown_document_is_404(client, doc_id):
    resp = client.get(f"/api/v1/documents/{doc_id}")
    assert resp.status_code == 404
    assert resp.json() == {"detail": f"unknown doc_id {doc_id!r}", "message": f"unknown doc_id {doc_id!r}"}


# --- upload -------------------------------------------------------------------------------

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def plan_text(city: str, heating: int) -> str:
    """A small plan in the shape of the real ones, written by the test."""
    return "\n".join([
        f"{city}“十四五”节能减排综合工作方案",
        f"为深入贯彻落实国家和省关于节能减排的决策部署，推进{city}经济社会发展全面绿色转型，结合实际，制定本方案。",
        "一、总体要求",
        "坚持节约优先、效率优先，统筹推进节能减排与经济社会发展。",
        "二、主要目标",
        "到2025年，全市单位地区生产总值能耗比2020年下降13.5%，能源消费总量得到合理控制。",
        "三、重点任务",
        f"（一）推进城镇绿色节能改造。到2025年，城镇新建建筑全面执行绿色建筑标准，城镇清洁取暖率达到{heating}%以上。",
        "（二）推进交通物流节能减排。到2025年，新能源公交车占比达到65%。",
        "四、保障措施",
        "（一）加强组织领导。市发展改革委牵头，各有关部门按职责分工负责。",
    ]) + "\n"


class CountingEmbedder:
    """The real embedder, recording every passage it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.id = inner.id
        self.passages: list[str] = []

    def __getattr__(self, name: str):  # dim, batch size, ...: as the real one
        return getattr(self.inner, name)

    def embed_queries(self, texts: Sequence[str]):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]):
        self.passages.extend(texts)
        return self.inner.embed_passages(texts)


def upload(client: TestClient, data: bytes, city: str, name: str = "plan.txt", headers=AUTH, **fields):
    return client.post("/api/v1/documents", headers=headers,
                       files={"file": (name, data, "text/plain")}, data={"city": city, **fields})


@pytest.fixture(scope="module")
def guarded(search_index) -> TestClient:
    """Uploads enabled over the shared index; used only for requests that are refused."""
    return TestClient(create_app(make_settings(admin_token=ADMIN_TOKEN, max_upload_bytes=2048),
                                 index=search_index))


def test_upload_is_disabled_without_a_configured_token(client):
    resp = upload(client, plan_text("云溪市", 88).encode("gbk"), "云溪市")
    assert resp.status_code == 403
    assert "POLICYQA_ADMIN_TOKEN" in resp.json()["message"]


def test_upload_needs_the_right_bearer_token(guarded):
    data = plan_text("云溪市", 88).encode("gbk")
    missing = upload(guarded, data, "云溪市", headers={})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = upload(guarded, data, "云溪市", headers={"Authorization": "Bearer " + "x" * len(ADMIN_TOKEN)})
    assert wrong.status_code == 403 and wrong.json()["message"] == "invalid token"
    basic = upload(guarded, data, "云溪市", headers={"Authorization": f"Basic {ADMIN_TOKEN}"})
    assert basic.status_code == 401


def test_oversized_upload_is_413(guarded):
    resp = upload(guarded, b"x" * 4096, "云溪市")
    assert resp.status_code == 413
    assert "2048 bytes" in resp.json()["message"]
    huge = upload(guarded, b"x" * (200 * 1024), "云溪市")  # past the request limit itself
    assert huge.status_code == 413


@pytest.mark.parametrize("name, data, fields, field", [
    ("plan.exe", "方案".encode(), {}, "file"),
    ("plan", "方案".encode(), {}, "file"),
    ("plan.txt", b"\x00\x01\x02\x03" * 100, {}, "file"),
    ("plan.txt", b"   ", {}, "file"),
    ("plan.pdf", b"%PDF-1.4 not really", {}, "file"),
    ("plan.txt", "方案".encode(), {"date": "2022-13-45"}, "date"),
])
def test_refused_files_and_fields_are_422(guarded, search_index, name, data, fields, field):
    before = len(search_index.documents)
    resp = upload(guarded, data, "云溪市", name=name, **fields)
    assert resp.status_code == 422, resp.text
    assert resp.json()["message"].startswith(f"{field}:")
    assert len(search_index.documents) == before


def test_missing_city_the_document_does_not_state_is_422(guarded):
    """No city given and none read from the text: refused, saying how to give it."""
    resp = guarded.post("/api/v1/documents", headers=AUTH, files={"file": ("p.txt", "方案".encode(), "text/plain")})
    assert resp.status_code == 422
    assert "cannot tell which place" in resp.json()["message"] and "give its city" in resp.json()["message"]


def test_gbk_upload_becomes_searchable_and_embeds_only_its_chunks(fresh_data_dir, search_index):
    embedder = CountingEmbedder(search_index.embedder)
    index = SearchIndex.open(fresh_data_dir, embedder=embedder, build=True)
    embedder.passages.clear()  # whatever opening needed; from here on, only the upload counts
    windows_before = index.manifest.windows
    app = create_app(make_settings(admin_token=ADMIN_TOKEN), index=index)
    with TestClient(app) as client:
        served = app.state.api.current()
        data = plan_text("云溪市", 88).encode("gbk")
        resp = upload(client, data, "云溪市", name="云溪市方案.txt", province="某某省", date="2022-06-30")
        assert resp.status_code == 202, resp.text
        report = resp.json()
        assert report["duplicate"] is False and report["chunks"] > 5 and report["status"] == "queued"
        assert resp.headers["location"] == report["job_url"] == f"/api/v1/jobs/{report['job_id']}"
        job = wait_for_job(client, report["job_id"])
        assert job["status"] == "done" and job["doc_id"] == report["doc_id"], job
        # Copy-on-write: the snapshot served before the upload was never modified.
        assert app.state.api.current() is not served
        assert len(served.index.chunks) == len(search_index.chunks) and "云溪市" not in served.cities

        live = app.state.api.current().index
        new_chunks = live.document_chunks(report["doc_id"])
        new_windows = {w for c in new_chunks for w in chunk_windows(c)}
        assert set(embedder.passages) == new_windows  # nothing of the five built-in plans
        assert job["embedded"] == job["to_embed"] == len(embedder.passages) == live.manifest.windows - windows_before

        hit = client.post("/api/v1/search", json={"query": "云溪 2025年城镇清洁取暖率"}).json()["results"][0]
        assert "城镇清洁取暖率达到88%以上" in hit["text"] and hit["city"] == "云溪市"
        assert hit["citation"].startswith("《云溪市“十四五”节能减排综合工作方案》")
        doc = client.get(f"/api/v1/documents/{report['doc_id']}").json()
        assert doc["province"] == "某某省" and doc["date"] == "2022-06-30" and len(doc["paragraphs"]) == report["chunks"]
        assert client.get("/readyz").json()["chunks"] == len(search_index.chunks) + report["chunks"]

        embedder.passages.clear()
        again = upload(client, data, "云溪市", name="copy.txt")
        assert again.status_code == 200
        assert again.json() == {**report, "duplicate": True, "status": "indexed", "job_id": None, "job_url": None}
        assert embedder.passages == []


def test_concurrent_uploads_both_land(fresh_data_dir, search_index):
    index = SearchIndex.open(fresh_data_dir, embedder=search_index.embedder, build=True)
    app = create_app(make_settings(admin_token=ADMIN_TOKEN), index=index)
    results: dict[str, int] = {}
    with TestClient(app) as client:
        def send(city: str, heating: int) -> None:
            resp = upload(client, plan_text(city, heating).encode("gbk"), city)
            results[city] = resp.status_code
            if resp.status_code == 202:
                results[city] = wait_for_job(client, resp.json()["job_id"])["status"]

        threads = [threading.Thread(target=send, args=(city, h)) for city, h in (("甲川市", 81), ("乙川市", 82))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == {"甲川市": "done", "乙川市": "done"}
        cities = {d["city"] for d in client.get("/api/v1/documents").json()["documents"]}
        assert {"甲川市", "乙川市"} <= cities
        for city, heating in (("甲川市", 81), ("乙川市", 82)):
            top = client.post("/api/v1/search", json={"query": "城镇清洁取暖率", "cities": [city]}).json()
            assert f"城镇清洁取暖率达到{heating}%以上" in top["results"][0]["text"]
