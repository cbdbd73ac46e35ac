"""HTML of one explorer view (the 指标对比 tab): chart, comparable table, figures listed apart,
cities without a figure. Every cell links to its clause, marked in the document viewer
(`ui.document_view.clause_url`). All document text goes through `ui.render.esc`.
"""
from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from urllib.parse import quote

from assistant.explorer import Figure, View
from corpus.model import Chunk
from ui.document_view import clause_url
from ui.render import esc

ChunkOf = Callable[[str], "Chunk | None"]
UI_PATH = "/ui"


def explorer_url(indicator: str) -> str:
    """The chat page opened on the 指标对比 tab for one indicator."""
    return f"{UI_PATH}/?indicator={quote(indicator, safe='')}"


def render_links(names: Sequence[str]) -> str:
    """Links from a chat answer to the explorer, one per indicator the question names."""
    if not names:
        return ""
    links = "、".join(
        f'<a class="pqa-explore-link" href="{esc(explorer_url(n))}" target="_blank" rel="noopener">{esc(n)}</a>'
        for n in names
    )
    return f'<div class="pqa-explore">各市对比（指标对比）：{links}</div>'


def _cell(f: Figure | None, text: str, chunk_of: ChunkOf, cls: str) -> str:
    chunk = chunk_of(f.chunk_id) if f else None
    if f is None or chunk is None or not text:
        return f'<td class="{cls}">{esc(text)}</td>'
    href = clause_url(chunk, f.clause)
    title = f"{chunk.citation}：{f.clause}"
    return (f'<td class="{cls}"><a class="pqa-cell" href="{esc(href)}" target="_blank" rel="noopener" '
            f'title="{esc(title)}">{esc(text)}</a></td>')


def _figure_cells(f: Figure, chunk_of: ChunkOf) -> str:
    return "".join(_cell(f, text, chunk_of, cls) for text, cls in (
        (f.value, "pqa-val"), (f.unit or "—", "pqa-unit"), (f.qualifier or "—", "pqa-qual-cell"),
        (str(f.year or "—"), "pqa-year"), (f.baseline or "—", "pqa-base"),
    ))


def chart_img(png: bytes | None, view: View) -> str:
    if png is None:
        return '<div class="pqa-ind-nochart">没有可绘制的可比数值。</div>'
    alt = "；".join(f"{r.figure.city}{r.figure.shown}" for r in view.rows)
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="pqa-ind-chart" alt="{esc(view.indicator.name + "：" + alt)}" src="data:image/png;base64,{data}">'


def render_view(view: View, chunk_of: ChunkOf, png: bytes | None) -> str:
    ind = view.indicator
    head = (f'<div class="pqa-ind-head"><span class="pqa-ind-domain">{esc(ind.domain)}</span>'
            f'<span class="pqa-ind-name">{esc(ind.name)}</span>'
            + (f'<span class="pqa-ind-sense">可比口径：{esc(view.sense_label)}'
               f'{"（" + esc(view.unit) + "）" if view.unit else ""}</span>' if view.rows else "")
            + "</div>")
    parts = [head]
    if view.rows:
        parts.append(chart_img(png, view))
        body = "".join(
            f'<tr data-city="{esc(r.figure.city)}">'
            + _cell(r.figure, r.figure.city, chunk_of, "pqa-city-cell")
            + _figure_cells(r.figure, chunk_of)
            + _cell(r.striving, r.striving.value if r.striving else "—", chunk_of, "pqa-striving")
            + _cell(r.figure, r.figure.name, chunk_of, "pqa-name")
            + "</tr>"
            for r in view.rows
        )
        parts.append(
            '<div class="pqa-table-wrap"><table class="pqa-table pqa-ind-table" id="pqa-ind-rows">'
            "<thead><tr><th>城市</th><th>目标值</th><th>单位</th><th>限定</th><th>目标年份</th><th>基期</th>"
            "<th>力争目标</th><th>原文指标</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
            '<div class="pqa-ind-hint">点击任一单元格，查看原文条款（在原文中高亮）。</div>'
        )
    if view.apart:
        body = "".join(
            f'<tr data-city="{esc(a.figure.city)}">'
            + _cell(a.figure, a.figure.city + (f"·{a.figure.area}" if a.figure.area else ""), chunk_of, "pqa-city-cell")
            + _cell(a.figure, a.figure.value, chunk_of, "pqa-val")
            + _cell(a.figure, a.figure.name, chunk_of, "pqa-name")
            + f'<td class="pqa-reason">{esc(a.reason)}</td></tr>'
            for a in view.apart
        )
        parts.append(
            '<div class="pqa-ind-sub">不可直接比较的数值</div>'
            '<div class="pqa-table-wrap"><table class="pqa-table pqa-ind-apart" id="pqa-ind-apart">'
            "<thead><tr><th>城市</th><th>目标值</th><th>原文指标</th><th>不可比原因</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
        )
    if view.missing:
        items = []
        for m in view.missing:
            if m.chunk is not None:
                link = (f'<a class="pqa-open" href="{esc(clause_url(m.chunk, m.sentence))}" target="_blank" '
                        f'rel="noopener">查看原文</a>')
                closest = f'<span class="pqa-closest">最接近的条款：{esc(m.sentence)}</span>{link}'
            else:
                closest = '<span class="pqa-closest">未找到相关条款</span>'
            items.append(f'<li data-city="{esc(m.city)}"><strong>{esc(m.city)}</strong>：未提出具体数值。{closest}</li>')
        parts.append('<div class="pqa-ind-sub">未提出该指标具体数值的城市</div>'
                     f'<ul class="pqa-ind-missing" id="pqa-ind-missing">{"".join(items)}</ul>')
    return f'<div class="pqa-ind-view">{"".join(parts)}</div>'


def render_empty(text: str = "请先在左侧搜索并选择一个指标。") -> str:
    return f'<div class="pqa-ind-view pqa-ind-empty">{esc(text)}</div>'
