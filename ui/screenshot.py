"""`python -m ui.screenshot [--out docs/screenshot.png] [--explorer-out docs/explorer.png]
[--library-out docs/library.png]`: ask the real chat page a question in headless Chromium and
save a PNG of the answer; then open the 指标对比 tab on one indicator and save a PNG of it; then
the 文件库 tab."""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "screenshot.png"
DEFAULT_QUESTION = "铁岭 2025年城镇清洁取暖率"
DEFAULT_EXPLORER_OUT = REPO / "docs" / "explorer.png"
DEFAULT_SEARCH, DEFAULT_INDICATOR = "单位GDP能耗", "单位地区生产总值能耗"
DEFAULT_LIBRARY_OUT = REPO / "docs" / "library.png"
ANSWER_TIMEOUT_MS = 120_000
# Finished assistant messages (answers and notices), not the "searching" placeholder.
DONE_SELECTOR = "#pqa-chat .pqa-msg, #pqa-chat .pqa-notice"


def ask(page: Any, question: str, timeout_ms: int = ANSWER_TIMEOUT_MS) -> Any:
    """Type `question` into the chat page, send it, and return the locator of the new reply."""
    before = page.locator(DONE_SELECTOR).count()
    page.locator("#pqa-input textarea").fill(question)
    page.locator("#pqa-send").click()
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n"
        " && !document.querySelector('#pqa-chat .pqa-pending')",
        arg=[DONE_SELECTOR, before],
        timeout=timeout_ms,
    )
    return page.locator(DONE_SELECTOR).nth(before)


def open_explorer(page: Any, search: str, indicator: str, timeout_ms: int = ANSWER_TIMEOUT_MS) -> Any:
    """On the chat page: open the 指标对比 tab, type `search`, pick `indicator` from the list and
    return the locator of the view once its table (or its notice) is shown."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="指标对比").click()
    page.locator("#pqa-ind-search input, #pqa-ind-search textarea").first.fill(search)
    page.locator("#pqa-ind-pick input").click()
    option = page.get_by_role("option", name=re.compile(rf"｜{re.escape(indicator)}（"))
    expect(option).to_be_visible(timeout=timeout_ms)
    option.click()
    view = page.locator("#pqa-ind-view")
    expect(view.locator(".pqa-ind-name")).to_have_text(indicator, timeout=timeout_ms)
    return view


def open_library(page: Any, title: str = "", timeout_ms: int = ANSWER_TIMEOUT_MS) -> Any:
    """On the chat page: open the 文件库 tab, type `title` into its search box (when given) and
    return the locator of the view once its table (or its notice) shows the search."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="文件库").click()
    view = page.locator("#pqa-lib-view")
    expect(view.locator(".pqa-lib-count")).to_be_visible(timeout=timeout_ms)
    if title:
        before = view.inner_html()
        page.locator("#pqa-lib-search input, #pqa-lib-search textarea").first.fill(title)
        page.wait_for_function("([sel, old]) => document.querySelector(sel).innerHTML !== old",
                               arg=["#pqa-lib-view", before], timeout=timeout_ms)
    return view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshot", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG file to write")
    parser.add_argument("--question", default=DEFAULT_QUESTION, help="question to ask")
    parser.add_argument("--followup", default="", help="optional follow-up asked after the question")
    parser.add_argument("--explorer-out", type=Path, default=DEFAULT_EXPLORER_OUT,
                        help="PNG of the 指标对比 tab (empty: skip)")
    parser.add_argument("--search", default=DEFAULT_SEARCH, help="words typed into the indicator search")
    parser.add_argument("--indicator", default=DEFAULT_INDICATOR, help="indicator picked in the list")
    parser.add_argument("--library-out", type=Path, default=DEFAULT_LIBRARY_OUT,
                        help="PNG of the 文件库 tab (empty: skip)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: POLICYQA_DATA_DIR or .data/)")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from playwright.sync_api import sync_playwright

    from index.engine import SearchIndex
    from policyqa.app import build_app
    from ui.serve import launch_chromium, running_server

    try:
        index = SearchIndex.open(args.data_dir, build=True)
    except Exception as exc:  # one line, not a stack trace
        print(f"error: cannot open the index: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with running_server(build_app(index)) as base, sync_playwright() as pw:
        try:
            browser = launch_chromium(pw)
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.goto(f"{base}/ui/")
        reply = ask(page, args.question)
        if args.followup:
            reply = ask(page, args.followup)
        reply.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the chat finish its auto-scroll
        page.screenshot(path=str(args.out), full_page=True)
        print(f"wrote {args.out}")
        if str(args.explorer_out):
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.goto(f"{base}/ui/")
            view = open_explorer(page, args.search, args.indicator)
            view.locator("img.pqa-ind-chart").wait_for()
            args.explorer_out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.explorer_out), full_page=True)
            print(f"wrote {args.explorer_out}")
        if str(args.library_out) not in ("", "."):
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.goto(f"{base}/ui/")
            open_library(page).locator("#pqa-lib-rows").wait_for()
            args.library_out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.library_out), full_page=True)
            print(f"wrote {args.library_out}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
