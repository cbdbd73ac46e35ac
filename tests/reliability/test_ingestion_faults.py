"""Faulty files through the upload endpoint (admin token) and `corpus.ingest`.

Each file is ingested correctly or refused with a reason; a refused one leaves the persisted
index (CURRENT pointer, every file of its version, the documents manifest) and the served
snapshot exactly as they were.

Rows already covered elsewhere (see docs/RELIABILITY.md):
- two different uploads at once both land: tests/assistant/api/routes/test_documents.py::
  test_concurrent_uploads_both_land and tests/corpus/test_ingest.py::test_concurrent_ingests_both_land
- wrong/missing token: tests/assistant/api/routes/test_documents.py::test_upload_needs_the_right_bearer_token
- bad containers (.docx/.pdf that are not), NUL bytes, random bytes: tests/corpus/test_readers.py
"""
from __future__ import annotations

import codecs
import io
import random
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from policyqa.app import create_app
from corpus.catalog import PLANS_DIR, load_corpus
from corpus.errors import IngestError
from corpus.ingest import ingest_bytes
from index.engine import SearchIndex
from index.store import EMBEDDINGS_DIR

from .helpers import (
    ADMIN_TOKEN, index_fingerprint, make_settings, plan_text, stored_documents, upload, upload_indexed, wait_for_job,
)

pytestmark = pytest.mark.slow

UPLOAD_LIMIT = 64 * 1024


@dataclass
class Server:
    app: FastAPI
    client: TestClient
    data_dir: Path

    def snapshot(self):
        return self.app.state.api.current()


@pytest.fixture(scope="module")
def server(search_index, tmp_path_factory) -> Iterator[Server]:
    """An app with uploads enabled over a private copy of the index (the shared one stays
    read-only); the embedding cache is copied, so only uploaded text is embedded."""
    data_dir = tmp_path_factory.mktemp("ingest") / "data"
    data_dir.mkdir()
    shutil.copytree(search_index.data_dir / EMBEDDINGS_DIR, data_dir / EMBEDDINGS_DIR)
    index = SearchIndex.open(data_dir, embedder=search_index.embedder, build=True)
    app = create_app(make_settings(admin_token=ADMIN_TOKEN, max_upload_bytes=UPLOAD_LIMIT), index=index)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(app, client, data_dir)


