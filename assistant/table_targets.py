"""Targets of table rows: one target per value cell, with its year and column meaning.

The rows are read by `corpus.tables` (header rows, unit column, section labels, bracketed
rates and the table's note). A row "水泥熟料综合能耗 | 千克标准煤/吨 | 108 | 104 | -4" under the
header "2020年实际值 / 2025年指标: 目标值 / 变化幅度" gives three targets: 2025年目标值 104千克标准煤/吨
(year 2025), 2025年变化幅度 -4 (year 2025) and 2020年实际值 108 (year 2020, an actual value:
`Target.column` says so). A county table ("县（市、区） | COD | 氨氮 …") gives one target per
county and column, named as before ("殷都区挥发性有机物重点工程减排量", area 殷都区).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.target_model import Target

if TYPE_CHECKING:
    from assistant.model import Question
from corpus.language import (
    ASKS_ACTUAL,
    ASKS_CHANGE,
    CHANGE_COLUMN,
    CHANGE_ONLY_COLUMN,
    PERIOD_PHRASE,
    SERIES_HEAD,
)
from corpus.model import Chunk
from corpus.tables import LABEL_UNIT_RE, RowReading, Value, chunk_rows, is_actual_label
from corpus.text import compact, matching

# Values in this order within a row: what a plan sets (targets), then changes, then actuals.
_ORDER = {"target": 0, "change": 1, "actual": 2}


def table_targets(chunks: Sequence[Chunk]) -> dict[str, list[Target]]:
    """Targets of every table data row among `chunks`, keyed by chunk id."""
    readings = chunk_rows(chunks)
    out: dict[str, list[Target]] = {}
    for chunk in chunks:
        reading = readings.get(chunk.chunk_id)
        if reading is not None and reading.role == "data" and reading.values:
            out[chunk.chunk_id] = row_targets(chunk, reading)
    return out


def row_targets(chunk: Chunk, row: RowReading) -> list[Target]:
    """The targets of one data row (see the module docstring)."""
    values = sorted(row.values, key=lambda v: _ORDER[_role(v)])
    return [_area_target(chunk, row, v) if row.area else _indicator_target(chunk, row, v) for v in values]


def _role(value: Value) -> str:
    return "actual" if value.actual else ("change" if value.change else "target")


def _with_unit(value: Value, unit: str, row_unit: bool = True) -> str:
    """The value with its unit. A change of a % indicator given in a unit column ("5" under
    变化幅度 for a 比重 in %) is a change in points, not a percentage: left as written."""
    if value.value.endswith(("%", "‰")) or not unit:
        return value.value
    if unit in ("%", "‰") and row_unit and value.change:
        return value.value
    return value.value + unit


def _indicator_target(chunk: Chunk, row: RowReading, value: Value) -> Target:
    unit = "" if value.value.endswith(("%", "‰")) else row.unit
    shown = _with_unit(value, row.unit)
    clause = f"{row.name}：{value.column}{_cell(value)}{'' if shown == value.value else shown[len(value.value):]}"
    return Target(
        city=chunk.city, indicator=compact(row.name), value=shown, unit="%" if shown.endswith("%") else unit,
        qualifier=value.qualifier, year=value.year, baseline="", verb="", chunk_id=chunk.chunk_id,
        sentence=chunk.text, clause=clause, column=value.column,
    )


def _area_target(chunk: Chunk, row: RowReading, value: Value) -> Target:
    caption = row.caption
    caption_key = re.sub(r"(?:指标|目标|计划|任务)+$", "", compact(matching(caption)))
    head = SERIES_HEAD.search(caption_key)
    suffix = _as_written(head.group(), caption) if head else ""  # "重点工程减排量", as the caption writes it
    column = compact(PERIOD_PHRASE.sub("", LABEL_UNIT_RE.sub("", matching(value.column))))
    column = _as_written(column, value.column)
    name = f"{row.name}{column}{suffix if not matching(column).endswith(matching(suffix)) else ''}"
    shown = _with_unit(value, row.unit or _column_unit(value.column), row_unit=False)
    year = value.year or (2025 if PERIOD_PHRASE.search(matching(caption + value.column)) else None)
    return Target(
        city=chunk.city, indicator=name, value=shown, unit=row.unit or _column_unit(value.column),
        qualifier=value.qualifier, year=year, baseline="", verb="", chunk_id=chunk.chunk_id,
        sentence=chunk.text, clause=f"{name}：{shown}", area=row.name, column=value.column,
    )


def _as_written(cleaned: str, label: str) -> str:
    """`cleaned` (matching text) in the label's own characters when it is a span of it."""
    from corpus.text import align

    aligned = align(compact(label))
    start = aligned.text.find(cleaned)
    return compact(aligned.display(start, start + len(cleaned))) if start >= 0 and cleaned else cleaned


def _column_unit(label: str) -> str:
    m = LABEL_UNIT_RE.search(matching(label))
    return m.group("unit") if m else ""


def _cell(value: Value) -> str:
    """The value as the row writes it, brackets dropped ("[4.5%]" -> "4.5%", "<1.3" kept)."""
    return value.cell.strip("[]［］")


def is_actual(target: Target) -> bool:
    """A table value that states a past situation (2020年实际值), not a target."""
    return bool(target.column) and is_actual_label(target.column)


def column_fit(target: Target, q: "Question") -> float:
    """How the column of a table target fits the question: an actual value (2020年实际值)
    answers only a question about the actual situation or its year; a change (变化幅度) only
    one asking by how much, a target value (目标值) one asking what it is to be."""
    text = q.analysis.text
    if is_actual(target):
        asked = bool(ASKS_ACTUAL.search(text)) or (q.analysis.year is not None and q.analysis.year == target.year)
        return 0.0 if asked else -0.4
    changing = bool(CHANGE_COLUMN.search(matching(target.column)))
    if changing != bool(ASKS_CHANGE.search(text)):
        return -0.2
    return 0.0


def headline_targets(targets: Sequence[Target]) -> list[Target]:
    """`targets` with, for each table row, only what the plan sets: its target value, or its
    change where the row has no target value (a 下降率 given as [4%]); a row's 2020年实际值 and
    the change next to a target value are dropped (for views that show one figure per city
    and indicator, such as the targets explorer)."""
    has_target = {(t.chunk_id, t.indicator) for t in targets
                  if t.column and not is_actual(t) and not _changing(t)}
    out = []
    for t in targets:
        if t.column and not t.area:
            if is_actual(t) or (_changing(t) and (t.chunk_id, t.indicator) in has_target):
                continue
        out.append(t)
    return out


def _changing(target: Target) -> bool:
    return bool(CHANGE_ONLY_COLUMN.search(matching(target.column)))
