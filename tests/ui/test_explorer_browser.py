"""End to end: the 指标对比 tab in headless system Chromium against a real uvicorn server on
the real index. Waits on conditions (Playwright `expect`), never on sleeps."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from ui.screenshot import ask, open_explorer  # noqa: E402
from policyqa.app import build_app  # noqa: E402
from ui.serve import running_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 60_000  # a shared 2-core machine: generous, and only ever waited on conditions
# Read from the plans (corpus/plans/*.txt): each city's 单位地区生产总值能耗 target for 2025.
ENERGY_INTENSITY = {"安顺市": "13%", "三门峡市": "16%", "铁岭市": "14.5%", "安阳市": "18%", "定州市": "17.5%"}
TIELING_CLAUSE = "单位地区生产总值能耗比2020年下降14.5%"


@pytest.fixture(scope="module")
def base_url(search_index) -> Iterator[str]:
    with running_server(build_app(search_index)) as url:
        yield url


def _outside(base: str, page: Any) -> list[str]:
    leaving: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else leaving.append(r.url))
    return leaving


def test_pick_by_synonym_compare_open_clause_and_export(browser, base_url, tmp_path: Path):
    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    leaving = _outside(base_url, page)
    page.goto(f"{base_url}/ui/")

    view = open_explorer(page, "单位GDP能耗", "单位地区生产总值能耗")

    rows = view.locator("#pqa-ind-rows tbody tr.pqa-row")
    expect(rows).to_have_count(len(ENERGY_INTENSITY))
    for city, value in ENERGY_INTENSITY.items():
        expect(view.locator(f'#pqa-ind-rows tr[data-city="{city}"] td.pqa-val')).to_have_text(value)
    expect(view.locator('#pqa-ind-rows tr[data-city="安顺市"] td.pqa-striving')).to_have_text("14.5%")
    chart = view.locator("img.pqa-ind-chart")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 300")
    for city in ENERGY_INTENSITY:
        assert city in (chart.get_attribute("alt") or "")
    # 安阳's county targets are listed apart, with the reason.
    expect(view.locator('#pqa-ind-apart tr[data-city="安阳市"]').first).to_contain_text("分解到")

    # 铁岭's cell opens the plan with its clause marked.
    cell = view.locator('#pqa-ind-rows tr[data-city="铁岭市"] td.pqa-val a')
    with context.expect_page() as opened:
        cell.click()
    doc = opened.value
    doc.wait_for_load_state()
    mark = doc.locator("mark.clause")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text(TIELING_CLAUSE)
    expect(mark).to_be_in_viewport()
    expect(doc.locator("h1")).to_contain_text("铁岭市")
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    doc.close()

    # CSV export: one comparable row per city with its figure and citation; the rest apart.
    button = page.locator("#pqa-ind-csv")
    expect(button).to_be_enabled()
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.click()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    comparable = {r["城市"]: r for r in table if r["类别"] == "可比"}
    assert {city: r["目标值"] for city, r in comparable.items()} == ENERGY_INTENSITY
    assert all(r["统一指标"] == "单位地区生产总值能耗" for r in table)
    assert all(r["出处"].startswith(f"《{city}") for city, r in comparable.items())
    assert TIELING_CLAUSE in comparable["铁岭市"]["原文条款"]
    assert comparable["安顺市"]["力争目标"] == "14.5%" and comparable["安顺市"]["力争目标出处"]
    apart = [r for r in table if r["类别"] == "不可比"]
    assert apart and all(r["说明"] and r["出处"] for r in apart)

    # Excel and PNG downloads are offered for the same view.
    for selector in ("#pqa-ind-xlsx", "#pqa-ind-png"):
        expect(page.locator(selector)).to_be_enabled()
    assert dialogs == [] and leaving == []
    context.close()


def test_city_filter_and_missing_cities(browser, base_url):
    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base_url}/ui/")
    view = open_explorer(page, "清洁取暖", "清洁取暖率")
    expect(view.locator('#pqa-ind-rows tr[data-city="铁岭市"] td.pqa-val')).to_have_text("70%")
    # Plans without a figure are listed, with their closest clause and a link to it.
    missing = view.locator("#pqa-ind-missing li")
    expect(missing.first).to_contain_text("未提出具体数值")
    expect(missing.first.locator("a.pqa-open")).to_have_attribute("href", re.compile("clause="))
    page.locator("#pqa-ind-cities input").click()
    page.get_by_role("option", name="铁岭市（辽宁省）").click()
    page.keyboard.press("Escape")
    expect(view.locator("#pqa-ind-missing li")).to_have_count(0)
    expect(view.locator("#pqa-ind-rows tbody tr.pqa-row")).to_have_count(1)
    page.close()


def test_answer_links_to_the_explorer(browser, base_url):
    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base_url}/ui/")
    reply = ask(page, "安阳市单位GDP能耗下降目标是多少？")
    link = reply.locator("a.pqa-explore-link", has_text="单位地区生产总值能耗")
    expect(link).to_be_visible()
    with context.expect_page() as opened:
        link.click()
    explorer = opened.value
    expect(explorer.get_by_role("tab", name="指标对比")).to_have_attribute("aria-selected", "true")
    expect(explorer.locator('#pqa-ind-rows tr[data-city="安阳市"] td.pqa-val')).to_have_text("18%")
    context.close()


@pytest.mark.parametrize("typed, opened", [
    ("单位GDP能耗", "单位地区生产总值能耗"),  # the list's only match (a synonym)
    ("能耗强度", "单位地区生产总值能耗"),  # two listed, one named exactly by this synonym
    ("污水处理率", "污水处理率"),  # two listed, one named exactly
])
def test_enter_opens_the_one_indicator_the_words_name(browser, base_url, typed, opened):
    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base_url}/ui/")
    page.get_by_role("tab", name="指标对比").click()
    search = page.locator("#pqa-ind-search input, #pqa-ind-search textarea").first
    search.fill(typed)
    search.press("Enter")  # the dropdown is never touched
    view = page.locator("#pqa-ind-view")
    expect(view.locator(".pqa-ind-name")).to_have_text(opened)
    expect(page.locator("#pqa-ind-pick input")).to_have_value(re.compile(re.escape(opened)))
    expect(view.locator("#pqa-ind-rows tbody tr.pqa-row").first).to_be_visible()
    page.close()


def test_enter_after_an_earlier_pick_opens_the_new_indicator(browser, base_url):
    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base_url}/ui/")
    page.get_by_role("tab", name="指标对比").click()
    search = page.locator("#pqa-ind-search input, #pqa-ind-search textarea").first
    name = page.locator("#pqa-ind-view .pqa-ind-name")
    for typed, opened in (("清洁取暖", "清洁取暖率"), ("污水处理率", "污水处理率"), ("单位GDP能耗", "单位地区生产总值能耗")):
        search.fill(typed)  # the list for these words and Enter's pick, sent back to back
        search.press("Enter")
        expect(page.locator("#pqa-ind-pick input")).to_have_value(re.compile(re.escape(opened)))
        expect(name).to_have_text(opened)
    page.close()


def test_enter_with_several_matches_only_lists_them(browser, base_url):
    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base_url}/ui/")
    page.get_by_role("tab", name="指标对比").click()
    search = page.locator("#pqa-ind-search input, #pqa-ind-search textarea").first
    search.fill("能耗")  # nine indicators: none is opened
    search.press("Enter")
    page.locator("#pqa-ind-pick input").click()
    expect(page.get_by_role("option", name=re.compile("｜单位地区生产总值能耗（"))).to_be_visible()
    expect(page.get_by_role("option", name=re.compile("｜人均能耗（"))).to_be_visible()
    expect(page.locator("#pqa-ind-view .pqa-ind-name")).to_have_count(0)
    page.close()


def test_grouped_by_province_sorted_and_cut_to_the_lowest(browser, base_url):
    """Grouped by province (GB/T 2260 order: 河北 13, 辽宁 21, 河南 41, 贵州 52), highest first in
    each; one list sorted by figure; the lowest three, lowest first, with their rank."""
    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base_url}/ui/")
    view = open_explorer(page, "单位GDP能耗", "单位地区生产总值能耗")
    rows = view.locator("#pqa-ind-rows tr.pqa-row")
    expect(view.locator("#pqa-ind-rows tr.pqa-group-head")).to_have_text(
        ["河北省1个地区", "辽宁省1个地区", "河南省2个地区", "贵州省1个地区"])
    expect(rows.locator("td.pqa-val")).to_have_text(["17.5%", "14.5%", "18%", "16%", "13%"])
    expect(view.locator('tr[data-city="定州市"] .pqa-level')).to_have_text("县")  # a county-level city
    page.locator("#pqa-ind-grouped input").uncheck()
    expect(view.locator("#pqa-ind-rows tr.pqa-group-head")).to_have_count(0)
    expect(rows.locator("td.pqa-val")).to_have_text(["18%", "17.5%", "16%", "14.5%", "13%"])
    expect(rows.locator("td.pqa-rank")).to_have_text(["1", "2", "3", "4", "5"])
    page.locator("#pqa-ind-limit input").click()
    page.get_by_role("option", name="最低3个").click()
    expect(rows.locator("td.pqa-val")).to_have_text(["16%", "14.5%", "13%"])
    page.locator("#pqa-ind-order").get_by_text("从低到高").click()
    expect(rows.locator("td.pqa-val")).to_have_text(["13%", "14.5%", "16%"])
    expect(rows.locator("td.pqa-rank")).to_have_text(["5", "4", "3"])
    expect(view.locator(".pqa-ind-count")).to_contain_text("当前显示3个")
    alt = view.locator("img.pqa-ind-chart").get_attribute("alt") or ""
    assert alt.index("安顺市") < alt.index("铁岭市") < alt.index("三门峡市") and "安阳市" not in alt
    page.close()
