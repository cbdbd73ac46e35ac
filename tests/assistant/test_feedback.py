"""assistant.feedback: answer ids, feedback records and the optional question log (no index needed).

The API, the chat page and a killed server are tested in tests/assistant/api/routes/test_feedback.py,
tests/assistant/api/test_feedback_kill.py and tests/ui/test_feedback_browser.py."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest

from assistant.feedback import (
    DB_NAME,
    FeedbackStore,
    StoreUnavailable,
    UnknownAnswer,
    feedback_csv,
)
from assistant.model import Answer, Citation
from corpus.model import Chunk

TEXT = "到2025年，城镇新建建筑全面执行绿色建筑标准，城镇清洁取暖率达到70%以上。"


def _chunk() -> Chunk:
    return Chunk(chunk_id="tieling-0000000012", doc_id="tieling", city="铁岭市", province="辽宁省",
                 title="铁岭市“十四五”节能减排综合工作方案", section=("三、主要任务",), section_path="三、",
                 paragraph=12, section_paragraph=2, text=TEXT, match_text=TEXT, start=0, end=len(TEXT),
                 sentences=(TEXT,))


def _answer(question: str = "铁岭 2025年城镇清洁取暖率", kind: str = "figure") -> Answer:
    citations = (Citation(n=1, chunk=_chunk(), highlight=TEXT, score=0.5),) if kind != "not_found" else ()
    return Answer(question=question, resolved_query=question, kind=kind,  # type: ignore[arg-type]
                  text="铁岭市：城镇清洁取暖率达到70%以上。" if citations else "未找到", citations=citations,
                  markers=((1,),) if citations else ())


def _rows(path, table: str) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(f"SELECT * FROM {table}").fetchall()


def test_feedback_keeps_the_whole_answer_and_nothing_else_with_the_log_off(tmp_path):
    store = FeedbackStore(tmp_path)
    first = store.remember(_answer(), history=("铁岭的清洁取暖",), mode="bm25", index_version="abc", source="ui")
    store.remember(_answer("一个没有人反馈的问题"))
    assert len(first) == 32 and not (tmp_path / DB_NAME).exists()  # nothing on disk before feedback

    record = store.record(first, "wrong", correction="城镇清洁取暖率达到70%以上", chunk_id="tieling-0000000012")
    assert not record.replaced
    (row,) = _rows(tmp_path / DB_NAME, "feedback")
    assert (row["question"], row["verdict"], row["mode"], row["index_version"], row["source"]) == (
        "铁岭 2025年城镇清洁取暖率", "wrong", "bm25", "abc", "ui")
    assert row["history"] == '["铁岭的清洁取暖"]' and row["answer"].endswith("[1]")
    assert "城镇清洁取暖率达到70%以上" in row["citations"] and row["correction"] == "城镇清洁取暖率达到70%以上"
    assert _rows(tmp_path / DB_NAME, "questions") == []  # the log is off: the other question is nowhere

    again = store.record(first, "useful")
    assert again.replaced and [f.verdict for f in store.feedback()] == ["useful"]  # one verdict per answer
    assert store.verdict_counts() == {"useful": 1, "wrong": 0}


def test_unknown_and_expired_answers_are_refused(tmp_path):
    store = FeedbackStore(tmp_path, recent=2)
    oldest = store.remember(_answer("一"))
    store.remember(_answer("二"))
    store.remember(_answer("三"))
    with pytest.raises(UnknownAnswer):
        store.record(oldest, "useful")  # pushed out of the bounded map
    with pytest.raises(UnknownAnswer):
        store.record("0" * 32, "useful")
    with pytest.raises(ValueError):
        store.record(store.remember(_answer()), "maybe")


def test_the_log_keeps_every_question_and_answers_feedback_after_a_restart(tmp_path):
    store = FeedbackStore(tmp_path, log_questions=True)
    ids = [store.remember(_answer(f"问题{i}")) for i in range(5)]
    store.remember(_answer("火星的碳排放", kind="not_found"))
    assert store.flush()
    store.close()

    restarted = FeedbackStore(tmp_path, log_questions=True)  # empty in-memory map
    assert restarted.record(ids[2], "wrong", correction="说明").answer.question == "问题2"
    stats = restarted.question_stats()
    assert (stats.total, stats.not_found, stats.not_found_share) == (6, 1, round(1 / 6, 4))
    assert len(stats.by_day) == 1 and stats.by_day[0].questions == 6
    assert [a.question for a in restarted.logged(kinds=("not_found",))] == ["火星的碳排放"]


def test_a_failing_disk_never_blocks_an_answer(tmp_path, caplog):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should be")
    store = FeedbackStore(blocker, log_questions=True)
    caplog.set_level(logging.WARNING, logger="assistant.feedback")
    started = time.monotonic()
    answer_id = store.remember(_answer())  # the log write fails in the background
    assert time.monotonic() - started < 0.5
    assert store.flush()
    assert "question log" in caplog.text and "not written" in caplog.text
    with pytest.raises(StoreUnavailable):
        store.record(answer_id, "useful")  # feedback itself is refused (the API answers 503)


def test_a_stalled_disk_does_not_hold_up_answers(tmp_path):
    store = FeedbackStore(tmp_path, log_questions=True, queue_size=3)
    store.remember(_answer())
    assert store.flush()
    release = threading.Event()
    stalled = threading.Thread(target=lambda: store._with_db(lambda conn: release.wait(10)))
    stalled.start()  # holds the database as a hung disk would
    try:
        started = time.monotonic()
        for i in range(50):  # more than the queue holds: the rest are dropped with a warning
            store.remember(_answer(f"问题{i}"))
        assert time.monotonic() - started < 1.0
    finally:
        release.set()
        stalled.join()
    assert store.flush()
    assert 1 < store.question_stats().total < 51


def test_csv_has_a_bom_and_no_formulas(tmp_path):
    store = FeedbackStore(tmp_path)
    answer_id = store.remember(_answer("=HYPERLINK(\"http://x\")"))
    store.record(answer_id, "wrong", correction="+1 更正")
    data = feedback_csv(store.feedback())
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 更正" in text and "有误" in text
