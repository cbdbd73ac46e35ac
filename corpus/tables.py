"""Tables in plan text: header rows, unit column, section labels, bracketed rates, row context.

A table reaches the corpus as consecutive lines whose cells are tab-separated: in a .txt file
(tabs, or columns aligned with runs of spaces: `tabify`), or written so by the .docx and .pdf
readers (corpus.readers: one tab per grid column, merged cells given once). Each line is one
paragraph (one chunk); this module reads what a row *means* from the lines around it:

- header rows: the leading rows that hold labels only, one or two of them; a label spanning
  several columns (a merged cell, left empty after its first column) heads the columns whose
  sub-labels sit in the row below ("2025年指标" over "目标值" / "变化幅度/变化率" -> the columns
  "2025年目标值" and "2025年变化幅度/变化率");
- the unit: a "单位" column, a unit in a column label ("降低率目标（%）"), or a unit line above
  the table ("（单位：吨）");
- section labels: rows with only their first cell filled ("能源", "工业", ...);
- bracketed values and the table's note: "[4.5%]" under "变化幅度/变化率" with the note
  "注：[]内为变化率" is a 变化率 (rate), an unbracketed value a 变化幅度 (amount);
- area tables: a first column headed 县（市、区）/地区 names a county, not an indicator.

`read_rows` returns, per row, a `RowReading` with its values and a context sentence that
repeats the header context, e.g. "工业 水泥熟料综合能耗（千克标准煤/吨）：2020年实际值108，
2025年目标值104，2025年变化幅度-4". The chunker stores its matching text as `Chunk.context`
(what BM25, dense and target extraction read); the display text stays the row as written.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from corpus.language import ACTUAL_COLUMN, CHANGE_LABEL, TABLE_YEAR, YEAR_CELL
from corpus.text import align, compact, matching

if TYPE_CHECKING:
    from corpus.model import Chunk

RowRole = Literal["header", "label", "data"]

# A value cell: an optional comparison, a signed number, an optional unit mark; or bracketed.
_VALUE_RE = re.compile(r"^(?P<open>\[)?(?P<cmp>[<>≤≥])?(?P<num>[-+−]?\d+(?:\.\d+)?)(?P<pct>%|‰)?(?(open)\])$")
_UNIT_LINE_RE = re.compile(r"^[（(]?单位[:：]\s*(?P<unit>[^）)]{1,20})[）)]?$")
LABEL_UNIT_RE = re.compile(r"[（(](?P<unit>%|‰|[^（）()]{0,8}(?:吨|米|时|煤|公里|亩|元|千瓦|立方米|/)[^（）()]{0,8})[）)]$")
_CAPTION_UNIT_RE = re.compile(r"[（(]\s*单位[:：]\s*(?P<unit>[^）)]{1,20})[）)]")
_NOTE_RE = re.compile(r"^(?:注|备注|说明)\s*[:：]")
_BRACKET_NOTE_RE = re.compile(r"[\[［【]\s*[\]］】]\s*(?:内|中)?(?:数值|数据)?(?:为|是|表示)(?P<meaning>[^，,。；;]{1,12})")
_AREA_HEADER_RE = re.compile(r"县|区|市|地区|地方|单位名称")
_NAME_HEADER_RE = re.compile(r"^(?:指标|指标名称|项目|名称|类别|主要指标)$")
_SERIAL_RE = re.compile(r"^(?:序号|编号|序)$")
_UNIT_HEADER = frozenset({"单位", "计量单位", "指标单位"})
_COMPARISON = {"<": "低于", ">": "高于", "≤": "不超过", "≥": "不低于"}
# A line of a space-aligned table: cells separated by runs of 2+ spaces (or an ideographic space).
_SPACE_GAP_RE = re.compile(r"(?:[ \u00a0]{2,}|\u3000+)")
_SENTENCE_MARKS = set("。；;！？!?")
MAX_CELL = 40


@dataclass(frozen=True)
class Value:
    """One value cell of a data row, with the meaning of its column."""

    column: str  # display label of the column, e.g. "2025年目标值", "变化率"
    year: int | None  # the year the column is about (2020 actual, 2025 target)
    value: str  # the number as written, without brackets and comparison: "104", "-4", "4.5%"
    qualifier: str  # "低于" for "<1.3" ...; "" otherwise
    cell: str  # the cell as written ("[4.5%]", "<1.3")
    actual: bool  # the column states a past situation (实际值 / 基数 / 现状), not a target
    change: bool  # the column states a change (变化幅度 / 变化率 / 降低率 ...)


@dataclass(frozen=True)
class RowReading:
    """What one table row means."""

    index: int  # position of the row in the texts given to `read_rows`
    role: RowRole
    name: str = ""  # the row's indicator (or area), as written
    section: str = ""  # the section label above it ("工业"); "" when none
    unit: str = ""  # the row's unit ("千克标准煤/吨", "%", "吨"); "" when none
    area: bool = False  # the first column names a county / district, not an indicator
    caption: str = ""  # the table's caption line, when it has one
    values: tuple[Value, ...] = ()
    context: str = ""  # display sentence: the row read with its header context ("" for headers)


@dataclass
class _Table:
    rows: list[int] = field(default_factory=list)  # indices of its lines
    caption: str = ""
    unit: str = ""
    note: str = ""


def tabify(raw: str) -> str:
    """`raw` with the column gaps of space-aligned tables turned into tabs, length unchanged
    (each run of spaces becomes a tab followed by spaces, so offsets stay valid). A block is
    two or more consecutive lines that each split into 3+ short cells on runs of 2+ spaces
    and hold no sentence punctuation; other text is left as it is."""
    lines = raw.split("\n")
    candidate = [_space_cells(line) is not None for line in lines]
    out = list(lines)
    i = 0
    while i < len(lines):
        if not candidate[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and candidate[j]:
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                out[k] = _SPACE_GAP_RE.sub(lambda m: "\t" + " " * (len(m.group()) - 1), lines[k].rstrip("\r"))
                out[k] += lines[k][len(lines[k].rstrip("\r")):]
        i = j
    return "\n".join(out)


def _space_cells(line: str) -> list[str] | None:
    text = line.strip()
    if not text or "\t" in text or _SENTENCE_MARKS & set(text):
        return None
    cells = [c for c in _SPACE_GAP_RE.split(text) if c.strip()]
    if len(cells) < 3 or any(len(c) > MAX_CELL for c in cells):
        return None
    return cells


def split_cells(raw_line: str) -> list[str]:
    """The display text of each tab-separated cell of one raw line (empty cells kept)."""
    from corpus.clean import clean_display

    return [clean_display(cell.replace("\t", " ")) for cell in raw_line.rstrip("\r\n").split("\t")]


def parse_value(cell: str) -> tuple[str, str, bool] | None:
    """(value, qualifier, bracketed) of a value cell ("[4.5%]" -> ("4.5%", "", True),
    "<1.3" -> ("1.3", "低于", False)); None for a label."""
    m = _VALUE_RE.match(compact(matching(cell)).replace("−", "-"))
    if not m:
        return None
    return m.group("num") + (m.group("pct") or ""), _COMPARISON.get(m.group("cmp") or "", ""), bool(m.group("open"))


def chunk_rows(chunks: Sequence["Chunk"]) -> dict[str, RowReading]:
    """Readings of the table rows among `chunks` (chunk id -> reading), document by document:
    a row chunk's text holds all its cells, tab-separated (corpus.chunker)."""
    out: dict[str, RowReading] = {}
    start = 0
    while start < len(chunks):
        stop = start
        while stop < len(chunks) and chunks[stop].doc_id == chunks[start].doc_id:
            stop += 1
        group = chunks[start:stop]
        cells = [c.text.split("\t") if c.tabular and c.kind != "lead" else None for c in group]
        for i, reading in read_rows([c.text for c in group], cells).items():
            out[group[i].chunk_id] = reading
        start = stop
    return out


