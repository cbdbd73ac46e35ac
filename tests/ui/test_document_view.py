from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from corpus.model import Chunk, DocumentMeta
from ui.document_view import document_router


@dataclass
class _Source:
    documents: tuple[DocumentMeta, ...]
    chunks: tuple[Chunk, ...]

    def document_chunks(self, doc_id: str) -> tuple[Chunk, ...]:
        return tuple(c for c in self.chunks if c.doc_id == doc_id)


@pytest.fixture
def client(meta, hostile_chunk, make_chunk) -> TestClient:
    chunks = (make_chunk(11, "三、主要任务", kind="heading"), hostile_chunk, make_chunk(13, "下一段"))
    app = FastAPI()
    app.include_router(document_router(lambda: _Source((meta,), chunks)))
    return TestClient(app)


def test_document_page_has_anchors_and_escaped_text(client):
    resp = client.get("/ui-docs/tieling-2022-jnjp")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    page = resp.text
    for n in (11, 12, 13):
        assert f'id="p-{n}"' in page
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "《铁岭市“十四五”节能减排综合工作方案》" in page
    assert ":target" in page  # the anchored paragraph is highlighted by CSS
    assert page.index('id="p-11"') < page.index('id="p-12"') < page.index('id="p-13"')


@pytest.mark.parametrize("doc_id", ["nope", "..", "%2E%2E%2Fetc%2Fpasswd", "a" * 300, "x;drop"])
def test_unknown_or_malformed_ids_are_404(client, doc_id):
    resp = client.get(f"/ui-docs/{doc_id}")
    assert resp.status_code == 404  # ".." is normalised away by the client: a plain 404


def test_unknown_id_page_is_in_chinese(client):
    resp = client.get("/ui-docs/shanghai-2022")
    assert resp.status_code == 404 and "未找到该政策文件" in resp.text


def test_index_not_ready_is_503_not_500():
    def not_ready():
        raise RuntimeError("index is loading")

    app = FastAPI()
    app.include_router(document_router(not_ready))
    resp = TestClient(app).get("/ui-docs/tieling-2022-jnjp")
    assert resp.status_code == 503 and "正在加载" in resp.text


def test_a_clause_is_marked_in_its_paragraph_and_escaped(client, hostile_chunk):
    from urllib.parse import quote

    clause = "清洁取暖率达到70%。<script>alert(1)</script>"
    resp = client.get(f"/ui-docs/tieling-2022-jnjp?p=12&clause={quote(clause)}")
    assert resp.status_code == 200
    page = resp.text
    assert page.count('<mark class="clause"') == 1
    marked = page.split('<mark class="clause" id="clause">', 1)[1].split("</mark>", 1)[0]
    assert marked == "清洁取暖率达到70%。&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script" not in page
    # Not in that paragraph, or a paragraph that does not exist: nothing marked, page intact.
    for query in ("p=13&clause=%E4%B8%8D%E5%AD%98%E5%9C%A8", "p=99&clause=70%25"):
        other = client.get(f"/ui-docs/tieling-2022-jnjp?{query}")
        assert other.status_code == 200 and '<mark class="clause"' not in other.text


def test_bad_clause_parameters_are_422(client):
    assert client.get("/ui-docs/tieling-2022-jnjp?p=x").status_code == 422
    assert client.get("/ui-docs/tieling-2022-jnjp?p=1&clause=" + "长" * 401).status_code == 422


def test_locate_spans_display_text_across_spaces_and_scripts():
    from ui.document_view import locate

    text = "到2025年，全市单位地区生产总值能耗比2020年下降 14.5%。"
    lo, hi = locate(text, "单位地区生产总值能耗比2020年下降14.5%")
    assert text[lo:hi] == "单位地区生产总值能耗比2020年下降 14.5%"
    traditional = "城鎮清潔取暖率達到７０％以上"
    lo, hi = locate(traditional, "城镇清洁取暖率达到70%")
    assert traditional[lo:hi] == "城鎮清潔取暖率達到７０％"
    assert locate(text, "不存在的条款") is None


def test_clause_url_points_at_the_paragraph(hostile_chunk):
    from urllib.parse import parse_qs, urlsplit

    from ui.document_view import clause_url

    url = urlsplit(clause_url(hostile_chunk, "达到70%"))
    assert url.path == "/ui-docs/tieling-2022-jnjp" and url.fragment == "p-12"
    assert parse_qs(url.query) == {"p": ["12"], "clause": ["达到70%"]}
