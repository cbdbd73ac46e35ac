from __future__ import annotations

import importlib.util

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app

from .conftest import make_settings

ORIGIN = "http://intranet.example"


def test_cors_is_closed_by_default():
    client = TestClient(create_app(make_settings()))
    resp = client.options("/api/v1/search", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in resp.headers
    assert "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": ORIGIN}).headers


def test_cors_opens_for_configured_origins_only():
    client = TestClient(create_app(make_settings(cors_origins=(ORIGIN,))))
    preflight = client.options("/api/v1/search", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    other = client.get("/healthz", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_unknown_routes_and_methods_use_the_error_shape():
    client = TestClient(create_app(make_settings()))
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found", "message": "Not Found"}
    wrong = client.delete("/api/v1/search")
    assert wrong.status_code == 405 and wrong.json()["message"] == "Method Not Allowed"


def test_root_redirects_to_the_docs_without_ui():
    client = TestClient(create_app(make_settings()), follow_redirects=False)
    assert client.get("/").headers["location"] == "/docs"


def test_openapi_documents_examples_errors_and_auth():
    schema = TestClient(create_app(make_settings())).get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/v1/search", "/api/v1/chat", "/api/v1/documents", "/api/v1/documents/{doc_id}",
            "/api/v1/chunks/{chunk_id}", "/api/v1/targets", "/healthz", "/readyz"} <= set(paths)
    search = paths["/api/v1/search"]["post"]
    assert {"200", "413", "422", "503"} <= set(search["responses"])
    examples = schema["components"]["schemas"]["SearchRequest"]["examples"]
    assert examples[0]["query"] == "铁岭 2025年城镇清洁取暖率"
    upload = paths["/api/v1/documents"]["post"]
    assert {"202", "200", "401", "403", "413", "422"} <= set(upload["responses"])
    assert upload["security"] == [{"HTTPBearer": []}]


@pytest.mark.skipif(importlib.util.find_spec("ui.app") is None, reason="chat page not built")
def test_chat_page_is_mounted_at_ui():
    client = TestClient(create_app(make_settings(mount_ui=True)), follow_redirects=False)
    assert client.get("/").headers["location"] == "/ui"
    page = client.get("/ui/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