def read_rows(texts: Sequence[str], cells: Sequence[list[str] | None]) -> dict[int, RowReading]:
    """Readings of every table row among `texts` (display texts of consecutive paragraphs);
    `cells[i]` holds the cells of a table row (`split_cells` of its raw line), None for
    other paragraphs."""
    readings: dict[int, RowReading] = {}
    for table in _tables(texts, cells):
        readings.update(_read_table(table, cells))
    return readings


def _tables(texts: Sequence[str], cells: Sequence[list[str] | None]) -> list[_Table]:
    tables: list[_Table] = []
    i = 0
    while i < len(texts):
        if cells[i] is None:
            i += 1
            continue
        table = _Table()
        while i < len(texts) and cells[i] is not None:
            table.rows.append(i)
            i += 1
        start = table.rows[0]
        for back in range(start - 1, max(-1, start - 3), -1):  # unit line and caption above
            text = compact(texts[back])
            unit = _UNIT_LINE_RE.match(matching(text))
            if unit and not table.unit:
                table.unit = unit.group("unit").strip()
                continue
            if len(text) <= 60 and not (_SENTENCE_MARKS & set(text)):
                table.caption = texts[back]
                unit_in_caption = _CAPTION_UNIT_RE.search(matching(text))
                if unit_in_caption and not table.unit:
                    table.unit = unit_in_caption.group("unit").strip()
            break
        if i < len(texts) and _NOTE_RE.match(matching(texts[i])):
            table.note = texts[i]
        tables.append(table)
    return tables


