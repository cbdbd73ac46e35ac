"""HTML of one explorer view (the 指标对比 tab): chart, comparable table, figures listed apart,
cities without a figure. Every cell links to its clause, marked in the document viewer
(`ui.document_view.clause_url`). All document text goes through `ui.render.esc`.

The table shows the rows as `assistant.explorer.arrange` groups them: the nation's figure first
(a reference row), then one band per province (its own figure as reference row when it states
one) with its places, or one list sorted by figure; 对标本省 / 对标全国 columns when the view has
reference figures.
"""
from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from urllib.parse import quote

from assistant.explorer import Figure, Group, Reference, Row, Versus, View, arrange
from corpus.model import Chunk
from ui.document_view import clause_url
from ui.render import esc

ChunkOf = Callable[[str], "Chunk | None"]
UI_PATH = "/ui"
FOLDED_CHART = 12  # more bars than this: the chart is folded under the table's summary


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


def _cell(f: Figure | None, text: str, chunk_of: ChunkOf, cls: str, after: str = "") -> str:
    """A cell linking to the figure's clause; `after`: HTML built here, put after the link."""
    chunk = chunk_of(f.chunk_id) if f else None
    if f is None or chunk is None or not text:
        return f'<td class="{cls}">{esc(text)}{after}</td>'
    href = clause_url(chunk, f.clause)
    title = f"{chunk.citation}：{f.clause}"
    return (f'<td class="{cls}"><a class="pqa-cell" href="{esc(href)}" target="_blank" rel="noopener" '
            f'title="{esc(title)}">{esc(text)}</a>{after}</td>')


def _figure_cells(f: Figure, chunk_of: ChunkOf) -> str:
    return "".join(_cell(f, text, chunk_of, cls) for text, cls in (
        (f.value, "pqa-val"), (f.unit or "—", "pqa-unit"), (f.qualifier or "—", "pqa-qual-cell"),
        (str(f.year or "—"), "pqa-year"), (f.baseline or "—", "pqa-base"),
    ))


def chart_img(png: bytes | None, view: View, rows: Sequence[Row] | None = None) -> str:
    if png is None:
        return '<div class="pqa-ind-nochart">没有可绘制的可比数值。</div>'
    alt = "；".join(f"{r.figure.city}{r.figure.shown}" for r in (view.rows if rows is None else rows))
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="pqa-ind-chart" alt="{esc(view.indicator.name + "：" + alt)}" src="data:image/png;base64,{data}">'


_VERSUS_CLASS = {"高于": "pqa-vs-high", "持平": "pqa-vs-even", "低于": "pqa-vs-low"}
_VERSUS_MARK = {"高于": "↑", "持平": "＝", "低于": "↓"}


def _versus_cell(v: Versus | None, figure: Figure, kind: str) -> str:
    """对标 cell: 高于 / 持平 / 低于 with the reference's value, or 不可比 with the reason."""
    if v is None:
        return f'<td class="pqa-vs pqa-vs-{kind}">—</td>'
    if not v.word:
        return (f'<td class="pqa-vs pqa-vs-{kind} pqa-vs-none" title="{esc(v.text)}">不可比'
                f'<span class="pqa-vs-why">{esc(v.reason)}</span></td>')
    title = f"{figure.city} {figure.value} {v.word} {v.place} {v.reference.value}"
    return (f'<td class="pqa-vs pqa-vs-{kind} {_VERSUS_CLASS[v.word]}" title="{esc(title)}">'
            f'{_VERSUS_MARK[v.word]}{esc(v.word)}<span class="pqa-vs-ref">{esc(v.place)} {esc(v.reference.value)}</span></td>')


def _row(r: Row, chunk_of: ChunkOf, versus: bool, province: bool) -> str:
    """One place's row; `province`: name its province (a list not grouped by province)."""
    level = f'<span class="pqa-level">{esc(r.place.level)}</span>' if r.place and r.place.level in ("省", "县") else ""
    if province and r.place and r.place.province and not r.place.is_province:
        level += f'<span class="pqa-row-province">{esc(r.place.province)}</span>'
    return (f'<tr class="pqa-row" data-city="{esc(r.figure.city)}">'
            f'<td class="pqa-rank">{r.rank or ""}</td>'
            + _cell(r.figure, r.figure.city, chunk_of, "pqa-city-cell", level)
            + _figure_cells(r.figure, chunk_of)
            + _cell(r.striving, r.striving.value if r.striving else "—", chunk_of, "pqa-striving")
            + ((_versus_cell(r.province, r.figure, "province") + _versus_cell(r.nation, r.figure, "nation"))
               if versus else "")
            + _cell(r.figure, r.figure.name, chunk_of, "pqa-name")
            + "</tr>")


