"""POST /api/v1/feedback and GET /api/v1/admin/feedback against a real uvicorn server on the real
index, with the official clients (httpx, openai); the database is read with sqlite3."""
from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app
from assistant.feedback import DB_NAME, MAX_CORRECTION_CHARS, FeedbackStore
from tests.assistant.api.conftest import ADMIN_TOKEN, make_settings
from ui.serve import running_server

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
QUESTION = "铁岭2025年城镇清洁取暖率目标是多少？"
CLAUSE = "城镇清洁取暖率达到70%以上"
NOT_FOUND = "如何办理护照？"


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def ask(http: httpx.Client, *turns: str) -> dict:
    messages = []
    for turn in turns[:-1]:
        messages += [user(turn), {"role": "assistant", "content": "（上一轮的回答）"}]
    resp = http.post("/api/v1/chat", json={"messages": [*messages, user(turns[-1])]})
    assert resp.status_code == 200, resp.text
    return resp.json()


def rows(data_dir: Path, table: str) -> list[sqlite3.Row]:
    path = data_dir / DB_NAME
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(f"SELECT * FROM {table}").fetchall()


def db_bytes(data_dir: Path) -> bytes:
    """The database file and its WAL, as they are on disk."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob(DB_NAME + "*")))


class Served:
    def __init__(self, url: str, data_dir: Path, store: FeedbackStore) -> None:
        self.url, self.data_dir, self.store = url, data_dir, store


@pytest.fixture(scope="module")
def served(search_index, tmp_path_factory) -> Iterator[Served]:
    """The real server with the question log off (the default) and an admin token."""
    data_dir = tmp_path_factory.mktemp("feedback-off")
    store = FeedbackStore(data_dir)
    with running_server(create_app(make_settings(admin_token=ADMIN_TOKEN), index=search_index, feedback=store)) as url:
        yield Served(url, data_dir, store)


@pytest.fixture(scope="module")
def logged(search_index, tmp_path_factory) -> Iterator[Served]:
    """The real server with POLICYQA_LOG_QUESTIONS on."""
    data_dir = tmp_path_factory.mktemp("feedback-on")
    settings = make_settings(admin_token=ADMIN_TOKEN, log_questions=True)
    store = FeedbackStore(data_dir, log_questions=True)
    with running_server(create_app(settings, index=search_index, feedback=store)) as url:
        yield Served(url, data_dir, store)


@pytest.fixture
def http(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=60) as client:
        yield client


def test_every_answer_carries_its_own_answer_id(http):
    first, second = ask(http, QUESTION), ask(http, QUESTION)
    assert re.fullmatch(r"[0-9a-f]{32}", first["answer_id"])
    assert first["answer_id"] != second["answer_id"] and first["answer"] == second["answer"]


def test_openai_clients_get_the_answer_id_as_an_extra_field(served):
    from openai import OpenAI

    client = OpenAI(base_url=f"{served.url}/v1", api_key="unused", max_retries=0)
    reply = client.chat.completions.create(model="policy-qa", messages=[{"role": "user", "content": QUESTION}])
    answer_id = reply.model_extra["answer_id"]
    assert reply.id == f"chatcmpl-{answer_id}"
    streamed = {c.model_extra["answer_id"] for c in client.chat.completions.create(
        model="policy-qa", messages=[{"role": "user", "content": "那安阳呢？"}], stream=True)}
    assert len(streamed) == 1 and answer_id not in streamed
    with httpx.Client(base_url=served.url) as http:
        resp = http.post("/api/v1/feedback", json={"answer_id": answer_id, "verdict": "useful"})
    assert resp.status_code == 200 and resp.json()["verdict"] == "useful"
    (row,) = [r for r in rows(served.data_dir, "feedback") if r["answer_id"] == answer_id]
    assert row["source"] == "openai" and row["question"] == QUESTION


@pytest.mark.parametrize("change, status, field", [
    ({"answer_id": "0" * 32}, 404, None),  # well-formed, but no such answer
    ({"answer_id": "not-an-id"}, 422, "answer_id"),
    ({"verdict": "maybe"}, 422, "verdict"),
    ({"verdict": None}, 422, "verdict"),
    ({"correction": "更" * (MAX_CORRECTION_CHARS + 1)}, 422, "correction"),
    ({"chunk_id": "no-such-chunk"}, 422, "chunk_id"),
    ({"chunk_id": "x" * 201}, 422, "chunk_id"),
    ({"rating": 5}, 422, "rating"),
])
def test_bad_feedback_is_a_clear_4xx(http, served, change, status, field):
    body = {"answer_id": ask(http, QUESTION)["answer_id"], "verdict": "wrong", **change}
    before = len(rows(served.data_dir, "feedback"))
    resp = http.post("/api/v1/feedback", json=body)
    assert resp.status_code == status, resp.text
    message = resp.json()["message"]
    assert (field in message) if field else ("unknown answer_id" in message and "ask again" in message)
    assert "更" * 50 not in message  # never echoes the input
    assert len(rows(served.data_dir, "feedback")) == before


def test_unreadable_feedback_bodies_are_refused(http):
    assert http.post("/api/v1/feedback", content=b"verdict=useful",
                     headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 422
    assert http.post("/api/v1/feedback", content=b"{", headers={"Content-Type": "application/json"}).status_code == 422
    assert http.get("/api/v1/feedback").status_code == 405


def test_admin_listing_is_refused_without_the_token(http, search_index):
    missing = http.get("/api/v1/admin/feedback")
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert http.get("/api/v1/admin/feedback", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 403
    assert http.get("/api/v1/admin/feedback?format=csv").status_code == 401
    # a server without POLICYQA_ADMIN_TOKEN lists nothing, even to a caller with a token
    with TestClient(create_app(make_settings(), index=search_index)) as closed:
        refused = closed.get("/api/v1/admin/feedback", headers=AUTH)
        assert refused.status_code == 403 and "POLICYQA_ADMIN_TOKEN" in refused.json()["message"]


def test_with_the_log_off_only_questions_sent_with_feedback_are_stored(http, served):
    private = ["安阳市单位GDP能耗下降目标是多少？", "定州市节能减排工作由哪些部门负责？"]
    for question in private:
        ask(http, question)
    follow_up = ask(http, "铁岭的城镇清洁取暖率", "那安阳呢？")
    resp = http.post("/api/v1/feedback", json={"answer_id": follow_up["answer_id"], "verdict": "wrong",
                                                "correction": "安阳的条款", "chunk_id": follow_up["citations"][0]["chunk_id"]})
    assert resp.status_code == 200 and resp.json()["replaced"] is False

    assert rows(served.data_dir, "questions") == []  # no question log
    (row,) = [r for r in rows(served.data_dir, "feedback") if r["answer_id"] == follow_up["answer_id"]]
    assert row["question"] == "那安阳呢？" and row["history"] == '["铁岭的城镇清洁取暖率"]'
    assert row["chunk_id"] == follow_up["citations"][0]["chunk_id"] and row["kind"] == follow_up["kind"]
    stored = db_bytes(served.data_dir)
    for question in private:  # not in the tables, the free pages or the WAL
        assert question.encode() not in stored


def test_the_admin_listing_shows_corrections_with_citations_as_json_and_csv(http, served):
    given = ask(http, QUESTION)
    chunk_id = given["citations"][0]["chunk_id"]
    assert http.post("/api/v1/feedback", json={"answer_id": given["answer_id"], "verdict": "wrong",
                                               "correction": CLAUSE, "chunk_id": chunk_id}).status_code == 200
    listing = http.get("/api/v1/admin/feedback", params={"verdict": "wrong"}, headers=AUTH)
    assert listing.status_code == 200
    body = listing.json()
    item = next(f for f in body["feedback"] if f["answer_id"] == given["answer_id"])
    assert item["question"] == QUESTION and item["correction"] == CLAUSE and item["chunk_id"] == chunk_id
    assert item["citations"][0]["citation"].startswith("《铁岭市") and item["index_version"]
    assert item["mode"] == "hybrid" and item["source"] == "api" and item["answer"] == given["answer"] + "[1]"
    assert all(f["verdict"] == "wrong" for f in body["feedback"]) and body["counts"]["wrong"] >= 1
    assert body["questions"]["logging"] is False and body["questions"]["total"] == 0

    exported = http.get("/api/v1/admin/feedback", params={"format": "csv"}, headers=AUTH)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    row = next(r for r in table if r["answer_id"] == given["answer_id"])
    assert row["评价"] == "有误" and row["更正或说明"] == CLAUSE and "《铁岭市" in row["引用"]
    assert http.get("/api/v1/admin/feedback", params={"format": "xml"}, headers=AUTH).status_code == 422


def test_with_the_log_on_every_question_is_logged_with_the_not_found_share(logged):
    with httpx.Client(base_url=logged.url, timeout=60) as http:
        asked = [ask(http, QUESTION), ask(http, NOT_FOUND), ask(http, "铁岭的城镇清洁取暖率", "那安阳呢？")]
        assert asked[1]["kind"] == "not_found"
        assert logged.store.flush()
        log = {r["answer_id"]: r for r in rows(logged.data_dir, "questions")}
        assert set(log) == {a["answer_id"] for a in asked}
        assert log[asked[2]["answer_id"]]["history"] == '["铁岭的城镇清洁取暖率"]'
        listing = http.get("/api/v1/admin/feedback", headers=AUTH).json()["questions"]
    assert listing["logging"] is True and (listing["total"], listing["not_found"]) == (3, 1)
    assert listing["not_found_share"] == round(1 / 3, 4) and listing["by_day"][-1]["questions"] == 3


def test_the_admin_page_is_served_without_external_resources(http):
    page = http.get("/ui-admin")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "问答反馈与提问记录" in html and "/api/v1/admin/feedback" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no CDN, no external script or style


def test_a_feedback_database_that_cannot_be_written_never_fails_an_answer(search_index, tmp_path):
    blocked = tmp_path / "a-file-not-a-dir"
    blocked.write_text("x")
    store = FeedbackStore(blocked, log_questions=True)
    app = create_app(make_settings(admin_token=ADMIN_TOKEN, log_questions=True), index=search_index, feedback=store)
    with TestClient(app) as client:
        answer = client.post("/api/v1/chat", json={"messages": [user(QUESTION)]})
        assert answer.status_code == 200 and "70%" in answer.json()["answer"]
        refused = client.post("/api/v1/feedback", json={"answer_id": answer.json()["answer_id"], "verdict": "useful"})
        assert refused.status_code == 503 and refused.json()["message"].startswith("feedback could not be saved")
        assert str(tmp_path) not in refused.text  # no path of the machine in the response
        listing = client.get("/api/v1/admin/feedback", headers=AUTH)  # nothing could be stored: nothing listed
        assert listing.status_code == 200 and listing.json()["feedback"] == []
