"""End to end, in headless system Chromium against a real uvicorn server on the real index: an
official asks, marks the answer 有误 with the right clause; the admin page shows it with its
citations, and `python -m eval from-feedback` turns it into a candidate eval question."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from policyqa.app import create_app  # noqa: E402
from assistant.feedback import DB_NAME, FeedbackStore  # noqa: E402
from policyqa.settings import Settings  # noqa: E402
from ui.screenshot import ask  # noqa: E402
from ui.serve import running_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "browser-admin-token-0123456789"
TIMEOUT_MS = 60_000
QUESTION = "铁岭 2025年城镇清洁取暖率"
CORRECTION = "城镇清洁取暖率达到70%以上"


@pytest.fixture(scope="module")
def served(search_index, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """The app as `serve` builds it (chat page built in the background), the question log off,
    the feedback database in a directory of its own."""
    data_dir = tmp_path_factory.mktemp("feedback-browser")
    settings = Settings(data_dir=None, admin_token=TOKEN, cors_origins=(), mount_ui=True, log_questions=False)
    app = create_app(settings, index=search_index, defer_ui=True, feedback=FeedbackStore(data_dir))
    with running_server(app) as url:
        yield url, data_dir


def _outside(base: str, page: Any) -> list[str]:
    leaving: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else leaving.append(r.url))
    return leaving


def test_mark_wrong_with_a_correction_then_see_it_in_the_admin_page_and_the_candidates(browser, served, tmp_path):
    base, data_dir = served
    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    leaving = _outside(base, page)
    page.goto(f"{base}/ui/")

    first = ask(page, QUESTION)
    bar = first.locator(".pqa-feedback")
    expect(bar.locator(".pqa-fb-useful")).to_have_text("有用")
    expect(bar.locator(".pqa-fb-aid")).to_be_hidden()  # the id is for the script, not the reader
    bar.locator(".pqa-fb-wrong").click()
    expect(bar.locator(".pqa-fb-prompt")).to_contain_text("正确的条款")
    bar.locator("textarea.pqa-fb-text").fill(CORRECTION)
    sources = bar.locator("select.pqa-fb-src option")
    expect(sources.nth(1)).to_contain_text("来源1：《铁岭市")
    bar.locator("select.pqa-fb-src").select_option(index=1)
    bar.locator(".pqa-fb-send").click()
    expect(bar.locator(".pqa-fb-status")).to_have_text("已记录：有误。谢谢，我们会核对更正。")
    expect(bar.locator(".pqa-fb-wrong")).to_be_hidden()

    second = ask(page, "那安阳呢？")  # a follow-up: its history goes with its feedback
    second.locator(".pqa-fb-useful").click()
    expect(second.locator(".pqa-fb-status")).to_have_text("已记录：有用。谢谢反馈！")
    expect(bar.locator(".pqa-fb-status")).to_contain_text("已记录：有误")  # still shown after the next answer
    unmarked = ask(page, "定州市节能减排工作由哪些部门负责？")
    expect(unmarked.locator(".pqa-fb-wrong")).to_be_visible()

    # The database: the two questions sent with feedback, nothing else (the log is off).
    with sqlite3.connect(data_dir / DB_NAME) as conn:
        stored = conn.execute("SELECT question, history, verdict, correction, chunk_id, source FROM feedback "
                              "ORDER BY created_at").fetchall()
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0
    assert [(q, h, v, c, s) for q, h, v, c, _, s in stored] == [
        (QUESTION, "[]", "wrong", CORRECTION, "ui"), ("那安阳呢？", f'["{QUESTION}"]', "useful", "", "ui")]
    assert stored[0][4].startswith("tieling")

    # The admin page: refused with a wrong token, then the answer marked 有误 with its citations.
    admin = context.new_page()
    admin_leaving = _outside(base, admin)
    admin.goto(f"{base}/ui-admin")
    expect(admin.get_by_role("heading", name="问答反馈与提问记录")).to_be_visible()
    admin.locator("#adm-token").fill("wrong-token-0123456789")
    admin.locator("#adm-show").click()
    expect(admin.locator("#adm-status")).to_contain_text("令牌不正确")
    expect(admin.locator("#adm-main")).to_be_hidden()
    admin.locator("#adm-token").fill(TOKEN)
    admin.locator("#adm-show").click()
    wrong = admin.locator("#adm-wrong .adm-item")
    expect(wrong).to_have_count(1)
    expect(wrong.locator(".adm-question")).to_have_text(QUESTION)
    expect(wrong.locator(".adm-correction")).to_have_text(CORRECTION)
    expect(wrong.locator(".adm-cites li").first).to_contain_text("《铁岭市“十四五”节能减排综合工作方案》")
    expect(wrong.locator(".adm-cites li.adm-chosen")).to_have_count(1)  # the source the official chose
    expect(admin.locator("#adm-useful .adm-item .adm-question")).to_have_text("那安阳呢？")
    expect(admin.locator("#adm-summary")).to_contain_text("标为“有误”的回答")
    expect(admin.locator("#adm-days")).to_contain_text("提问记录未开启")

    assert dialogs == [] and leaving == [] and admin_leaving == []
    context.close()

    # The candidates: the question as asked, the official's clause as gold, for review.
    from eval.__main__ import main

    out = tmp_path / "candidates.jsonl"
    assert main(["from-feedback", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    (candidate,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (candidate["question"], candidate["history"], candidate["gold"]) == (QUESTION, [], [CORRECTION])
    assert candidate["city"] == "铁岭市" and candidate["origin"] == "wrong"
    assert not any("not a verbatim clause" in item for item in candidate["review"])  # it is the plan's own text
    questions = Path(__file__).resolve().parents[2] / "eval" / "questions.jsonl"
    before = questions.read_bytes()
    with pytest.raises(SystemExit) as refused:  # never into the eval set itself
        main(["from-feedback", "--data-dir", str(data_dir), "--out", str(questions)])
    assert refused.value.code == 2 and questions.read_bytes() == before