def _no_text_pdf() -> bytes:
    """A valid PDF whose only page has no text layer (what a scan without OCR looks like)."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def _garbage(n: int = 6000) -> bytes:
    rng = random.Random(11)
    return bytes(rng.randrange(1, 256) for _ in range(n))


REFUSED = [
    # (id, file name, bytes, extra form fields, status, message fragment)
    ("empty-file", "plan.txt", b"", {}, 422, "file: file is empty"),
    ("whitespace-file", "plan.txt", b" \r\n\t\n", {}, 422, "file: file is empty"),
    ("binary-garbage", "plan.txt", _garbage(), {}, 422, "file:"),
    ("png-as-txt", "plan.txt", b"\x89PNG\r\n\x1a\n" + _garbage(2000), {}, 422, "file: file is not readable text"),
    ("zip-as-docx", "plan.docx", b"PK\x03\x04" + _garbage(2000), {}, 422, "file: not a valid .docx file"),
    ("pdf-no-text-layer", "scan.pdf", None, {}, 422, "file: PDF has no text layer"),
    ("pdf-broken", "plan.pdf", b"%PDF-1.7\n" + _garbage(3000), {}, 422, "file:"),
    ("exe", "plan.exe", plan_text("甲市", 70).encode(), {}, 422, "unsupported file type '.exe'"),
    ("no-suffix", "plan", plan_text("甲市", 70).encode(), {}, 422, "unsupported file type '(none)'"),
    ("city-unit", "plan.txt", plan_text("甲市", 75).encode(), {"city": "年"}, 422, "city: '年' is not a place name"),
    ("city-nul", "plan.txt", plan_text("甲市", 75).encode(), {"city": "\x00"}, 422, "city: must contain only letters"),
    ("city-zero-width", "plan.txt", plan_text("甲市", 75).encode(), {"city": "铁\u200b岭"}, 422,
     "city: must contain only letters; found U+200B"),
    ("bad-date", "plan.txt", plan_text("甲市", 71).encode(), {"date": "2022-02-30"}, 422, "date:"),
    # no city given (blank) and none the text states (甲市 is no place): refused, saying what to give
    ("blank-city", "plan.txt", plan_text("甲市", 72).encode(), {"city": "   "}, 422, "give its city"),
    ("over-size-limit", "plan.txt", (plan_text("甲市", 73).encode() * 200)[:UPLOAD_LIMIT + 1000], {}, 413,
     f"file too large: limit is {UPLOAD_LIMIT} bytes"),
    ("over-request-limit", "plan.txt", b"x" * (UPLOAD_LIMIT + 200 * 1024), {}, 413, "too large"),
    ("wrong-token", "plan.txt", plan_text("甲市", 74).encode(), {"headers": {"Authorization": "Bearer " + "y" * 34}},
     403, "invalid token"),
]


@pytest.mark.parametrize("name, data, fields, status, fragment", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_upload_leaves_the_index_untouched(server, name, data, fields, status, fragment):
    data = _no_text_pdf() if data is None else data
    fields = dict(fields)
    headers = fields.pop("headers", None)
    city = fields.pop("city", "甲市")
    before, served, files = index_fingerprint(server.data_dir), server.snapshot(), stored_documents(server.data_dir)
    resp = upload(server.client, data, city, name=name, headers=headers, **fields)
    assert resp.status_code == status, resp.text[:300]
    assert fragment in resp.json()["message"]
    assert "Traceback" not in resp.text
    assert index_fingerprint(server.data_dir) == before  # pointer, version files, documents manifest
    assert stored_documents(server.data_dir) == files
    assert server.snapshot() is served  # nothing was published


# --- accepted encodings and shapes ---------------------------------------------------------------

RARE = "䶮"  # CJK Extension A: in GB18030, not in GBK
ACCEPTED = [
    ("gbk", "乙川市", 81, lambda text: text.encode("gbk")),
    ("gb18030", "丙川市", 82, lambda text: (text + f"（{RARE}字不在GBK中）\n").encode("gb18030")),
    ("utf8-bom", "丁川市", 83, lambda text: codecs.BOM_UTF8 + text.encode("utf-8")),
]


@pytest.mark.parametrize("city, heating, encode", [r[1:] for r in ACCEPTED], ids=[r[0] for r in ACCEPTED])
def test_encodings_are_ingested_and_searchable(server, city, heating, encode):
    text = plan_text(city, heating)
    with pytest.raises(UnicodeEncodeError):
        (text + RARE).encode("gbk")
    resp, job = upload_indexed(server.client, encode(text), city, name="方案.txt")
    assert resp.status_code == 202 and job["status"] == "done", (resp.text, job)
    doc = server.client.get(f"/api/v1/documents/{resp.json()['doc_id']}").json()
    assert doc["title"] == f"{city}“十四五”节能减排综合工作方案"  # no BOM, no mojibake
    assert all("\ufeff" not in p["text"] and "\ufffd" not in p["text"] for p in doc["paragraphs"])
    hit = server.client.post("/api/v1/search", json={"query": "城镇清洁取暖率", "cities": [city], "top_k": 1})
    assert f"城镇清洁取暖率达到{heating}%以上" in hit.json()["results"][0]["text"]


def test_gb18030_keeps_characters_outside_gbk(server):
    docs = server.client.get("/api/v1/documents").json()["documents"]
    doc_id = next(d["doc_id"] for d in docs if d["city"] == "丙川市")
    paragraphs = server.client.get(f"/api/v1/documents/{doc_id}").json()["paragraphs"]
    assert any(RARE in p["text"] for p in paragraphs)


def test_file_without_headings_is_ingested_as_one_section(server):
    resp, job = upload_indexed(server.client, plan_text("戊川市", 84, headings=False).encode(), "戊川市",
                               title="戊川市节能方案")
    assert resp.status_code == 202 and job["status"] == "done", resp.text
    doc = server.client.get(f"/api/v1/documents/{resp.json()['doc_id']}").json()
    assert doc["title"] == "戊川市节能方案" and len(doc["paragraphs"]) == resp.json()["chunks"] >= 4
    assert {p["section_path"] for p in doc["paragraphs"]} == {""}


def test_duplicate_upload_changes_nothing(server):
    data = plan_text("己川市", 85).encode()
    first, job = upload_indexed(server.client, data, "己川市")
    assert first.status_code == 202 and job["status"] == "done"
    before, served = index_fingerprint(server.data_dir), server.snapshot()
    again = upload(server.client, data, "别的市", name="renamed.txt")
    assert again.status_code == 200 and again.json() == {
        **first.json(), "duplicate": True, "status": "indexed", "job_id": None, "job_url": None}
    builtin = upload(server.client, (PLANS_DIR / "tieling.txt").read_bytes(), "铁岭市")
    assert builtin.status_code == 200 and builtin.json()["doc_id"] == "tieling" and builtin.json()["duplicate"]
    assert index_fingerprint(server.data_dir) == before and server.snapshot() is served


def test_same_file_twice_at_once_lands_once(server):
    data = plan_text("庚川市", 86).encode()
    answers: list = []
    threads = [threading.Thread(target=lambda: answers.append(upload(server.client, data, "庚川市")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Serialised: the second sees the first's stored plan: the same job (202), or a duplicate
    # (200) if that job had already finished.
    jobs = {a.json()["job_id"] for a in answers if a.status_code == 202}
    assert sorted(a.status_code for a in answers) in ([200, 202], [202, 202]) and len(jobs) == 1
    assert wait_for_job(server.client, jobs.pop())["status"] == "done"
    docs = [d for d in server.client.get("/api/v1/documents").json()["documents"] if d["city"] == "庚川市"]
    assert len(docs) == 1


@pytest.mark.parametrize("name, city, heating", [
    ("../../../../evil.txt", "辛川市", 61), ("..\\..\\..\\evil.txt", "壬山市", 62), ("/etc/cron.d/evil.txt", "癸山市", 63),
])
def test_uploaded_file_names_never_become_paths(server, name, city, heating):
    resp = upload(server.client, plan_text(city, heating).encode(), city, name=name)
    assert resp.status_code == 202, resp.text
    assert f"{resp.json()['doc_id']}.txt" in stored_documents(server.data_dir)
    assert not list(server.data_dir.parent.rglob("evil*")) and not Path("/etc/cron.d/evil.txt").exists()


@pytest.mark.parametrize("name, status, fragment", [
    ("a" * 5000 + ".txt", 400, "Invalid multipart data"),  # a multipart header past the parser's limit
    ("名\x00字.txt", 422, "file: file is empty"),
    ("<script>alert(1)</script>.txt", 422, "file: file is empty"),
    (".txt", 422, "unsupported file type"),  # a dot file has no suffix
])
def test_odd_file_names_are_client_errors(server, name, status, fragment):
    resp = upload(server.client, b"", "甲市", name=name)  # empty: refused once the name is read
    assert resp.status_code == status and fragment in resp.json()["message"]


# --- corpus.ingest: the rows the corpus tests do not cover ------------------------------------


def test_ingest_bytes_encodings_and_no_headings(tmp_path):
    text = plan_text("壬川市", 87)
    bom = ingest_bytes(codecs.BOM_UTF8 + text.encode(), "a.txt", tmp_path, city="壬川市")
    assert bom.document.meta.title == "壬川市“十四五”节能减排综合工作方案"
    rare = ingest_bytes((plan_text("癸川市", 88) + RARE + "\n").encode("gb18030"), "b.txt", tmp_path, city="癸川市")
    assert RARE in rare.document.chunks[-1].text
    flat = ingest_bytes(plan_text("子川市", 89, headings=False).encode("gbk"), "c.txt", tmp_path, city="子川市")
    assert flat.document.chunks and {c.section_path for c in flat.document.chunks} == {""}
    assert [d.meta.city for d in load_corpus(tmp_path)][-3:] == ["壬川市", "癸川市", "子川市"]


def test_ingest_refusals_leave_the_manifest_alone(tmp_path):
    ingest_bytes(plan_text("丑川市", 90).encode(), "a.txt", tmp_path, city="丑川市")
    manifest = (tmp_path / "documents" / "manifest.json").read_bytes()
    for data, name in [(b"", "e.txt"), (_garbage(), "g.txt"), (_no_text_pdf(), "s.pdf"),
                       (plan_text("丑川市", 91).encode() * 5000, "big.txt")]:
        with pytest.raises(IngestError):
            ingest_bytes(data, name, tmp_path, city="丑川市", max_bytes=1024 * 1024)
    assert (tmp_path / "documents" / "manifest.json").read_bytes() == manifest
    assert len(stored_documents(tmp_path)) == 1
