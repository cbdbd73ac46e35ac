"""The 文件库 tab of the chat page: every indexed document, by level, province, kind and year
with counts, a title search, and a table (标题, 级别, 地区, 文种, 日期, 发文机关, 页数) whose titles
open the document in the viewer (/ui-docs/<doc_id>, as 查看原文 does).

Listing, filtering, order and counts are assistant.library's, as for GET /api/v1/documents;
the documents are those of the index served now (ui.filters.documents_of, read on every
change: an upload swaps the index). All document text goes through `ui.render.esc`.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import gradio as gr

from assistant.library import FACET_LABELS, UNKNOWN, counts, place_label, select
from corpus.model import DocumentMeta
from index.filters import FilterError
from ui.filters import ANY, FILTER_FIELDS, GetAssistant, documents_of, filter_choices, page_filters
from ui.render import document_url, esc

log = logging.getLogger("ui")
TAB_ID = "library"
MAX_ROWS = 300  # rows drawn at once; the count says how many more the filters hold
MAX_SEARCH_CHARS = 100


def dropdown_choices(documents: Sequence[DocumentMeta]) -> dict[str, list[tuple[str, str]]]:
    """(label, value) per filter dropdown, each value with its count in the library: 全部（10）,
    国家（2）, 河南省（3）…"""
    found = {field: {c.value: c.count for c in facet} for field, facet in counts(documents).items()}
    return {field: [(f"{ANY}（{len(documents)}）" if value == ANY else f"{value}（{found[field].get(value, 0)}）", value)
                    for value in values]
            for field, values in filter_choices(documents).items()}


def _facets(shown: Sequence[DocumentMeta]) -> str:
    """The counts of the documents shown, one line per facet."""
    lines = []
    for field, facet in counts(shown).items():
        items = "".join(f'<span class="pqa-lib-facet{" pqa-lib-unknown" if c.value == UNKNOWN else ""}">'
                        f'{esc(c.value)}<b>{c.count}</b></span>' for c in facet)
        lines.append(f'<div class="pqa-lib-line" data-facet="{field}"><span class="pqa-lib-label">'
                     f'{FACET_LABELS[field]}</span>{items or "—"}</div>')
    return f'<div class="pqa-lib-facets">{"".join(lines)}</div>'


def _row(meta: DocumentMeta) -> str:
    number = f'<span class="pqa-lib-number">{esc(meta.doc_number)}</span>' if meta.doc_number else ""
    return (f'<tr data-doc="{esc(meta.doc_id)}">'
            f'<td class="pqa-lib-title"><a class="pqa-lib-open" href="{esc(document_url(meta.doc_id))}" '
            f'target="_blank" rel="noopener">{esc(meta.title)}</a>{number}</td>'
            f'<td class="pqa-lib-level">{esc(meta.level or "—")}</td>'
            f'<td class="pqa-lib-place">{esc(place_label(meta))}</td>'
            f'<td class="pqa-lib-kind">{esc(meta.doc_type or "—")}</td>'
            f'<td class="pqa-lib-date">{esc(meta.date or "—")}</td>'
            f'<td class="pqa-lib-issuer">{esc(meta.issuer or "—")}</td>'
            f'<td class="pqa-lib-pages">{meta.pages or "—"}</td></tr>')


def render_library(total: int, shown: Sequence[DocumentMeta]) -> str:
    """Counts of the documents shown, then their table (at most MAX_ROWS rows)."""
    head = f"共收录{total}件文件" + (f"，符合条件{len(shown)}件" if len(shown) != total else "")
    if not shown:
        return (f'<div class="pqa-lib-view"><div class="pqa-lib-count">{esc(head)}</div>'
                '<div class="pqa-lib-empty">没有符合条件的文件，请修改标题关键词或筛选条件。</div></div>')
    more = (f'<div class="pqa-lib-more">仅列出前{MAX_ROWS}件，请用标题搜索或筛选缩小范围。</div>'
            if len(shown) > MAX_ROWS else "")
    rows = "".join(_row(m) for m in shown[:MAX_ROWS])
    return (f'<div class="pqa-lib-view"><div class="pqa-lib-count">{esc(head)}</div>{_facets(shown)}'
            '<div class="pqa-table-wrap pqa-lib-scroll"><table class="pqa-table pqa-lib-table" id="pqa-lib-rows">'
            "<thead><tr><th>标题</th><th>级别</th><th>地区</th><th>文种</th><th>日期</th><th>发文机关</th><th>页数</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></div>{more}"
            '<div class="pqa-ind-hint">点击标题，在新标签页中查看全文。</div></div>')


def library_html(documents: Sequence[DocumentMeta], level: str | None = ANY, province: str | None = ANY,
                 doc_type: str | None = ANY, year: str | None = ANY, title: str | None = "") -> str:
    """The tab's view for its controls (a filter naming nothing known is a notice, not an error)."""
    try:
        shown = select(documents, page_filters(level, province, doc_type, year), (title or "")[:MAX_SEARCH_CHARS])
    except FilterError as exc:
        return f'<div class="pqa-lib-view pqa-lib-empty">筛选条件有误：{esc(str(exc))}</div>'
    return render_library(len(documents), shown)


