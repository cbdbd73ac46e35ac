"""`python -m eval from-feedback`: officials' corrections become candidate questions for review,
never lines of eval/questions.jsonl (no index needed)."""
from __future__ import annotations

import json

import pytest

from assistant.feedback import FeedbackStore
from assistant.model import Answer, Citation
from eval.__main__ import main
from eval.questions import DEFAULT_QUESTIONS, load_questions
from tests.assistant.test_feedback import TEXT, _chunk

CLAUSE = "城镇清洁取暖率达到70%以上"


def _answer(question: str, kind: str = "figure") -> Answer:
    cited = (Citation(n=1, chunk=_chunk(), highlight=TEXT, score=0.5),) if kind != "not_found" else ()
    return Answer(question=question, resolved_query=question, kind=kind,  # type: ignore[arg-type]
                  text="铁岭市：……" if cited else "未找到", citations=cited, markers=((1,),) if cited else ())


@pytest.fixture
def data_dir(tmp_path):
    store = FeedbackStore(tmp_path, log_questions=True)
    wrong = store.remember(_answer("那铁岭呢？"), history=("安阳的城镇清洁取暖率",))
    noted = store.remember(_answer("铁岭清洁取暖的目标"))
    useful = store.remember(_answer("铁岭的清洁取暖率"))
    again = store.remember(_answer("那铁岭呢？"), history=("安阳的城镇清洁取暖率",))
    known = load_questions()[0]
    in_set = store.remember(_answer(known.question), history=known.history)
    store.remember(_answer("火星的碳排放", kind="not_found"))
    store.record(wrong, "wrong", correction=CLAUSE, chunk_id="tieling-0000000012")
    store.record(noted, "wrong", correction="应该引用2025年的目标")
    store.record(useful, "useful")
    store.record(again, "wrong", correction=CLAUSE)
    store.record(in_set, "wrong", correction=CLAUSE)
    store.close()
    return tmp_path


def _read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_wrong_answers_become_candidates_with_the_correction_as_gold(data_dir, capsys):
    assert main(["from-feedback", "--data-dir", str(data_dir)]) == 0
    assert "2 candidate question(s)" in capsys.readouterr().out
    by_question = {c["question"]: c for c in _read(data_dir / "eval-candidates.jsonl")}
    assert set(by_question) == {"那铁岭呢？", "铁岭清洁取暖的目标"}  # asked twice: once; in the set: skipped
    clause = by_question["那铁岭呢？"]
    assert (clause["history"], clause["gold"], clause["city"], clause["type"]) == (
        ["安阳的城镇清洁取暖率"], [CLAUSE], "铁岭市", "followup")
    assert not any("verbatim" in r for r in clause["review"]) and clause["feedback"]["verdict"] == "wrong"
    note = by_question["铁岭清洁取暖的目标"]
    assert note["gold"] == ["应该引用2025年的目标"] and any("not a verbatim clause" in r for r in note["review"])
    assert all(c["id"].startswith("fb-") and c["given"]["citations"] for c in by_question.values())


def test_useful_and_not_found_on_request(data_dir, tmp_path):
    out = tmp_path / "more" / "candidates.jsonl"
    assert main(["from-feedback", "--data-dir", str(data_dir), "--out", str(out), "--useful", "--not-found"]) == 0
    origins = {c["origin"]: c for c in _read(out)}
    assert set(origins) == {"wrong", "useful", "not_found"}
    assert origins["useful"]["gold"] == [TEXT] and origins["not_found"]["gold"] == []


def test_never_writes_the_eval_set_and_an_empty_data_dir_gives_no_candidates(data_dir, tmp_path):
    before = DEFAULT_QUESTIONS.read_bytes()
    with pytest.raises(SystemExit) as refused:
        main(["from-feedback", "--data-dir", str(data_dir), "--out", str(DEFAULT_QUESTIONS)])
    assert refused.value.code == 2 and DEFAULT_QUESTIONS.read_bytes() == before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["from-feedback", "--data-dir", str(empty)]) == 0
    assert (empty / "eval-candidates.jsonl").read_text() == "" and not (empty / "feedback.sqlite3").exists()
