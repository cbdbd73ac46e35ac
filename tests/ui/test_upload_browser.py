"""End to end, in headless system Chromium against a real uvicorn server: an administrator adds
several files at once from the chat page (添加文件) and reads each file's result in Chinese; the
new plan is then answered from."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

from policyqa.app import create_app  # noqa: E402
from corpus.catalog import PLANS_DIR  # noqa: E402
from index.engine import SearchIndex  # noqa: E402
from index.store import EMBEDDINGS_DIR, INDEX_DIR  # noqa: E402
from policyqa.settings import Settings  # noqa: E402
from ui.screenshot import ask  # noqa: E402
from ui.serve import running_server  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "browser-upload-token-0123456789"
TIMEOUT_MS = 120_000
PLAN = "\n".join([
    "鄂州市“十四五”节能减排综合工作方案",
    "一、主要目标",
    "到2025年，全市单位地区生产总值能耗比2020年下降13.5%，能源消费总量得到合理控制。",
    "二、重点任务",
    "推进城镇绿色节能改造。到2025年，城镇新建建筑全面执行绿色建筑标准，城镇清洁取暖率达到81%以上。",
    "三、保障措施",
    "加强组织领导。市发展改革委牵头，各有关部门按职责分工负责。",
]) + "\n"


@pytest.fixture(scope="module")
def served(search_index, tmp_path_factory) -> Iterator[str]:
    """The app as `serve` builds it, uploads on, over a copy of the shared index (an upload
    here must not change the index other tests read)."""
    data_dir = tmp_path_factory.mktemp("upload-browser") / "data"
    data_dir.mkdir()
    for part in (EMBEDDINGS_DIR, INDEX_DIR):
        shutil.copytree(search_index.data_dir / part, data_dir / part)
    index = SearchIndex.open(data_dir, embedder=search_index.embedder, build=False)
    settings = Settings(data_dir=None, admin_token=TOKEN, cors_origins=(), mount_ui=True, log_questions=False)
    with running_server(create_app(settings, index=index, defer_ui=True)) as url:
        yield url


def _open_panel(page, base: str) -> None:
    page.goto(f"{base}/ui/")
    page.get_by_text("添加文件（管理员）").click()
    expect(page.locator("#pqa-up-send")).to_be_visible()


def test_several_files_added_from_the_chat_page_with_a_report_per_file(browser, served, tmp_path):
    expect.set_options(timeout=TIMEOUT_MS)
    files = tmp_path / "files"
    files.mkdir()
    (files / "鄂州市方案.txt").write_text(PLAN, encoding="utf-8")
    (files / "旧文件.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    shutil.copy(PLANS_DIR / "tieling.txt", files / "铁岭.txt")  # a built-in plan: already in

    context = browser.new_context(locale="zh-CN", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open_panel(page, served)

    page.locator("#pqa-up-token").fill("wrong-token-" + "x" * 20)
    page.locator("#pqa-up-files").set_input_files([str(files / "鄂州市方案.txt")])
    page.locator("#pqa-up-send").click()
    expect(page.locator("#pqa-up-status")).to_have_text("令牌不正确，或服务器未开启文件上传（POLICYQA_ADMIN_TOKEN）。")

    page.locator("#pqa-up-token").fill(TOKEN)
    page.locator("#pqa-up-files").set_input_files([str(files / n) for n in ("鄂州市方案.txt", "旧文件.doc", "铁岭.txt")])
    page.locator("#pqa-up-send").click()
    expect(page.locator("#pqa-up-status")).to_have_text("共 3 个文件：添加 1 个，重复 1 个，未添加 1 个。")
    rows = page.locator("#pqa-up-report li")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator(".pqa-up-name")).to_have_text("鄂州市方案.txt")
    expect(rows.nth(0).locator(".pqa-up-result")).to_contain_text("已添加《鄂州市“十四五”节能减排综合工作方案》")
    expect(rows.nth(1).locator(".pqa-up-result")).to_have_text(
        "未添加：旧版 Word/WPS 格式无法读取，请另存为 .docx 或 .pdf 后再上传")
    expect(rows.nth(2).locator(".pqa-up-result")).to_have_text(
        "政策库中已有相同内容《铁岭市“十四五”节能减排综合工作方案》，未重复添加")
    expect(rows.nth(0).locator(".pqa-up-result")).to_contain_text("已添加，已可检索")  # its job is done

    answer = ask(page, "鄂州 2025年城镇清洁取暖率是多少？")
    expect(answer.locator(".pqa-answer")).to_contain_text("81%")
    assert dialogs == []
    context.close()


def test_a_refused_single_file_is_explained_in_chinese(browser, served, tmp_path):
    empty = tmp_path / "空白.txt"
    empty.write_bytes(b"")
    page = browser.new_page()
    _open_panel(page, served)
    page.locator("#pqa-up-token").fill(TOKEN)
    page.locator("#pqa-up-files").set_input_files([str(empty)])
    page.locator("#pqa-up-send").click()
    expect(page.locator("#pqa-up-report li .pqa-up-result")).to_have_text("未添加：文件为空", timeout=TIMEOUT_MS)
    expect(page.locator("#pqa-up-status")).to_have_text("共 1 个文件：添加 0 个，重复 0 个，未添加 1 个。")
    page.close()
