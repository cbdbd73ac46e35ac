from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app
from index.clause_vectors import chunk_clauses
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


def test_the_listing_filters_searches_titles_and_counts_as_the_library_tab(levels_client, levels_index):
    """GET /documents and the chat page's 文件库 tab list the same documents, in the same order,
    with the same counts (assistant.library)."""
    import re

    from assistant.library import counts, select
    from index.types import Filters
    from ui.library import library_html

    docs = levels_index.documents
    everything = levels_client.get("/api/v1/documents").json()
    assert [d["doc_id"] for d in everything["documents"]] == [d.doc_id for d in select(docs)]
    assert everything["total"] == len(docs) == 10
    assert everything["counts"] == {field: [{"value": c.value, "count": c.count} for c in found]
                                    for field, found in counts(docs).items()}
    assert everything["counts"]["level"] == [{"value": v, "count": n} for v, n in (("国家", 2), ("省", 2), ("市", 4), ("县", 2))]
    body = levels_client.get("/api/v1/documents", params={"province": "河南", "q": "方案"}).json()
    listed = [d["doc_id"] for d in body["documents"]]
    assert listed == [d.doc_id for d in select(docs, Filters(province="河南"), "方案")] and len(listed) == 3
    assert listed == re.findall(r'<tr data-doc="([^"]+)"', library_html(docs, province="河南省", title="方案"))
    assert body["total"] == 10 and body["counts"]["level"] == [{"value": "省", "count": 1}, {"value": "市", "count": 2}]
    assert {d["level"] for d in body["documents"]} == {"省", "市"} and all(d["chunks"] > 0 for d in body["documents"])
    national = levels_client.get("/api/v1/documents", params={"level": "国家", "year": 2022}).json()["documents"]
    assert [(d["city"], d["doc_type"], d["date"]) for d in national] == [("全国", "通知", "2022-04-09")]


@pytest.mark.parametrize("params, field", [({"province": "火星"}, "province"), ({"level": "州"}, "level"),
                                           ({"year": 1800}, "year"), ({"doc_type": "小说"}, "doc_type"),
                                           ({"q": "x" * 101}, "q")])
def test_a_bad_listing_filter_is_422_naming_it(levels_client, params, field):
    resp = levels_client.get("/api/v1/documents", params=params)
    assert resp.status_code == 422
    assert resp.json()["message"].startswith(field)


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
        new_clauses = {t for c in new_chunks for t in chunk_clauses(c)} - new_windows  # embedded at build too
        assert set(embedder.passages) == new_windows | new_clauses  # nothing of the five built-in plans
        assert len(new_windows) == live.manifest.windows - windows_before
        assert job["embedded"] == job["to_embed"] == len(embedder.passages) == len(new_windows) + len(new_clauses)

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


# --- several files in one request -----------------------------------------------------------------

def upload_many(client: TestClient, files: list[tuple[str, bytes]], headers=AUTH, **fields):
    return client.post("/api/v1/documents", headers=headers, data=fields,
                       files=[("file", (name, data, "application/octet-stream")) for name, data in files])


LIMIT = 64 * 1024


