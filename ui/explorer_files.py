"""What the explorer exports: the selected view as rows with the citation of each cell (CSV,
Excel via openpyxl) and its bar chart as PNG (matplotlib, rendered on the server: no script, no CDN).
"""
from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

from assistant.explorer import SENSES, Figure, Group, Reference, Row, Versus, View, arrange
from corpus.model import Chunk

ChunkOf = Callable[[str], "Chunk | None"]

# Column headers of the export, in order (what an official reads in the spreadsheet).
COLUMNS = ("类别", "名次", "城市", "区县", "级别", "省份", "统一指标", "领域", "原文指标", "目标值", "单位", "限定",
           "目标年份", "基期", "含义", "力争目标", "对标本省", "对标全国", "说明", "原文条款", "出处", "力争目标出处",
           "段落编号")
COMPARABLE, REFERENCE, APART, MISSING = "可比", "参照", "不可比", "未提出具体数值"
# CJK fonts matplotlib may find on an official's machine or a server; the first one present wins.
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "DejaVu Sans"]
CJK_FONT_FILES = ("NotoSansCJK", "SourceHanSans", "wqy-", "msyh", "simhei", "PingFang")


def _citation(chunk_of: ChunkOf, chunk_id: str) -> tuple[str, str]:
    chunk = chunk_of(chunk_id) if chunk_id else None
    return (chunk.citation, chunk.chunk_id) if chunk else ("", chunk_id)


def _figure_row(kind: str, view: View, f: Figure, chunk_of: ChunkOf, note: str = "",
                row: Row | None = None) -> dict[str, str]:
    citation, chunk_id = _citation(chunk_of, f.chunk_id)
    striving = row.striving if row else None
    place = row.place if row else None

    def versus(v: Versus | None) -> str:
        return v.text if v else ""

    return {
        "类别": kind, "名次": str(row.rank) if row and row.rank else "", "城市": f.city, "区县": f.area,
        "级别": place.level if place else "", "省份": place.province if place else "",
        "统一指标": view.indicator.name, "领域": view.indicator.domain,
        "原文指标": f.name, "目标值": f.value, "单位": f.unit, "限定": f.qualifier,
        "目标年份": str(f.year or ""), "基期": f.baseline, "含义": SENSES.get(f.sense, ""),
        "力争目标": striving.value if striving else "",
        "对标本省": versus(row.province) if row else "", "对标全国": versus(row.nation) if row else "",
        "说明": note, "原文条款": f.clause, "出处": citation,
        "力争目标出处": _citation(chunk_of, striving.chunk_id)[0] if striving else "", "段落编号": chunk_id,
    }


def _reference_row(view: View, ref: Reference, chunk_of: ChunkOf) -> dict[str, str]:
    note = "参照（全国）" if ref.place.is_national else "参照（本省）"
    note += f"：不可比，{ref.reason}" if ref.reason else ""
    return _figure_row(REFERENCE, view, ref.row.figure, chunk_of, note, replace(ref.row, place=ref.place))


