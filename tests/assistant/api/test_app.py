from __future__ import annotations

import importlib.util

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app

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


def test_docs_pages_load_their_assets_from_this_server():
    """/docs and /redoc work offline: every script, style sheet and icon is same-origin and served."""
    from html.parser import HTMLParser

    class Assets(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        def handle_starttag(self, tag, attrs):
            found = dict(attrs)
            if tag in ("script", "link") and (found.get("src") or found.get("href")):
                self.urls.append(found.get("src") or found.get("href"))

    client = TestClient(create_app(make_settings()))
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        parser = Assets()
        parser.feed(html.text)
        assert parser.urls, page
        for url in parser.urls:
            assert url.startswith("/") and not url.startswith("//"), (page, url)  # same origin
            assert client.get(url).status_code == 200, url
        assert "cdn." not in html.text and "fonts.googleapis" not in html.text


@pytest.mark.slow
@pytest.mark.browser
def test_docs_render_in_a_browser_with_no_internet(search_index):
    """Swagger UI in headless Chromium with every request off this server refused."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from ui.serve import CHROMIUM, launch_chromium, running_server

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install it with scripts/install-chromium.sh")
    with running_server(create_app(make_settings(), index=search_index)) as base, sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        outside: list[str] = []

        def route(r):
            if r.request.url.startswith(base):
                return r.continue_()
            outside.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.goto(f"{base}/docs")
        sync_api.expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
        assert page.locator(".opblock").count() >= 10  # the operations are listed
        assert page.get_by_text("/v1/chat/completions").count() >= 1
        browser.close()
    assert outside == []