def test_several_files_in_one_request_each_with_its_result(fresh_data_dir, search_index):
    from corpus.catalog import PLANS_DIR

    index = SearchIndex.open(fresh_data_dir, embedder=search_index.embedder, build=True)
    app = create_app(make_settings(admin_token=ADMIN_TOKEN, max_upload_bytes=LIMIT), index=index)
    sent = [
        ("鄂州市方案.txt", plan_text("鄂州市", 81).encode("gbk")),  # the place is read from the title
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
        ("tieling.txt", (PLANS_DIR / "tieling.txt").read_bytes()),  # a built-in plan: a duplicate
        ("big.txt", b"x" * (LIMIT + 1)),
        ("黄石市方案.txt", plan_text("黄石市", 82).encode("utf-8")),
        ("empty.txt", b""),
    ]
    with TestClient(app) as client:
        resp = upload_many(client, sent)
        assert resp.status_code == 202, resp.text
        body = resp.json()
        assert [(f["filename"], f["status"]) for f in body["files"]] == [
            ("鄂州市方案.txt", "added"), ("old.doc", "refused"), ("tieling.txt", "duplicate"),
            ("big.txt", "refused"), ("黄石市方案.txt", "added"), ("empty.txt", "refused")]
        assert (body["added"], body["duplicate"], body["refused"]) == (2, 1, 3)
        reasons = [f["reason"] for f in body["files"]]
        assert reasons[1] == ".doc files cannot be read: save it as .docx or .pdf and add that"
        assert reasons[3] == f"file too large: limit is {LIMIT} bytes (POLICYQA_MAX_UPLOAD_BYTES)"
        assert reasons[5] == "file is empty" and reasons[0] == reasons[2] == reasons[4] == ""
        assert body["files"][2]["doc_id"] == "tieling" and body["files"][2]["job_id"] is None
        for entry, city, heating in ((body["files"][0], "鄂州市", 81), (body["files"][4], "黄石市", 82)):
            assert entry["chunks"] > 5 and entry["job_url"] == f"/api/v1/jobs/{entry['job_id']}"
            assert wait_for_job(client, entry["job_id"])["status"] == "done"
            top = client.post("/api/v1/search", json={"query": "城镇清洁取暖率", "cities": [city]}).json()
            assert f"城镇清洁取暖率达到{heating}%以上" in top["results"][0]["text"]
        docs = client.get("/api/v1/documents").json()["documents"]
        assert sum(d["city"] in ("鄂州市", "黄石市") for d in docs) == 2 and len(docs) == 7

        # the same files again: the two plans are duplicates now, nothing is added: 200
        again = upload_many(client, [sent[0], sent[4]])
        assert again.status_code == 200, again.text
        assert [f["status"] for f in again.json()["files"]] == ["duplicate", "duplicate"]
        assert [f["doc_id"] for f in again.json()["files"]] == [body["files"][0]["doc_id"], body["files"][4]["doc_id"]]


def test_several_files_all_refused_is_422_naming_each(guarded):
    resp = upload_many(guarded, [("a.exe", b"MZ"), ("b.txt", b"")])
    assert resp.status_code == 422
    body = resp.json()
    assert [issue["loc"] for issue in body["detail"]] == [["body", "file", 0], ["body", "file", 1]]
    assert body["detail"][0]["msg"].startswith("a.exe: unsupported file type '.exe'")
    assert body["detail"][1]["msg"] == "b.txt: file is empty"


def test_metadata_with_several_files_and_too_many_files_are_422(guarded, search_index):
    before = len(search_index.documents)
    two = [("a.txt", plan_text("鄂州市", 81).encode()), ("b.txt", plan_text("黄石市", 82).encode())]
    resp = upload_many(guarded, two, city="鄂州市")
    assert resp.status_code == 422 and resp.json()["message"].startswith("city: describes one file")
    many = upload_many(guarded, [(f"{i}.txt", b"x") for i in range(21)])
    assert many.status_code == 422 and "at most 20 files per request" in many.json()["message"]
    assert len(search_index.documents) == before


class GatedEmbedder(CountingEmbedder):
    """The real embedder, whose passage embedding waits until the test opens the gate."""

    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def embed_passages(self, texts: Sequence[str]):
        self.waiting.set()
        assert self.gate.wait(JOB_WAIT_S), "the test never opened the gate"
        return super().embed_passages(texts)


JOB_WAIT_S = 300


