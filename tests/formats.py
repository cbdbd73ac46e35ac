"""Write a parsed plan as .docx (Word tables, merged cells) or PDF (reportlab tables), in-process.

Each paragraph (chunk) becomes one paragraph of the file; each run of table rows one table,
merged as a typist would: a header label spanning the columns of its sub-labels, a header
cell spanning down over an empty cell below it, a section label spanning the whole row. The
readers (corpus.readers) must give the rows back with every merged cell once.
"""
from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

from corpus.model import Chunk, Document
from corpus.tables import chunk_rows

Block = tuple[str, list[Chunk]]  # ("paragraph" | "table", chunks)


def blocks(document: Document) -> Iterator[Block]:
    """Paragraphs one by one, table rows (chunks with tab-separated cells) grouped."""
    run: list[Chunk] = []
    for chunk in document.chunks:
        if "\t" in chunk.text:
            run.append(chunk)
            continue
        if run:
            yield "table", run
            run = []
        yield "paragraph", [chunk]
    if run:
        yield "table", run


def grid(rows: Sequence[Chunk]) -> list[list[str]]:
    width = max(len(c.text.split("\t")) for c in rows)
    return [c.text.split("\t") + [""] * (width - len(c.text.split("\t"))) for c in rows]


def merges(rows: Sequence[Chunk], document: Document) -> list[tuple[int, int, int, int]]:
    """(row0, col0, row1, col1) spans to merge, from the rows' reading (corpus.tables)."""
    readings = chunk_rows(document.chunks)
    cells = grid(rows)
    width = len(cells[0])
    roles = [readings[c.chunk_id].role if c.chunk_id in readings else "data" for c in rows]
    spans: list[tuple[int, int, int, int]] = []
    header = [i for i, role in enumerate(roles) if role == "header"]
    for r in header:
        below = [b for b in header if b > r]
        j = 0
        while j < width:
            if cells[r][j]:
                end = j
                while end + 1 < width and not cells[r][end + 1] and any(cells[b][end + 1] for b in below):
                    end += 1
                down = r
                while down + 1 in header and not any(cells[down + 1][k] for k in range(j, end + 1)):
                    down += 1
                if end > j or down > r:
                    spans.append((r, j, down, end))
                j = end + 1
            else:
                j += 1
    for r, role in enumerate(roles):
        if role == "label" and width > 1:
            spans.append((r, 0, r, width - 1))
    return spans


def to_docx(document: Document) -> bytes:
    """The plan as a .docx: paragraphs, and Word tables with merged cells."""
    import docx

    out = docx.Document()
    for kind, chunks in blocks(document):
        if kind == "paragraph":
            out.add_paragraph(chunks[0].text)
            continue
        cells = grid(chunks)
        table = out.add_table(rows=len(cells), cols=len(cells[0]))
        for r, row in enumerate(cells):
            for c, value in enumerate(row):
                if value:
                    table.cell(r, c).text = value
        for r0, c0, r1, c1 in merges(chunks, document):
            table.cell(r0, c0).merge(table.cell(r1, c1))
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


FONT = "STSong-Light"  # an Adobe standard CID font: reportlab needs no font file for it


def to_pdf(document: Document) -> bytes:
    """The plan as a PDF with a text layer: wrapped paragraphs and ruled tables."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK", spaceAfter=6)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
    story: list[object] = []
    for kind, chunks in blocks(document):
        if kind == "paragraph":
            # a chunk of several lines (a 落款: the bodies, then the date) is printed line by line
            story.extend(Paragraph(escape(line), body) for line in chunks[0].text.split("\n"))
            continue
        cells = grid(chunks)
        width = len(cells[0])
        first = 150.0 if width > 2 else 200.0
        others = (450.0 - first) / max(1, width - 1)
        table = Table([[Paragraph(escape(v), cell) for v in row] for row in cells],
                      colWidths=[first] + [others] * (width - 1))
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in merges(chunks, document)]
        table.setStyle(TableStyle(style))
        story.append(table)
        story.append(Paragraph("", body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=document.meta.title).build(story)  # type: ignore[arg-type]
    return buffer.getvalue()
