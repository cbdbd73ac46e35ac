"""API fixtures: the app over the session's real index (read-only), and a TestClient on it
(`live_url`, the same app under a real uvicorn, is in tests/assistant/conftest.py).

Tests that change the index (uploads) build their own app over `fresh_data_dir`.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from policyqa.app import create_app
from policyqa.settings import Settings

ADMIN_TOKEN = "test-admin-token-0123456789"
DIFY_KEY = "test-dify-api-key-0123456789"

JOB_TIMEOUT_S = 300.0


def wait_for_job(client: TestClient, job_id: str, token: str = ADMIN_TOKEN, timeout: float = JOB_TIMEOUT_S) -> dict:
    """Poll GET /api/v1/jobs/{job_id} until the job is done or failed (bounded); its last state."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def make_settings(**overrides) -> Settings:
    """Settings independent of the developer's POLICYQA_* environment."""
    values = {"data_dir": None, "admin_token": None, "dify_api_key": None, "cors_origins": (), "mount_ui": False,
              **overrides}
    return Settings(**values)


@pytest.fixture(scope="session")
def api_app(search_index) -> FastAPI:
    return create_app(make_settings(), index=search_index)


@pytest.fixture(scope="session")
def client(api_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(api_app) as test_client:
        yield test_client



@pytest.fixture(scope="session")
def levels_client(levels_index) -> Iterator[TestClient]:
    """A TestClient on the app over `levels_index` (documents of every level), Dify key set."""
    with TestClient(create_app(make_settings(dify_api_key=DIFY_KEY), index=levels_index)) as test_client:
        yield test_client
