"""Integrity of the stored corpus: plans changed, missing or unreadable on disk, a truncated
documents manifest, duplicates in other encodings, and city names that are not place names.

Each damaged plan degrades that plan only: it is left out (never silently re-read), named in
one line by the CLI and in /readyz, and the rest of the corpus keeps serving.
"""
from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app
from corpus.catalog import DOCUMENTS_DIR, MANIFEST, scan_corpus
from corpus.errors import IngestError
from corpus.ingest import ingest_bytes
from corpus.places import validate_city
from index.engine import SearchIndex
from index.store import ensure_index

from .helpers import ADMIN_TOKEN, AUTH, make_settings, plan_text, upload

pytestmark = pytest.mark.slow

A, B = "子阳市", "丑阳市"


@pytest.fixture
def stored(fresh_data_dir, search_index) -> dict:
    """A data dir with two added plans, indexed."""
    a = ingest_bytes(plan_text(A, 79).encode(), "a.txt", fresh_data_dir, city=A).document.meta
    b = ingest_bytes(plan_text(B, 66).encode(), "b.txt", fresh_data_dir, city=B).document.meta
    ensure_index(fresh_data_dir, search_index.embedder)
    return {"dir": fresh_data_dir, "a": a, "b": b, "file": fresh_data_dir / DOCUMENTS_DIR / a.source_file}


def _flip_79_to_69(path: Path) -> None:
    data = path.read_bytes()
    assert b"79%" in data
    path.write_bytes(data.replace(b"79%", b"69%"))


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


def _texts(index: SearchIndex) -> str:
    return "\n".join(c.text for c in index.chunks)


def test_a_changed_plan_is_left_out_named_and_accepted_on_purpose(stored, search_index, run_cli):
    data_dir, a = stored["dir"], stored["a"]
    _flip_79_to_69(stored["file"])

    scan = scan_corpus(data_dir)
    assert [p.file for p in scan.problems] == [f"documents/{a.source_file}"]
    assert "sha256 mismatch" in scan.problems[0].reason and f"--accept-changes {a.source_file}" in scan.problems[0].reason
    assert a.doc_id not in {d.meta.doc_id for d in scan.documents} and B in {d.meta.city for d in scan.documents}

    code, out, err = run_cli("index", data_dir=str(data_dir))
    assert code == 0 and "1 plan(s) left out" in out
    warnings = _warnings(err)  # besides the build's progress lines
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: plan documents/{a.source_file} ({a.doc_id}) changed on disk")
    index = SearchIndex.open(data_dir, embedder=search_index.embedder, build=False)
    assert a.doc_id not in {m.doc_id for m in index.documents} and "69%" not in _texts(index)  # never re-read
    assert any(m.city == B for m in index.documents)  # the rest serves

    code, out, err = run_cli("list", data_dir=str(data_dir))
    assert code == 0 and B in out and A not in out and "Traceback" not in err and a.source_file in err

    code, out, err = run_cli("index", "--accept-changes", a.source_file, data_dir=str(data_dir))
    assert code == 0 and f"accepted the current content of documents/{a.source_file}" in out and "warning" not in err
    index = SearchIndex.open(data_dir, embedder=search_index.embedder, build=False)
    assert "城镇清洁取暖率达到69%以上" in _texts(index) and not scan_corpus(data_dir).problems

    code, _, err = run_cli("index", "--accept-changes", "tieling.txt", data_dir=str(data_dir))
    assert code == 4 and "built-in plan" in err and err.count("\n") == 1


@pytest.mark.parametrize("damage", ["missing", "unreadable-bytes"])
def test_a_missing_or_unreadable_plan_degrades_that_plan_only(stored, run_cli, damage):
    data_dir, a = stored["dir"], stored["a"]
    if damage == "missing":
        stored["file"].unlink()
    else:
        stored["file"].write_bytes(b"\x00" * 100)
    code, out, err = run_cli("index", data_dir=str(data_dir))
    assert code == 0 and "Traceback" not in err and len(_warnings(err)) == 1
    assert f"documents/{a.source_file}" in err and ("missing" in err if damage == "missing" else "sha256" in err)
    code, out, _ = run_cli("search", "城镇清洁取暖率", "--city", B, "--json", data_dir=str(data_dir))
    assert code == 0 and "66%" in out


