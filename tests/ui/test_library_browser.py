"""End to end: the 文件库 tab in headless system Chromium, against a real uvicorn server over
`levels_index` (the built-in plans and five real PDFs of other levels). Waits on conditions
(Playwright `expect`), never on sleeps."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from ui.screenshot import open_library  # noqa: E402
from policyqa.app import build_app  # noqa: E402
from ui.serve import running_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 60_000
HENAN_TITLE = "河南省坚决遏制“两高”项目盲目发展行动方案"


@pytest.fixture(scope="module")
def base_url(levels_index) -> Iterator[str]:
    with running_server(build_app(levels_index)) as url:
        yield url


def test_counts_filter_by_title_and_open_a_document(browser, base_url, levels_index):
    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    leaving: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:", "blob:")) else leaving.append(r.url))
    page.goto(f"{base_url}/ui/")

    view = open_library(page)
    expect(view.locator(".pqa-lib-count")).to_have_text("共收录10件文件")
    expect(view.locator("#pqa-lib-rows tbody tr")).to_have_count(10)
    levels = view.locator('.pqa-lib-line[data-facet="level"] .pqa-lib-facet')
    expect(levels).to_have_text(["国家2", "省2", "市4", "县2"])
    expect(view.locator("#pqa-lib-rows tbody tr").first.locator("td.pqa-lib-level")).to_have_text("国家")

    # The 省份 dropdown lists each province with its count; 上海市 holds its own and 徐汇区's documents.
    page.locator("#pqa-lib-province input").click()
    page.get_by_role("option", name="上海市（2）").click()
    expect(view.locator("#pqa-lib-rows tbody tr")).to_have_count(2)
    expect(view.locator("td.pqa-lib-place")).to_have_text(["上海市", "徐汇区（上海市）"])
    page.locator("#pqa-lib-province input").click()
    page.get_by_role("option", name="全部（10）").click()
    expect(view.locator("#pqa-lib-rows tbody tr")).to_have_count(10)

    # Title search: Traditional script reads the same (兩高 = 两高).
    open_library(page, "兩高")
    rows = view.locator("#pqa-lib-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(view.locator(".pqa-lib-count")).to_have_text("共收录10件文件，符合条件1件")
    henan = next(d for d in levels_index.documents if d.title == HENAN_TITLE)
    expect(rows.first).to_have_attribute("data-doc", henan.doc_id)
    expect(rows.first.locator("td.pqa-lib-pages")).to_have_text(str(henan.pages))

    with context.expect_page() as opened:
        rows.first.locator("a.pqa-lib-open").click()
    doc = opened.value
    doc.wait_for_load_state()
    assert doc.url.endswith(f"/ui-docs/{henan.doc_id}")
    expect(doc.locator("h1")).to_have_text(f"《{HENAN_TITLE}》")
    expect(doc.locator("main .para").first).to_be_visible()
    doc.close()
    assert dialogs == [] and leaving == []
    context.close()
