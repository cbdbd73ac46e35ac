from __future__ import annotations

import csv
import io

import pytest

from assistant.explorer import Explorer
from assistant.target_model import Target
from ui.explorer_files import COLUMNS, chart_png, export_rows, to_csv, to_xlsx


def _target(city, value, *, indicator="单位地区生产总值能耗", qualifier="", verb="下降", area="", chunk_id=None):
    clause = f"{indicator}比2020年{verb}{value}"
    return Target(city=city, indicator=indicator, value=value, unit="%", qualifier=qualifier, year=2025,
                  baseline="比2020年", verb=verb, chunk_id=chunk_id or f"{city}-1", sentence=clause + "。",
                  clause=clause, area=area)


@pytest.fixture
def view(make_chunk):
    chunk = make_chunk(12, "全市单位地区生产总值能耗比2020年下降14.5%。")
    targets = [
        _target("铁岭市", "14.5%", chunk_id=chunk.chunk_id),
        _target("安顺市", "13%", qualifier="以上"),
        _target("安顺市", "=SUM(14)%", qualifier="力争"),  # hostile text must stay text
        _target("安阳市", "19%", area="林州市"),
    ]
    chunks = {chunk.chunk_id: chunk}
    explorer = Explorer(targets, ["安顺市", "铁岭市", "安阳市", "定州市"], chunks.get)
    return explorer.view("单位地区生产总值能耗"), chunks.get


def test_rows_carry_the_citation_of_each_cell(view):
    v, chunk_of = view
    rows = export_rows(v, chunk_of)
    assert [r["类别"] for r in rows] == ["可比", "可比", "不可比", "未提出具体数值"]
    tieling = next(r for r in rows if r["城市"] == "铁岭市")
    assert tieling["出处"] == chunk_of(tieling["段落编号"]).citation and tieling["目标值"] == "14.5%"
    assert next(r for r in rows if r["城市"] == "安顺市")["力争目标"].startswith("=SUM(14)")
    assert next(r for r in rows if r["区县"] == "林州市")["说明"].startswith("分解到林州市")
    assert next(r for r in rows if r["城市"] == "定州市")["说明"]


def test_csv_opens_in_excel_and_round_trips(view):
    v, chunk_of = view
    data = to_csv(export_rows(v, chunk_of))
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads it as UTF-8
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == COLUMNS and len(table) == 4
    assert next(r for r in table if r["城市"] == "安顺市")["力争目标"] == "'=SUM(14)%"  # shown as text


def test_xlsx_round_trips_and_never_holds_a_formula(view):
    from openpyxl import load_workbook

    v, chunk_of = view
    book = load_workbook(io.BytesIO(to_xlsx(export_rows(v, chunk_of), "指标对比")))
    sheet = book["指标对比"]
    header = [c.value for c in sheet[2]]
    assert tuple(header) == COLUMNS
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert len(values) == 4
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == "=SUM(14)%" for c in cells)  # kept as written, as text


def test_chart_is_a_png_and_none_without_numbers(view):
    v, _ = view
    png = chart_png(v)
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    empty = Explorer([], ["铁岭市"])
    assert empty.catalog.indicators == []


def test_chart_draws_its_chinese_labels_with_a_cjk_font(view):
    """With a CJK font on the machine (the project's install script adds Noto CJK), no label of
    the chart falls back to empty boxes, even when matplotlib's font cache predates the font."""
    import warnings

    from matplotlib import font_manager

    if not any("CJK" in p or "SourceHan" in p or "wqy-" in p for p in font_manager.findSystemFonts()):
        pytest.skip("no CJK font installed on this machine")
    v, _ = view
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a UserWarning
        assert chart_png(v) is not None
