"""Uploads that are small files but would become huge: a .docx zip bomb, a plan of thousands
of paragraphs, a single 10 MB line. Limits apply to what the file becomes; each refusal is a
422 that names the limit, within a bounded time, and changes nothing."""
from __future__ import annotations

import io
import json
import shutil
import time
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app
from corpus.chunker import MAX_PARAGRAPH_CHARS
from corpus.ingest import MAX_PARAGRAPHS, ingest_bytes
from index.engine import SearchIndex
from index.store import EMBEDDINGS_DIR

from .helpers import ADMIN_TOKEN, index_fingerprint, make_settings, upload, upload_indexed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(search_index, tmp_path_factory) -> Iterator[tuple[TestClient, object]]:
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    data_dir.mkdir()
    shutil.copytree(search_index.data_dir / EMBEDDINGS_DIR, data_dir / EMBEDDINGS_DIR)
    index = SearchIndex.open(data_dir, embedder=search_index.embedder, build=True)
    app = create_app(make_settings(admin_token=ADMIN_TOKEN), index=index)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client, data_dir


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bomb(unpacked_mb: int) -> bytes:
    """A valid .docx with one more part of `unpacked_mb` MB of spaces (it compresses ~1000:1)."""
    source = zipfile.ZipFile(io.BytesIO(_docx(["某某市节能减排方案", "到2025年，能耗下降13.5%。"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        bomb.writestr("word/padding.xml", b" " * (unpacked_mb * 1024 * 1024))
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked(client):
    http, data_dir = client
    bomb = _bomb(200)  # 200 MB of XML, as in the probe
    assert len(bomb) < 1024 * 1024
    before = index_fingerprint(data_dir)
    started = time.perf_counter()
    resp = upload(http, bomb, "某某市", name="bomb.docx")
    seconds = time.perf_counter() - started
    assert resp.status_code == 422, resp.text
    message = resp.json()["message"]
    assert message.startswith("file: .docx unpacks to 20") and message.endswith("MB, more than the 32 MB limit")
    assert index_fingerprint(data_dir) == before
    print(f"zip bomb ({len(bomb) / 1024:.0f} KB -> 200 MB) refused in {seconds:.2f} s")


def test_a_plan_of_too_many_paragraphs_is_refused(client, tmp_path):
    http, data_dir = client
    many = [f"第{i}条：推进节能改造项目，年节约标准煤{i}吨。" for i in range(MAX_PARAGRAPHS + 1)]
    small_docx = _docx(many)
    assert len(small_docx) < 200 * 1024
    before = index_fingerprint(data_dir)
    for name, data in (("many.docx", small_docx), ("many.txt", "\n".join(many).encode())):
        resp = upload(http, data, "某某市", name=name)
        assert resp.status_code == 422, resp.text
        assert resp.json()["message"] == (f"file: file has {MAX_PARAGRAPHS + 1} paragraphs, more than the limit "
                                          f"of {MAX_PARAGRAPHS} per plan")
    assert index_fingerprint(data_dir) == before


def test_a_10_mb_single_line_becomes_bounded_chunks(tmp_path):
    line = ("到2025年，城镇清洁取暖率达到70%以上，推进城镇绿色节能改造" * 200_000)[: 4_000_000]  # ~10 MB UTF-8
    data = ("某某市节能方案\n" + line + "\n").encode()
    assert 9.5e6 < len(data) <= 10 * 1024 * 1024
    result = ingest_bytes(data, "line.txt", tmp_path, city="某某市")
    sizes = [len(c.text) for c in result.document.chunks]
    assert max(sizes) <= MAX_PARAGRAPH_CHARS and sum(sizes) >= 3_300_000
    raw = data.decode()
    assert all(raw[c.start:c.end] == c.text for c in result.document.chunks)  # offsets still point at the text


def test_search_responses_are_bounded_by_the_chunk_size(client):
    http, _ = client
    line = "".join(f"第{i}段落：到2025年，辰溪市城镇清洁取暖率达到{i % 90}%以上，推进绿色节能改造。" for i in range(300))
    resp, job = upload_indexed(http, ("辰溪市节能方案\n" + line + "\n").encode(), "辰溪市", name="line.txt")
    assert resp.status_code == 202 and job["status"] == "done", (resp.text, job)
    assert resp.json()["chunks"] >= len(line) // MAX_PARAGRAPH_CHARS
    found = http.post("/api/v1/search", json={"query": "辰溪 城镇清洁取暖率", "top_k": 50})
    assert found.status_code == 200
    results = found.json()["results"]
    assert results and all(len(r["text"]) <= MAX_PARAGRAPH_CHARS for r in results)
    # 50 results of at most 2,000 characters (+ the highlight, a sentence of the text): bounded.
    assert len(found.content) <= 50 * (2 * MAX_PARAGRAPH_CHARS * 3 + 2048)
    assert len(json.dumps(results[0], ensure_ascii=False).encode()) <= 2 * MAX_PARAGRAPH_CHARS * 3 + 2048