def build_library_tab(get_assistant: GetAssistant, documents: Sequence[DocumentMeta] = ()) -> dict[str, Any]:
    """The tab's components (call inside `gr.Tab`); `on_load` refreshes them for the documents
    indexed now."""
    seeded = dropdown_choices(documents)

    def show(level: str | None, province: str | None, doc_type: str | None, year: str | None, title: str | None) -> str:
        try:
            docs = documents_of(get_assistant)
        except Exception:  # index not ready yet
            return '<div class="pqa-lib-view pqa-lib-empty">政策库正在加载，请稍候片刻。</div>'
        try:
            return library_html(docs, level, province, doc_type, year, title)
        except Exception:
            log.exception("library view failed")
            return '<div class="pqa-lib-view pqa-lib-empty">抱歉，列出文件时出错了，请稍后重试。</div>'

    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=250, elem_id="pqa-lib-side"):
            title = gr.Textbox(label="标题搜索", placeholder="如：节能减排、两高项目、低碳", max_lines=1,
                               elem_id="pqa-lib-search")
            level = gr.Dropdown(choices=seeded["level"], value=ANY, label="级别", elem_id="pqa-lib-level")
            province = gr.Dropdown(choices=seeded["province"], value=ANY, label="省份", info="含该省及其下辖市县的文件",
                                   elem_id="pqa-lib-province")
            doc_type = gr.Dropdown(choices=seeded["doc_type"], value=ANY, label="文种", elem_id="pqa-lib-doc-type")
            year = gr.Dropdown(choices=seeded["year"], value=ANY, label="年份", info="成文日期所在年份",
                               elem_id="pqa-lib-year")
            gr.HTML('<div class="pqa-tips">括号内为各项文件数；右侧同时按级别、省份、文种、年份统计当前列出的文件。</div>')
        with gr.Column(scale=4, min_width=480):
            view = gr.HTML(library_html(documents), elem_id="pqa-lib-view")
    dropdowns = [level, province, doc_type, year]
    inputs = [*dropdowns, title]
    # .change, not .input: Gradio's Textbox fires `input` from keydown only (nothing for pasted text or
    # an IME's composed words), `change` whenever the value changes; the box is never set by code.
    title.change(show, inputs, [view], queue=False, trigger_mode="always_last")
    title.submit(show, inputs, [view], queue=False)
    for dropdown in dropdowns:
        dropdown.input(show, inputs, [view], queue=False)

    def on_load(*values: str | None) -> list[Any]:
        """Fresh choices and counts for the documents indexed now, keeping what is chosen."""
        try:
            docs = documents_of(get_assistant)
        except Exception:  # index not ready yet: keep what we have
            return [gr.update() for _ in range(len(dropdowns) + 1)]
        fresh = dropdown_choices(docs)
        level_, province_, doc_type_, year_ = (v if v in {value for _, value in fresh[f]} else ANY
                                               for f, v in zip(FILTER_FIELDS, values))
        kept = (level_, province_, doc_type_, year_)
        updates = [gr.update(choices=fresh[f], value=v) for f, v in zip(FILTER_FIELDS, kept)]
        return [*updates, library_html(docs, level_, province_, doc_type_, year_, values[-1])]

    return {"on_load": on_load, "inputs": inputs, "outputs": [*dropdowns, view], "view": view}

