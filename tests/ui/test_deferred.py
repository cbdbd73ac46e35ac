"""The chat page mounted the way `python -m assistant serve` mounts it: built after start-up."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app
from policyqa.settings import Settings
from ui.deferred import DeferredApp


def test_loading_page_until_the_chat_page_is_built():
    client = TestClient(DeferredApp())
    page = client.get("/")
    assert page.status_code == 503 and page.headers["retry-after"] == "2"
    assert "页面正在加载" in page.text and 'http-equiv="refresh"' in page.text


@pytest.mark.slow
def test_api_answers_at_once_and_the_page_follows(search_index):
    settings = Settings(data_dir=None, admin_token=None, cors_origins=(), mount_ui=True)
    app = create_app(settings, index=search_index, defer_ui=True)
    with TestClient(app) as client:
        hits = client.post("/api/v1/search", json={"query": "铁岭 2025年城镇清洁取暖率", "top_k": 1})
        assert hits.status_code == 200 and "70%以上" in hits.json()["results"][0]["text"]
        deadline = time.monotonic() + 120
        page = client.get("/ui/")
        while page.status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
            page = client.get("/ui/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert client.get("/ui-docs/tieling").status_code == 200  # the viewer is mounted at once
