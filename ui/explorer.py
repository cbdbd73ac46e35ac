"""The 指标对比 tab of the chat page: pick an indicator (searchable, grouped by domain), optionally
places (a province selects its places); see every place's figure as a chart and a table whose
cells open their clause, grouped by province with the nation's and the province's figures as
reference rows (对标), sorted by figure, all of them or the highest / lowest N; export CSV, Excel
and the chart. `/ui/?indicator=NAME` opens the tab on that indicator (the chat's answers link
there).
"""
from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.explorer import ORDERS, Explorer, View, arrange, explorer_for
from corpus.text import fold
from ui.explorer_files import chart_png, export_rows, to_csv, to_xlsx
from ui.explorer_view import render_empty, render_view

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger("ui")
TAB_ID = "explorer"
GetAssistant = Callable[[], "Assistant"]
MAX_SEARCH_CHARS = 100
READ_SEARCH_BOX = """(query, current) => {
  const box = document.querySelector('#pqa-ind-search textarea, #pqa-ind-search input');
  return [box ? box.value : query, current];
}"""


# 显示范围: every row, or the highest / lowest N (assistant.explorer.arrange's `limit`).
LIMIT_CHOICES = [("全部", "0")] + [(f"最高{n}个", str(n)) for n in (3, 5, 10, 20)] + [(f"最低{n}个", str(-n)) for n in (3, 5, 10, 20)]
ORDER_CHOICES = [(label, value) for value, label in ORDERS.items()]