def _is_value(cell: str) -> bool:
    return bool(cell) and parse_value(cell) is not None


def _read_table(table: _Table, all_cells: Sequence[list[str] | None]) -> dict[int, RowReading]:
    rows = [list(all_cells[i] or []) for i in table.rows]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header_count = 0
    for row in rows:
        filled = [c for c in row if c]
        numbers = [c for c in row if _is_value(c)]
        years_only = bool(numbers) and all(YEAR_CELL.match(_key(c)) for c in numbers) and not _is_value(row[0])
        if (numbers and not years_only) or (header_count and _is_label_row(row)):
            break
        if not filled:
            break
        header_count += 1
        if header_count == 3:
            break
    header = rows[:header_count]
    labels = _column_labels(header, width)
    serial = bool(labels) and bool(_SERIAL_RE.match(_key(labels[0])))
    name_col = 1 if serial and width > 1 else 0
    unit_col = next((j for j, label in enumerate(labels) if _key(label) in _UNIT_HEADER), None)
    area = bool(labels) and bool(_AREA_HEADER_RE.search(_key(labels[name_col]))) and not _NAME_HEADER_RE.match(_key(labels[name_col]))
    meaning = _bracket_meaning(table.note)
    out: dict[int, RowReading] = {}
    section = ""
    for index, row in zip(table.rows, rows):
        if row in header:
            out[index] = RowReading(index, "header", caption=table.caption)
            continue
        if _is_label_row(row):
            section = row[0]
            out[index] = RowReading(index, "label", name=row[0], caption=table.caption)
            continue
        name = row[name_col]
        unit = row[unit_col] if unit_col is not None else ""
        values: list[Value] = []
        parts: list[str] = []
        for j, cell in enumerate(row):
            if j in (name_col, unit_col) or (serial and j == 0) or not cell:
                continue
            label = labels[j] if j < len(labels) else ""
            column_unit = _label_unit(label)
            parsed = parse_value(cell)
            shown = label
            if parsed is not None:
                value, qualifier, bracketed = parsed
                shown = _alternative(label, bracketed, meaning)
                row_unit = unit or column_unit or table.unit
                if row_unit and not value.endswith(("%", "‰")):
                    value_unit = row_unit if not (unit and row_unit == unit) else ""
                else:
                    value_unit = ""
                year = _year(label) or _year(table.caption if "十四五" not in table.caption else "2025年")
                values.append(Value(column=compact(shown), year=year, value=value, qualifier=qualifier,
                                    cell=cell, actual=_is_actual(label), change=_is_change(shown)))
                if value_unit and value_unit == column_unit:
                    shown = LABEL_UNIT_RE.sub("", matching(shown)) if column_unit else shown
                parts.append(_joined(compact(shown), cell.strip("[]［］") + value_unit))
            else:
                parts.append(_joined(compact(shown), cell))
        head = f"{section}，" if section else ""
        unit_note = f"（{unit}）" if unit else ""
        context = f"{head}{name}{unit_note}：{'，'.join(parts)}" if parts else f"{head}{name}"
        out[index] = RowReading(index, "data", name=name, section=section, unit=unit or table.unit, area=area,
                                caption=table.caption, values=tuple(values), context=context)
    return out


