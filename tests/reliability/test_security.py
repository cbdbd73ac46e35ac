"""Security checks: the admin token (constant-time, never logged or echoed), CORS closed by
default, and uploaded markup shown as text on the chat page's document view.

Covered elsewhere (see docs/RELIABILITY.md): request size limits (tests/assistant/api/test_limits.py
and the 413 rows of test_bad_input.py), path traversal through ids (test_bad_input.py, document-*
and chunk-* rows) and uploaded file names (test_ingestion_faults.py), escaping of document text in
chat answers (tests/ui/test_render.py::test_document_text_is_escaped_and_markdown_left_as_text,
tests/ui/test_browser.py::test_markup_in_documents_is_shown_as_text).
"""
from __future__ import annotations

import hmac
from pathlib import Path
import inspect
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.api import deps
from policyqa.app import create_app
from index.engine import SearchIndex

from .helpers import ADMIN_TOKEN, AUTH, make_settings, plan_text, upload, upload_indexed

pytestmark = pytest.mark.slow

EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def writable(search_index, tmp_path_factory) -> Iterator[TestClient]:
    """Uploads enabled, the chat page mounted, over a private copy of the index."""
    import shutil

    from index.store import EMBEDDINGS_DIR

    data_dir = tmp_path_factory.mktemp("security") / "data"
    data_dir.mkdir()
    shutil.copytree(search_index.data_dir / EMBEDDINGS_DIR, data_dir / EMBEDDINGS_DIR)
    index = SearchIndex.open(data_dir, embedder=search_index.embedder, build=True)
    app = create_app(make_settings(admin_token=ADMIN_TOKEN, mount_ui=True), index=index)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_token_is_compared_in_constant_time(writable, monkeypatch):
    assert "hmac.compare_digest(" in inspect.getsource(deps.require_admin)
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    wrong = "z" * len(ADMIN_TOKEN)
    resp = upload(writable, b"", "甲市", headers={"Authorization": f"Bearer {wrong}"})
    assert resp.status_code == 403
    assert calls == [(wrong.encode(), ADMIN_TOKEN.encode())]
    assert wrong not in resp.text and ADMIN_TOKEN not in resp.text  # neither token is echoed


def test_the_token_never_reaches_the_logs(writable, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    wrong = "w" * 40
    accepted, job = upload_indexed(writable, plan_text("午川市", 79).encode(), "午川市")
    refused = upload(writable, b"", "午川市", headers={"Authorization": f"Bearer {wrong}"})
    bad_file = upload(writable, b"\x00\x01" * 100, "午川市")
    assert (accepted.status_code, job["status"], refused.status_code, bad_file.status_code) == (202, "done", 403, 422)
    assert any("upload stored" in r.getMessage() for r in caplog.records)  # the logs were captured
    assert any("indexed 1 upload" in r.getMessage() for r in caplog.records)
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert ADMIN_TOKEN not in text and wrong not in text and "Bearer" not in text


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_cors_preflight_from_another_origin_gets_no_allow_origin(api, method):
    resp = api.options("/api/v1/search", headers={"Origin": EVIL, "Access-Control-Request-Method": method,
                                                  "Access-Control-Request-Headers": "content-type"})
    assert resp.status_code < 500
    assert not any(h.lower().startswith("access-control-") for h in resp.headers)
    simple = api.get("/api/v1/search", params={"q": "清洁取暖", "top_k": 1}, headers={"Origin": EVIL})
    assert simple.status_code == 200 and "access-control-allow-origin" not in simple.headers


def test_configured_cors_admits_only_its_origin(search_index):
    client = TestClient(create_app(make_settings(cors_origins=("https://portal.example",)), index=search_index))
    head = {"Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/api/v1/search", headers={**head, "Origin": EVIL}).headers
    ok = client.options("/api/v1/search", headers={**head, "Origin": "https://portal.example"})
    assert ok.headers["access-control-allow-origin"] == "https://portal.example"


def test_uploaded_markup_is_shown_as_text_on_the_document_page(writable):
    hostile = plan_text("未川市", 80).replace("加强组织领导。", "加强组织领导。<script>alert('x')</script><img src=x onerror=alert(1)>")
    resp, job = upload_indexed(writable, hostile.encode(), "未川市")
    assert resp.status_code == 202 and job["status"] == "done", resp.text
    page = writable.get(f"/ui-docs/{resp.json()['doc_id']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script>alert(" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    api_view = writable.get(f"/api/v1/documents/{resp.json()['doc_id']}")
    assert api_view.headers["content-type"] == "application/json"  # the API returns the text as data


def test_admin_routes_need_the_token_and_reads_do_not(writable):
    assert upload(writable, b"x", "甲市", headers={}).status_code == 401
    assert writable.get("/api/v1/documents").status_code == 200
    assert writable.get("/readyz", headers=AUTH).json()["status"] == "ready"


# --- the chat page's framework routes, headers, CORS ------------------------------------------


def test_the_chat_pages_upload_route_is_closed(writable, tmp_path):
    import os
    import tempfile

    gradio_tmp = Path(os.environ.get("GRADIO_TEMP_DIR", Path(tempfile.gettempdir()) / "gradio"))
    before = set(gradio_tmp.rglob("*")) if gradio_tmp.exists() else set()
    for path in ("/ui/gradio_api/upload", "/ui/gradio_api/upload/", "/ui/gradio_api/upload_progress"):
        resp = writable.post(path, files={"files": ("evil.html", b"<script>alert(1)</script>", "text/html")})
        assert resp.status_code == 404, (path, resp.status_code, resp.text[:200])
        assert "/" not in resp.json()["message"]  # no path revealed
    after = set(gradio_tmp.rglob("*")) if gradio_tmp.exists() else set()
    assert after == before  # nothing stored
    assert writable.get("/ui/").status_code == 200  # the page itself still works


@pytest.mark.parametrize("path", ["/ui/", "/ui/config", "/api/v1/documents", "/healthz", "/readyz", "/nope",
                                  "/api/v1/documents/nope", "/ui-docs/tieling"])
def test_every_route_sends_the_security_headers(writable, path):
    resp = writable.get(path)
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert resp.headers["referrer-policy"] == "no-referrer"
    assert "server" not in resp.headers


@pytest.mark.parametrize("origin", ["http://localhost:9999", "http://127.0.0.1:7860", "null", EVIL])
def test_the_chat_page_answers_no_cors(writable, origin):
    pre = writable.options("/ui/config", headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
    simple = writable.get("/ui/config", headers={"Origin": origin, "Cookie": "x=1"})
    for resp in (pre, simple):
        assert not [h for h in resp.headers if h.lower().startswith("access-control-")], dict(resp.headers)