def test_a_truncated_documents_manifest_leaves_the_built_in_plans_serving(stored, run_cli, tmp_path):
    data_dir = stored["dir"]
    manifest = data_dir / DOCUMENTS_DIR / MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:50])
    code, out, err = run_cli("list", data_dir=str(data_dir))
    assert code == 0 and "铁岭市" in out and "Traceback" not in err
    assert "documents/manifest.json is unreadable" in err
    plan = tmp_path / "new.txt"
    plan.write_text(plan_text("寅阳市", 55), encoding="utf-8")
    code, _, err = run_cli("add", str(plan), "--city", "寅阳市", data_dir=str(data_dir))
    last = err.splitlines()[-1]  # after the warning that names the manifest, the one-line error
    assert code == 3 and last.startswith(f"error: cannot add {plan}: documents/manifest.json is unreadable")
    assert manifest.read_bytes().startswith(b"[")  # never overwritten


def _wait_ready(client: TestClient, want=lambda body: True, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = client.get("/readyz")
        if resp.status_code == 200 and want(resp.json()):
            return resp.json()
        time.sleep(0.1)
    raise AssertionError(f"not ready: {client.get('/readyz').text}")


def test_readyz_names_the_unavailable_plan_and_the_rest_serves(stored, search_index):
    data_dir, a = stored["dir"], stored["a"]
    _flip_79_to_69(stored["file"])
    app = create_app(make_settings(data_dir=data_dir, admin_token=ADMIN_TOKEN))
    with TestClient(app, raise_server_exceptions=False) as client:
        body = _wait_ready(client, lambda b: b["status"] == "degraded")
        assert body["unavailable"] == [{"doc_id": a.doc_id, "file": f"documents/{a.source_file}",
                                        "reason": body["unavailable"][0]["reason"]}]
        assert "sha256 mismatch" in body["unavailable"][0]["reason"]
        assert str(data_dir) not in client.get("/readyz").text  # no absolute paths
        hits = client.post("/api/v1/search", json={"query": "城镇清洁取暖率", "cities": [B], "top_k": 1}).json()
        assert "66%" in hits["results"][0]["text"]
        docs = {d["doc_id"] for d in client.get("/api/v1/documents").json()["documents"]}
        assert a.doc_id not in docs and stored["b"].doc_id in docs
        assert "69%" not in client.get(f"/api/v1/documents/{stored['b'].doc_id}").text


def test_the_same_text_in_other_encodings_is_one_document(tmp_path):
    text = plan_text("卯阳市", 57)
    variants = [
        ("utf-8", text.encode("utf-8")),
        ("utf-8-bom", codecs.BOM_UTF8 + text.encode("utf-8")),
        ("crlf", text.replace("\n", "\r\n").encode("utf-8")),
        ("gbk", text.encode("gbk")),
        ("spaces", text.replace("，", "， ").replace("\n", " \n\n").encode("utf-8")),
    ]
    results = [ingest_bytes(data, f"{name}.txt", tmp_path, city="卯阳市") for name, data in variants]
    assert [r.duplicate for r in results] == [False, True, True, True, True]
    assert len({r.document.meta.doc_id for r in results}) == 1
    assert len(scan_corpus(tmp_path).documents) == len(scan_corpus(None).documents) + 1


@pytest.mark.parametrize("city", ["年", "月", "市", "\x00", "铁\u200b岭", "2025", "万吨", "年市", "x", "！！"])
def test_city_names_that_are_not_place_names_are_refused(city):
    with pytest.raises(IngestError, match="^city "):
        validate_city(city)


@pytest.mark.parametrize("city", ["铁岭市", "易县", "某某市", "鐵嶺市", "Tieling", "San Francisco"])
def test_real_place_names_are_accepted(city):
    assert validate_city(f" {city} ") == city


def test_an_upload_with_city_nian_is_a_422_and_questions_keep_their_city(api):
    bad = upload(api, plan_text("辰阳市", 58).encode(), "年")
    assert bad.status_code in (403, 422)  # the read-only app refuses uploads; the city rule is checked below
    settings = make_settings(admin_token=ADMIN_TOKEN)
    client = TestClient(create_app(settings, index=api.app.state.api.current().index))
    resp = upload(client, plan_text("辰阳市", 58).encode(), "年")
    assert resp.status_code == 422 and resp.json()["message"].startswith("city: '年' is not a place name")
    hit = client.post("/api/v1/search", json={"query": "2025年城镇清洁取暖率 铁岭", "top_k": 1}, headers=AUTH).json()
    assert hit["results"][0]["city"] == "铁岭市"
