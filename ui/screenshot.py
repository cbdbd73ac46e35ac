"""`python -m ui.screenshot [--out docs/screenshot.png]`: ask the real chat page a question
in headless Chromium and save a PNG of the answer."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "screenshot.png"
DEFAULT_QUESTION = "铁岭 2025年城镇清洁取暖率"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshot", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG file to write")
    parser.add_argument("--question", default=DEFAULT_QUESTION, help="question to ask")
    parser.add_argument("--followup", default="", help="optional follow-up asked after the question")
    parser.add_argument("--data-dir", type=Path, default=None, help="data directory (default: POLICYQA_DATA_DIR or .data/)")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from playwright.sync_api import sync_playwright

    from index.engine import SearchIndex
    from ui.serve import build_app, launch_chromium, running_server

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
        browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