def test_an_uploaded_plan_is_searchable_by_keywords_before_it_is_embedded(fresh_data_dir, search_index):
    embedder = GatedEmbedder(search_index.embedder)
    embedder.gate.set()
    index = SearchIndex.open(fresh_data_dir, embedder=embedder, build=True)
    embedder.gate.clear()
    app = create_app(make_settings(admin_token=ADMIN_TOKEN), index=index)
    with TestClient(app) as client:
        resp = upload(client, plan_text("鄂州市", 83).encode("utf-8"), "")
        assert resp.status_code == 202, resp.text
        doc_id, job_id = resp.json()["doc_id"], resp.json()["job_id"]
        assert embedder.waiting.wait(JOB_WAIT_S)  # the job's build is embedding the new windows
        deadline = time.monotonic() + JOB_WAIT_S
        while doc_id not in {m.doc_id for m in app.state.api.current().index.documents}:
            assert time.monotonic() < deadline, "the keyword-search index was not served"
            time.sleep(0.05)
        served = app.state.api.current().index
        assert served.manifest.pending > 0 and embedder.passages == []  # nothing of it embedded yet
        for mode in ("bm25", "hybrid"):
            hits = client.post("/api/v1/search", json={"query": "鄂州 城镇清洁取暖率", "mode": mode}).json()["results"]
            assert hits and hits[0]["doc_id"] == doc_id and "83%以上" in hits[0]["text"], mode
        dense = client.post("/api/v1/search", json={"query": "鄂州 城镇清洁取暖率", "mode": "dense"}).json()
        assert doc_id not in {h["doc_id"] for h in dense["results"]}  # not embedded: not in faiss
        assert wait_for_job(client, job_id, timeout=0.5)["status"] == "running"

        embedder.gate.set()
        assert wait_for_job(client, job_id)["status"] == "done"
        assert app.state.api.current().index.manifest.pending == 0
        dense = client.post("/api/v1/search", json={"query": "鄂州 城镇清洁取暖率", "mode": "dense"}).json()
        assert dense["results"][0]["doc_id"] == doc_id


def test_several_files_in_one_request_on_the_milvus_backend(fresh_data_dir, search_index):
    """POLICYQA_BACKEND=milvus (milvus-lite in the data dir; the real server's replicas are
    tests/index/test_milvus_server.py): each file of one request lands in the shared store once."""
    app = create_app(make_settings(admin_token=ADMIN_TOKEN, backend="milvus", data_dir=str(fresh_data_dir)))
    with TestClient(app) as client:
        deadline = time.monotonic() + JOB_WAIT_S
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, client.get("/readyz").text
            time.sleep(0.2)
        two = [("鄂州市方案.txt", plan_text("鄂州市", 84).encode("utf-8")),
               ("黄石市方案.txt", plan_text("黄石市", 85).encode("gbk")), ("x.wps", b"\xd0\xcf")]
        resp = upload_many(client, two)
        assert resp.status_code == 202, resp.text
        files = resp.json()["files"]
        assert [f["status"] for f in files] == ["added", "added", "refused"]
        for entry in files[:2]:
            assert wait_for_job(client, entry["job_id"])["status"] == "done"
        deadline = time.monotonic() + JOB_WAIT_S
        for city, heating in (("鄂州市", 84), ("黄石市", 85)):
            while True:
                # the other replica's store may still be catching up: any answer but 200 is "not yet"
                resp = client.post("/api/v1/search", json={"query": "城镇清洁取暖率", "cities": [city]})
                hits = resp.json().get("results", []) if resp.status_code == 200 else []
                if hits and f"{heating}%以上" in hits[0]["text"]:
                    break
                assert time.monotonic() < deadline, (city, resp.status_code, resp.text[:300])
                time.sleep(0.2)
        again = upload_many(client, two[:2])
        assert again.status_code == 200 and [f["status"] for f in again.json()["files"]] == ["duplicate", "duplicate"]
        docs = client.get("/api/v1/documents").json()["documents"]
        assert sorted(d["city"] for d in docs if d["city"] in ("鄂州市", "黄石市")) == ["鄂州市", "黄石市"]
