"""Helpers shared by the reliability tests: settings, a plan written by the test, uploads,
and a fingerprint of the persisted index used to prove a refused input changed nothing."""
from __future__ import annotations

import hashlib
from pathlib import Path

from policyqa.settings import Settings
from corpus.catalog import DOCUMENTS_DIR, MANIFEST
from index.store import INDEX_DIR, POINTER

ADMIN_TOKEN = "reliability-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def make_settings(**overrides) -> Settings:
    """Settings independent of the developer's POLICYQA_* environment."""
    values = {"data_dir": None, "admin_token": None, "cors_origins": (), "mount_ui": False, **overrides}
    return Settings(**values)


def plan_text(city: str, heating: int, headings: bool = True) -> str:
    """A small plan in the shape of the real ones; without `headings`, body paragraphs only."""
    head = [f"{city}“十四五”节能减排综合工作方案", "一、主要目标"] if headings else []
    body = [
        f"为深入贯彻落实国家和省关于节能减排的决策部署，推进{city}经济社会发展全面绿色转型，制定本方案。",
        "到2025年，全市单位地区生产总值能耗比2020年下降13.5%，能源消费总量得到合理控制。",
        f"推进城镇绿色节能改造。到2025年，城镇新建建筑全面执行绿色建筑标准，城镇清洁取暖率达到{heating}%以上。",
        "推进交通物流节能减排。到2025年，新能源公交车占比达到65%。",
        "加强组织领导。市发展改革委牵头，各有关部门按职责分工负责。",
    ]
    if headings:
        body.insert(2, "二、重点任务")
    return "\n".join(head + body) + "\n"


def upload(client, data: bytes, city: str, name: str = "plan.txt", headers=None, **fields):
    return client.post("/api/v1/documents", headers=AUTH if headers is None else headers,
                       files={"file": (name, data, "application/octet-stream")}, data={"city": city, **fields})


def wait_for_job(client, job_id: str, token: str = ADMIN_TOKEN, timeout: float = 300.0) -> dict:
    """Poll GET /api/v1/jobs/{job_id} until done or failed (bounded); the last job state."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def upload_indexed(client, data: bytes, city: str, name: str = "plan.txt", **fields):
    """Upload and wait for its job: (response, final job or None for a duplicate/refusal)."""
    resp = upload(client, data, city, name=name, **fields)
    job = wait_for_job(client, resp.json()["job_id"]) if resp.status_code == 202 else None
    return resp, job


def index_fingerprint(data_dir: Path) -> dict[str, str]:
    """sha256 of the CURRENT pointer, every file of the version it names, and the documents
    manifest: equal fingerprints mean the persisted index and corpus were not touched."""
    data_dir = Path(data_dir)
    root = data_dir / INDEX_DIR
    version = root / (root / POINTER).read_text().split()[0]
    files = [root / POINTER, *sorted(p for p in version.rglob("*") if p.is_file())]
    manifest = data_dir / DOCUMENTS_DIR / MANIFEST
    if manifest.exists():
        files.append(manifest)
    return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def stored_documents(data_dir: Path) -> list[str]:
    """Names of the plan files stored under <data_dir>/documents (manifest and lock excluded)."""
    folder = Path(data_dir) / DOCUMENTS_DIR
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name not in (MANIFEST, ".lock"))