def read_limit(value: str | None) -> int:
    """The 显示范围 value as `arrange`'s limit (0 = all; anything unexpected reads as all)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def explorer_of(get_assistant: GetAssistant) -> Explorer:
    assistant = get_assistant()
    return explorer_for(assistant)


def indicator_choices(explorer: Explorer, query: str = "") -> list[tuple[str, str]]:
    """(label, value) per indicator matching `query`, grouped by domain: "能耗｜单位地区生产总值能耗（5市）"."""
    found = explorer.catalog.search(query[:MAX_SEARCH_CHARS])
    out = []
    for ind in found:
        figures, cities = explorer.counts(ind.name)
        if figures:
            out.append((f"{ind.domain}｜{ind.name}（{cities}市）", ind.name))
    return out


def enter_choice(explorer: Explorer, query: str) -> str | None:
    """The indicator Enter in the search box opens: the only one listed for `query`, or the one
    whose name, synonym or plan name `query` is exactly (单位GDP能耗); None when it is not clear."""
    listed = [value for _, value in indicator_choices(explorer, query or "")]
    if len(listed) == 1:
        return listed[0]
    key = fold((query or "").strip())
    if not key:
        return None
    exact = []
    for name in listed:
        ind = explorer.catalog.indicator(name)
        if ind is not None and key in {fold(w) for w in (ind.name, *ind.terms, *ind.names)}:
            exact.append(name)
    return exact[0] if len(exact) == 1 else None


@lru_cache(maxsize=1)
def _export_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="policyqa-explorer-"))


def _write(name: str, suffix: str, data: bytes) -> str:
    """A download file named after the indicator; the same content gives the same file."""
    digest = hashlib.sha1(data).hexdigest()[:10]
    safe = re.sub(r"[^\w\u4e00-\u9fff-]+", "", name)[:40] or "indicator"
    path = _export_dir() / f"指标对比-{safe}-{digest}{suffix}"
    if not path.exists():
        path.write_bytes(data)
    return str(path)


@dataclass(frozen=True)
class Shown:
    html: str
    csv: str | None = None
    xlsx: str | None = None
    png: str | None = None


def show_view(explorer: Explorer, indicator: str, cities: Sequence[str] = (), grouped: bool = True,
              order: str = "desc", limit: int = 0) -> tuple[View, Shown]:
    view = explorer.view(indicator, cities)
    groups = arrange(view, grouped, order if order in ORDERS else "desc", limit)
    png = chart_png(view, [r for g in groups for r in g.rows])
    rows = export_rows(view, explorer.chunk_of, groups)
    title = f"指标对比：{view.indicator.name}（{view.indicator.domain}）"
    files = Shown(
        html=render_view(view, explorer.chunk_of, png, groups),
        csv=_write(indicator, ".csv", to_csv(rows)),
        xlsx=_write(indicator, ".xlsx", to_xlsx(rows, title)),
        png=_write(indicator, ".png", png) if png else None,
    )
    return view, files


def _buttons(shown: Shown) -> list[Any]:
    return [gr.update(value=path, interactive=path is not None) for path in (shown.csv, shown.xlsx, shown.png)]


def build_explorer_tab(get_assistant: GetAssistant, city_choices: list[tuple[str, str]]) -> dict[str, Any]:
    """The tab's components (call inside `gr.Tab`); returns them for the page's load event."""

    def listed(explorer: Explorer, query: str, current: str | None) -> list[tuple[str, str]]:
        """The matches for `query`, plus the indicator shown now (it stays shown, and valid, until
        another is picked)."""
        choices = indicator_choices(explorer, query or "")
        if current and current not in {v for _, v in choices}:
            choices += [c for c in indicator_choices(explorer, current) if c[1] == current]
        return choices

    # Typing only lists (it never sets the value) and Enter sets it: the two commute, so a list
    # for the last keystroke answered after Enter's pick cannot undo the pick.
    def search(query: str, current: str | None) -> Any:
        try:
            return gr.update(choices=listed(explorer_of(get_assistant), query, current))
        except Exception:  # index not ready
            return gr.update()

    def enter(query: str, current: str | None) -> Any:
        """Enter: open the indicator when the words name one (the list's only entry, or an exact
        name or synonym); otherwise just list the matches."""
        try:
            explorer = explorer_of(get_assistant)
            chosen = enter_choice(explorer, query or "")
            return gr.update(choices=listed(explorer, query, current), value=chosen or current)
        except Exception:  # index not ready
            return gr.update()

    def show(indicator: str | None, cities: list[str] | None, grouped: bool | None = True, order: str | None = "desc",
             limit: str | None = "0") -> list[Any]:
        if not indicator:
            return [render_empty(), *_buttons(Shown(""))]
        try:
            explorer = explorer_of(get_assistant)
            if explorer.catalog.indicator(indicator) is None:
                return [render_empty("未找到该指标，请重新搜索。"), *_buttons(Shown(""))]
            _, shown = show_view(explorer, indicator, tuple(cities or ()), grouped is not False, order or "desc",
                                 read_limit(limit))
        except Exception:
            log.exception("explorer view failed for %r", indicator)
            return [render_empty("抱歉，生成对比时出错了，请稍后重试。"), *_buttons(Shown(""))]
        return [shown.html, *_buttons(shown)]

    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=260, elem_id="pqa-ind-side"):
            query = gr.Textbox(label="搜索指标", placeholder="如：单位GDP能耗、清洁取暖、污水处理",
                               max_lines=1, elem_id="pqa-ind-search")
            picker = gr.Dropdown(choices=[], value=None, label="选择指标（按领域分组）", filterable=True,
                                 elem_id="pqa-ind-pick")
            cities = gr.Dropdown(choices=city_choices, value=[], multiselect=True, label="地区筛选",
                                 info="不选则对比全部地区；选省份即含其下辖市县", elem_id="pqa-ind-cities")
            grouped = gr.Checkbox(value=True, label="按省份分组（含本省、全国参照）", elem_id="pqa-ind-grouped")
            order = gr.Radio(choices=ORDER_CHOICES, value="desc", label="按目标值排序", elem_id="pqa-ind-order")
            limit = gr.Dropdown(choices=LIMIT_CHOICES, value="0", label="显示范围", elem_id="pqa-ind-limit")
            csv_btn = gr.DownloadButton("导出 CSV", interactive=False, elem_id="pqa-ind-csv", size="md")
            xlsx_btn = gr.DownloadButton("导出 Excel", interactive=False, elem_id="pqa-ind-xlsx", size="md")
            png_btn = gr.DownloadButton("导出图表 PNG", interactive=False, elem_id="pqa-ind-png", size="md")
            gr.HTML('<div class="pqa-tips">同一单位、同一口径（如“比2020年下降”）的数值才放在一起比较；'
                    "其余数值单列并注明原因。对标：与本省、全国的目标值比较（高于、持平、低于）。"
                    "导出文件附每个数值的出处。</div>")
        with gr.Column(scale=4, min_width=480):
            view = gr.HTML(render_empty(), elem_id="pqa-ind-view")
    outputs = [view, csv_btn, xlsx_btn, png_btn]
    query.input(search, [query, picker], [picker], queue=False)
    # Enter reads the words in the box itself: pressed right after typing, the component's own
    # value may not have caught up yet. picker.change then shows the pick.
    query.submit(enter, [query, picker], [picker], queue=False, js=READ_SEARCH_BOX)
    inputs = [picker, cities, grouped, order, limit]
    for control in (picker, cities, grouped, order, limit):
        control.change(show, inputs, outputs)

    def on_load(request: gr.Request) -> list[Any]:
        """`?indicator=NAME`: open the tab on it. Otherwise list every indicator."""
        wanted = (request.query_params.get("indicator", "") if request else "")[:MAX_SEARCH_CHARS]
        try:
            explorer = explorer_of(get_assistant)
        except Exception:
            return [gr.update(), gr.update(), gr.update()]
        ind = explorer.resolve(wanted) if wanted.strip() else None
        if ind is None:
            return [gr.update(), gr.update(), gr.update(choices=indicator_choices(explorer))]
        return [gr.update(selected=TAB_ID), gr.update(value=wanted),
                gr.update(choices=indicator_choices(explorer, wanted), value=ind.name)]

    return {"on_load": on_load, "query": query, "picker": picker, "cities": cities, "view": view}