def export_rows(view: View, chunk_of: ChunkOf, groups: tuple[Group, ...] | None = None) -> list[dict[str, str]]:
    """The rows as shown (`groups`, default `arrange(view)`): the nation's reference figure
    first, each province's before its places; then figures listed apart, then cities without a
    figure."""
    groups = arrange(view) if groups is None else groups
    rows = [_reference_row(view, view.national, chunk_of)] if view.national else []
    for g in groups:
        if g.reference:
            rows.append(_reference_row(view, g.reference, chunk_of))
        rows += [_figure_row(COMPARABLE, view, r.figure, chunk_of, row=r) for r in g.rows]
    rows += [_figure_row(APART, view, a.figure, chunk_of, note=a.reason) for a in view.apart]
    for m in view.missing:
        rows.append({
            **dict.fromkeys(COLUMNS, ""), "类别": MISSING, "城市": m.city, "统一指标": view.indicator.name,
            "领域": view.indicator.domain, "说明": "方案未提出该指标的具体数值；原文条款为最接近的条款",
            "原文条款": m.sentence, "出处": m.chunk.citation if m.chunk else "",
            "段落编号": m.chunk.chunk_id if m.chunk else "",
        })
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _csv_cell(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, str]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "指标对比"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c, "") for c in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # plain text: a clause starting with "=" must never become a formula
    widths = {"原文条款": 60, "出处": 44, "力争目标出处": 30, "说明": 30, "原文指标": 28, "统一指标": 22}
    for i, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(2, i).column_letter].width = widths.get(name, 12)
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula ("=…", "+…", "@…", "-" not before a digit) is
    prefixed with an apostrophe, which spreadsheets show as text."""
    risky = value[:1] in ("=", "+", "@") or (value[:1] == "-" and not value[1:2].isdigit())
    return "'" + value if risky else value


@lru_cache(maxsize=1)
def _matplotlib():  # noqa: ANN202 - matplotlib is typed loosely; imported once, lazily
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # a missing font is not news
    present = {f.name for f in font_manager.fontManager.ttflist}
    if not present & set(CJK_FONTS[:-1]):
        # A font cache written before the CJK fonts were installed: look at the system's fonts.
        for path in font_manager.findSystemFonts():
            if any(k in path for k in CJK_FONT_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    pass
        present = {f.name for f in font_manager.fontManager.ttflist}
    rcParams["font.sans-serif"] = [f for f in CJK_FONTS if f in present] + ["DejaVu Sans"]
    rcParams["font.family"] = "sans-serif"
    rcParams["axes.unicode_minus"] = False
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    return MplFigure, FigureCanvasAgg


VERTICAL_MAX = 12  # more bars than this are drawn across, one line per place (a ranking)


def chart_png(view: View, rows: Sequence[Row] | None = None, dpi: int = 110) -> bytes | None:
    """Bar chart of the comparable figures, in the order shown (`rows`, default the view's): one
    bar per place, 力争 targets as markers, the nation's figure as a dashed line when it is
    comparable; across (one line per place) past VERTICAL_MAX places. None when no figure has a
    number."""
    rows = [r for r in (view.rows if rows is None else rows) if r.figure.number is not None]
    if not rows:
        return None
    MplFigure, FigureCanvasAgg = _matplotlib()
    across = len(rows) > VERTICAL_MAX
    size = (9.0, max(3.8, 0.3 * len(rows) + 1.6)) if across else (max(5.0, 1.3 * len(rows) + 2.5), 3.8)
    fig = MplFigure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [r.figure.city for r in rows]
    values = [r.figure.number or 0.0 for r in rows]
    positions = list(range(len(rows)))
    if across:
        bars = ax.barh(positions, values, color="#c0392b", height=0.6)
        ax.set_yticks(positions, labels, fontsize=9)
        ax.invert_yaxis()  # the first row shown on top
    else:
        bars = ax.bar(positions, values, color="#c0392b", width=0.6)
        ax.set_xticks(positions, labels)
    ax.bar_label(bars, labels=[r.figure.shown for r in rows], padding=2, fontsize=9)
    striving = [(i, r.striving.number) for i, r in enumerate(rows) if r.striving and r.striving.number is not None]
    if striving:
        xs, ys = [i for i, _ in striving], [v for _, v in striving]
        ax.scatter(ys if across else xs, xs if across else ys, marker="|" if across else "_", s=300 if across else 900,
                   linewidths=2.5, color="#1f4e79", zorder=3, label="力争目标")
        if not across:
            for i, v in striving:
                ax.annotate(f"力争{v:g}{view.unit}", (i, v), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=8, color="#1f4e79")
    national = view.national.row.figure if view.national is not None and not view.national.reason else None
    nation = national.number if national is not None else None
    if national is not None and nation is not None:
        line = ax.axvline if across else ax.axhline
        line(nation, color="#52606d", linestyle="--", linewidth=1.2, label=f"全国 {national.shown}")
    if striving or nation is not None:
        ax.legend(loc="lower right" if across else "upper right", fontsize=8, frameon=False)
    top = max(values + [v for _, v in striving] + ([nation] if nation is not None else []))
    limit = top * (1.18 if across else 1.25) if top > 0 else 1
    unit = f"（{view.unit}）" if view.unit else ""
    if across:
        ax.set_xlim(0, limit)
        ax.set_xlabel(f"{view.sense_label}{unit}")
    else:
        ax.set_ylim(0, limit)
        ax.set_ylabel(f"{view.sense_label}{unit}")
    ax.set_title(f"{view.indicator.name}：{view.sense_label}{unit}", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
