"""End to end: the chat page in headless system Chromium against a real uvicorn server."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from assistant.model import Answer, Citation  # noqa: E402
from ui.screenshot import ask  # noqa: E402
from policyqa.app import build_app  # noqa: E402
from ui.serve import running_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIELING = "《铁岭市“十四五”节能减排综合工作方案》"


class _Guard:
    """Collects dialogs (an alert means injected script ran) and requests leaving the server."""

    def __init__(self, page: Any, base: str) -> None:
        self.dialogs: list[str] = []
        self.external: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else self.external.append(r.url))


@pytest.fixture(scope="module")
def base_url(search_index) -> Iterator[str]:
    with running_server(build_app(search_index)) as url:
        yield url


def test_ask_follow_up_and_open_the_source(browser, base_url):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    guard = _Guard(page, base_url)
    page.goto(f"{base_url}/ui/")
    expect(page.get_by_text("节能减排政策问答助手").first).to_be_visible()

    first = ask(page, "铁岭 2025年城镇清洁取暖率")
    expect(first.locator(".pqa-answer")).to_contain_text("70%")
    expect(first.locator(".pqa-card").first.locator(".pqa-doc")).to_have_text(TIELING)
    expect(first.locator(".pqa-card mark").first).to_contain_text("70%")

    second = ask(page, "那安阳呢？")
    expect(second.locator(".pqa-answer")).to_contain_text("安阳")
    expect(second.locator(".pqa-card").first.locator(".pqa-doc")).to_contain_text("安阳市")

    link = first.locator("a.pqa-open").first
    anchor = link.get_attribute("href").split("#", 1)[1]
    with context.expect_page() as opened:
        link.click()
    doc = opened.value
    doc.wait_for_load_state()
    assert doc.url.endswith(f"#{anchor}")
    assert doc.evaluate("document.querySelector(':target')?.id") == anchor
    target = doc.locator(f"#{anchor}")
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("70%")
    assert doc.evaluate(f"getComputedStyle(document.getElementById('{anchor}')).backgroundColor") not in (
        "rgba(0, 0, 0, 0)", "transparent")
    expect(doc.locator("h1")).to_contain_text(TIELING)

    assert guard.dialogs == [] and guard.external == []
    context.close()


def test_side_controls_empty_input_and_clear(browser, base_url):
    page = browser.new_page()
    page.goto(f"{base_url}/ui/")
    page.locator("#pqa-cities input").click()  # the city list comes from the corpus on page load
    for label in ("铁岭市（辽宁省）", "安阳市（河南省）", "定州市（河北省）"):
        expect(page.get_by_role("option", name=label)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_text("高级设置")).to_be_visible()
    notice = ask(page, "")
    expect(notice).to_contain_text("请输入问题")
    page.locator("#pqa-clear").click()
    expect(page.locator("#pqa-chat .pqa-notice")).to_have_count(0)
    page.close()


# --- hostile document text, served by a stub assistant: the page must show it as text -----


class _HostileAssistant:
    """Answers every question with one citation whose paragraph holds markup."""

    def __init__(self, chunks, meta) -> None:
        self._chunks, self.documents = chunks, (meta,)
        self.index = self

    def document_chunks(self, doc_id):
        return self._chunks if doc_id == self.documents[0].doc_id else ()

    def neighbours(self, chunk_id, before=1, after=1):
        return tuple(c for c in self._chunks if c.chunk_id != chunk_id)

    def answer(self, question, history=(), cities=(), mode="hybrid", filters=None):
        chunk = self._chunks[1]
        return Answer(question=question, resolved_query=question, kind="figure", text="到2025年达到70%。",
                      citations=(Citation(n=1, chunk=chunk, highlight="到2025年，清洁取暖率达到70%。", score=1.0),))


def test_markup_in_documents_is_shown_as_text(browser, make_chunk, hostile_chunk, meta):
    from fastapi import FastAPI

    from ui.app import mount_ui

    stub = _HostileAssistant((make_chunk(11, "上一段"), hostile_chunk, make_chunk(13, "下一段")), meta)
    app = FastAPI()
    mount_ui(app, lambda: stub)
    with running_server(app) as base:
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page = context.new_page()
        guard = _Guard(page, base)
        page.goto(f"{base}/ui/")
        reply = ask(page, "铁岭")
        para = reply.locator(".pqa-para")
        expect(para).to_contain_text("<script>alert(1)</script> **bold**")
        assert reply.locator(".pqa-para script, .pqa-para strong").count() == 0

        reply.locator("summary").first.click()
        expect(reply.locator(".pqa-ctx").first).to_be_visible()

        reply.locator(".pqa-copy").first.click()
        expect(reply.locator(".pqa-copy").first).to_have_text("已复制")
        assert page.evaluate("navigator.clipboard.readText()") == hostile_chunk.citation

        doc = context.new_page()
        doc.on("dialog", lambda d: (guard.dialogs.append(d.message), d.dismiss()))
        doc.goto(f"{base}/ui-docs/{hostile_chunk.doc_id}#p-{hostile_chunk.paragraph}")
        expect(doc.locator(f"#p-{hostile_chunk.paragraph}")).to_contain_text("<script>alert(1)</script>")
        assert guard.dialogs == [] and guard.external == []
        context.close()


@pytest.fixture(scope="module")
def levels_base_url(levels_index) -> Iterator[str]:
    with running_server(build_app(levels_index)) as url:
        yield url


def test_file_filters_restrict_the_sources(browser, levels_base_url):
    """文件筛选: 级别 国家 and a 发文机关 typed in; the answer cites only that national notice."""
    from tests.filter_cases import CHAT_QUESTION

    page = browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900}).new_page()
    page.goto(f"{levels_base_url}/ui/")
    page.get_by_text("文件筛选").click()
    page.locator("#pqa-level input").click()
    page.get_by_role("option", name="国家", exact=True).click()
    page.locator("#pqa-issuer textarea, #pqa-issuer input").first.fill("国家发展改革委")
    reply = ask(page, CHAT_QUESTION)
    docs = reply.locator(".pqa-card .pqa-doc")
    expect(docs.first).to_be_visible()
    assert all(title.startswith("《国家发展改革委") for title in docs.all_inner_texts()), docs.all_inner_texts()
