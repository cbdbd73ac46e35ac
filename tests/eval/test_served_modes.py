"""The eval measures exactly what the API serves: for every eval question, the eval runner's
`hybrid` row (and `bm25`, `dense`) ranks the same chunks, in the same order, as
`POST /api/v1/search` with that mode, history included."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policyqa.app import create_app
from eval.questions import load_questions
from eval.runner import EvalContext, get_mode
from policyqa.settings import Settings

pytestmark = pytest.mark.slow
TOP_K = 10


@pytest.fixture(scope="module")
def api(search_index):
    settings = Settings(data_dir=None, admin_token=None, cors_origins=(), mount_ui=False)
    with TestClient(create_app(settings, index=search_index)) as client:
        yield client


@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
def test_eval_row_equals_the_api_ranking_for_every_question(search_index, api, mode):
    search = get_mode(mode).factory(EvalContext.with_index(search_index))
    questions = load_questions()
    differing = []
    for q in questions:
        expected = [h.chunk.chunk_id for h in search(q.question, q.history, TOP_K)]
        response = api.post("/api/v1/search", json={
            "query": q.question, "history": list(q.history), "top_k": TOP_K, "mode": mode})
        assert response.status_code == 200, (q.id, response.text)
        served = [r["chunk_id"] for r in response.json()["results"]]
        if served != expected:
            differing.append(q.id)
    assert not differing, f"{len(differing)} of {len(questions)} questions rank differently: {differing[:10]}"


def test_plain_rows_are_the_library_search(search_index):
    """The plain baselines run SearchIndex.search, the same pipeline without query understanding."""
    search = get_mode("plain-hybrid").factory(EvalContext.with_index(search_index))
    q = load_questions()[0]
    assert [h.chunk.chunk_id for h in search(q.question, q.history, TOP_K)] == [
        h.chunk.chunk_id for h in search_index.search(q.question, mode="hybrid", top_k=TOP_K)]