def _is_label_row(row: Sequence[str]) -> bool:
    """A section label: only the first cell filled, and it is not a value."""
    return bool(row[0]) and not any(row[1:]) and not _is_value(row[0])


def _column_labels(header: list[list[str]], width: int) -> list[str]:
    """One label per column from one to three header rows (merged cells filled rightwards)."""
    if not header:
        return [""] * width
    filled = [list(r) for r in header]
    for r in range(len(filled) - 1):
        below = filled[r + 1 :]
        for j in range(1, width):
            if not filled[r][j] and filled[r][j - 1] and any(b[j] for b in below):
                filled[r][j] = filled[r][j - 1]
    labels = []
    for j in range(width):
        parts = [compact(r[j]) for r in filled if r[j]]
        parts = list(dict.fromkeys(parts))
        if len(parts) >= 2:
            parent = _strip_end(parts[0], _PARENT_SUFFIX_RE)
            labels.append(parent + "".join(parts[1:]))
        else:
            labels.append(parts[0] if parts else "")
    return labels


def _bracket_meaning(note: str) -> str:
    if not note:
        return ""
    aligned = align(compact(note))
    m = _BRACKET_NOTE_RE.search(aligned.text)
    return aligned.display(m.start("meaning"), m.end("meaning")) if m else ""


def _alternative(label: str, bracketed: bool, meaning: str) -> str:
    """For a column labelled "…变化幅度/变化率": the alternative the cell means (bracketed
    cells mean what the table's note says, e.g. 变化率; plain cells the other)."""
    if "/" not in label or not meaning:
        return label
    head, _, tail = compact(label).rpartition("/")
    # head = "2025年变化幅度", tail = "变化率": keep the year prefix on both alternatives.
    prefix = TABLE_YEAR.match(head)
    year = prefix.group() if prefix else ""
    first = head[len(year):]
    choices = (first, tail)
    wanted = _key(meaning)
    chosen = next((c for c in choices if _key(c) == wanted or wanted in _key(c)), None)
    if chosen is None:
        return label
    other = choices[1] if chosen == choices[0] else choices[0]
    return year + (chosen if bracketed else other)


def _joined(label: str, value: str) -> str:
    """label + value; a space between an ASCII label and a number ("COD 1697.03")."""
    if label and value and label[-1].isascii() and label[-1].isalnum() and value[0].isascii():
        return f"{label} {value}"
    return f"{label}{value}"


def _label_unit(label: str) -> str:
    m = LABEL_UNIT_RE.search(matching(label))
    return m.group("unit") if m else ""


def _year(text: str) -> int | None:
    m = TABLE_YEAR.search(matching(text))
    return int(m.group(1)) if m else None


def is_actual_label(label: str) -> bool:
    """A column label naming a past situation (实际值 / 现状 / 基数), not a target."""
    return _is_actual(label)


def _is_actual(label: str) -> bool:
    return bool(ACTUAL_COLUMN.search(_key(label)))


def _is_change(label: str) -> bool:
    return bool(CHANGE_LABEL.search(_key(label)))


def _key(text: str) -> str:
    """What every rule reads: the matching text (Traditional reads as Simplified), compact."""
    return compact(matching(text))


_PARENT_SUFFIX_RE = re.compile(r"(?:指标|目标|情况)$")


def _strip_end(text: str, pattern: re.Pattern[str]) -> str:
    """`text` (display) without the end that `pattern` matches in its matching text."""
    aligned = align(text)
    m = pattern.search(aligned.text)
    if not m or m.start() == 0:
        return text
    return aligned.display(0, m.start())