def _reference_row(ref: Reference, chunk_of: ChunkOf, versus: bool, count: int | None = None) -> str:
    """The nation's or a province's figure, as a band above its places."""
    f, kind = ref.row.figure, "nation" if ref.place.is_national else "province"
    label = f"{f.city}（{'国家' if ref.place.is_national else '省级'}参照）"
    why = f'<span class="pqa-ref-why">不可比：{esc(ref.reason)}</span>' if ref.reason else ""
    places = f'<span class="pqa-group-count">{count}个地区</span>' if count is not None else ""
    return (f'<tr class="pqa-ref pqa-ref-{kind}" data-ref="{esc(f.city)}">'
            '<td class="pqa-rank">参照</td>'
            + _cell(f, label, chunk_of, "pqa-city-cell", places + why)
            + _figure_cells(f, chunk_of)
            + _cell(ref.row.striving, ref.row.striving.value if ref.row.striving else "—", chunk_of, "pqa-striving")
            + ('<td class="pqa-vs">—</td><td class="pqa-vs">—</td>' if versus else "")
            + _cell(f, f.name, chunk_of, "pqa-name")
            + "</tr>")


def _group_head(group: Group, columns: int) -> str:
    """A province's band when it states no figure of its own (or places of no known province)."""
    name = group.province or "其他地区"
    return (f'<tr class="pqa-group-head" data-province="{esc(name)}"><td colspan="{columns}">'
            f'{esc(name)}<span class="pqa-group-count">{len(group.rows)}个地区</span></td></tr>')


def render_rows(view: View, groups: Sequence[Group], chunk_of: ChunkOf) -> str:
    """The comparable table: the nation's reference row, then the groups."""
    versus = view.national is not None or bool(view.references)
    columns = 9 + (2 if versus else 0)
    body = [_reference_row(view.national, chunk_of, versus)] if view.national else []
    for group in groups:
        banded = bool(group.province) or len(groups) > 1  # grouped by province (one list: a single group "")
        if banded:
            body.append(_reference_row(group.reference, chunk_of, versus, len(group.rows)) if group.reference
                        else _group_head(group, columns))
        body.extend(_row(r, chunk_of, versus, not banded) for r in group.rows)
    head = ("<th>名次</th><th>地区</th><th>目标值</th><th>单位</th><th>限定</th><th>目标年份</th><th>基期</th>"
            "<th>力争目标</th>" + ("<th>对标本省</th><th>对标全国</th>" if versus else "") + "<th>原文指标</th>")
    return (f'<div class="pqa-table-wrap pqa-ind-scroll"><table class="pqa-table pqa-ind-table" id="pqa-ind-rows">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _summary(view: View, groups: Sequence[Group]) -> str:
    shown = sum(len(g.rows) for g in groups)
    provinces = len({r.place.province for r in view.rows if r.place and r.place.province})
    parts = [f"可比数值：{len(view.rows)}个地区" + (f"（{provinces}个省份）" if provinces > 1 else "")]
    if shown != len(view.rows):
        parts.append(f"当前显示{shown}个")
    if view.national_places and view.national is None:
        parts.append("国家文件未提出该指标的数值")
    return f'<div class="pqa-ind-count">{esc("；".join(parts))}</div>'


def render_view(view: View, chunk_of: ChunkOf, png: bytes | None, groups: Sequence[Group] | None = None) -> str:
    """The whole view; `groups` are its rows as shown (`arrange`; default: grouped by province)."""
    groups = arrange(view) if groups is None else groups
    ind = view.indicator
    comparable = bool(view.rows or view.national or view.references)
    head = (f'<div class="pqa-ind-head"><span class="pqa-ind-domain">{esc(ind.domain)}</span>'
            f'<span class="pqa-ind-name">{esc(ind.name)}</span>'
            + (f'<span class="pqa-ind-sense">可比口径：{esc(view.sense_label)}'
               f'{"（" + esc(view.unit) + "）" if view.unit else ""}</span>' if comparable else "")
            + "</div>")
    parts = [head]
    if comparable:
        parts.append(_summary(view, groups))
        shown = [r for g in groups for r in g.rows]
        if len(shown) > FOLDED_CHART:  # many places: the table first, the long chart on demand
            parts.append(f'<details class="pqa-ind-chart-box"><summary>柱状图（{len(shown)}个地区，点击展开）</summary>'
                         f"{chart_img(png, view, shown)}</details>")
        elif view.rows:
            parts.append(chart_img(png, view, shown))
        parts.append(render_rows(view, groups, chunk_of))
        parts.append('<div class="pqa-ind-hint">点击任一单元格，查看原文条款（在原文中高亮）。'
                     + ("对标：与本省、全国同一口径、同一单位的目标值比较；单位或口径不同的不作比较。"
                        if view.national or view.references else "") + "</div>")
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
            "<thead><tr><th>地区</th><th>目标值</th><th>原文指标</th><th>不可比原因</th></tr></thead>"
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
        parts.append('<div class="pqa-ind-sub">未提出该指标具体数值的地区</div>'
                     f'<ul class="pqa-ind-missing" id="pqa-ind-missing">{"".join(items)}</ul>')
    return f'<div class="pqa-ind-view">{"".join(parts)}</div>'


def render_empty(text: str = "请先在左侧搜索并选择一个指标。") -> str:
    return f'<div class="pqa-ind-view pqa-ind-empty">{esc(text)}</div>'
