"""Plan text -> Document: one Chunk per paragraph, with section, offsets and sentences.

A table row is one chunk too: its display text is the row as written, its `context` the row
read with its header (corpus.tables); a news lead's `context` keeps only the clauses the
plan does not repeat (corpus.leads). Metadata the text states fills the fields the manifest
or `add` left empty (corpus.metadata).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from corpus import clean, leads, metadata, structure, tables
from corpus.pdf import pages_of
from corpus.readers import SourceText
from corpus.language import SENTENCE
from corpus.text import matching, split_sentences
from corpus.model import Chunk, ChunkKind, Document, DocumentMeta, make_chunk_id

_STANDALONE_ROLES = frozenset({"title", "heading", "caption", "table"})
_STARTS_NEW_ROLES = _STANDALONE_ROLES | {"inline", "addressee"}
# Longest chunk text. A longer source paragraph (the longest in the built-in plans has 778
# characters) is split at sentence ends into chunks of at most this many characters, so one
# huge line never becomes one huge chunk (or a huge search response).
MAX_PARAGRAPH_CHARS = 2000


def paragraphs(raw_text: str) -> list[clean.Paragraph]:
    """Source paragraphs of `raw_text`, with lines a conversion broke re-joined."""
    lines = clean.source_lines(raw_text)
    roles = structure.classify([line.text for line in lines], [line.tabular for line in lines])
    standalone = [r in _STANDALONE_ROLES for r in roles]
    starts_new = [r in _STARTS_NEW_ROLES for r in roles]
    out: list[clean.Paragraph] = []
    for para in clean.rejoin(lines, standalone, starts_new):
        out.extend(_bounded(raw_text, para) if len(para.text) > MAX_PARAGRAPH_CHARS else (para,))
    return out


def _bounded(raw: str, para: clean.Paragraph, limit: int = MAX_PARAGRAPH_CHARS) -> list[clean.Paragraph]:
    """`para` cut at sentence ends (or, inside an over-long sentence, every `limit` characters)
    into pieces of at most `limit` characters, each with its own offsets into `raw`."""
    text = para.text
    cuts, start = [], 0
    for m in SENTENCE.finditer(text):
        if m.end() - start > limit:
            if m.start() > start:
                cuts.append((start, m.start()))
                start = m.start()
            while m.end() - start > limit:
                cuts.append((start, start + limit))
                start += limit
    if start < len(text):
        cuts.append((start, len(text)))
    offsets = _raw_offsets(raw, para)
    pieces = []
    for a, b in cuts:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b and matching(text[a:b]):
            pieces.append(clean.Paragraph(text=text[a:b], start=offsets[a], end=offsets[b - 1] + 1, lines=para.lines))
    return pieces


def _raw_offsets(raw: str, para: clean.Paragraph) -> list[int]:
    """The offset in `raw` of every character of `para.text` (display text is a subsequence of
    the raw lines, except that a whitespace run may become one space)."""
    offsets: list[int] = []
    text = ""
    for line in para.lines:
        joined = clean.join_display(text, line.text)
        if len(joined) > len(text) + len(line.text):  # a space inserted between two lines
            offsets.append(offsets[-1] if offsets else line.start)
        j = line.start
        for ch in line.text:
            while j < line.end - 1 and (not raw[j].isspace() if ch.isspace() else raw[j] != ch):
                j += 1
            offsets.append(j)
            j = min(j + 1, line.end - 1)
        text = joined
    return offsets


def _raw_line(raw: str, line: clean.Line) -> str:
    """The whole source line of `line`, leading and trailing tabs included (empty cells):
    from the line break before its first character to the one after its last."""
    lo = line.start
    while lo > 0 and not clean.LINE_SEP_RE.match(raw, lo - 1):
        lo -= 1
    after = clean.LINE_SEP_RE.search(raw, line.end)
    return raw[lo : after.start() if after else len(raw)]


def table_cells(raw_text: str, paras: Sequence[clean.Paragraph]) -> list[list[str] | None]:
    """The cells of every paragraph that is one table row (None for other paragraphs)."""
    return [tables.split_cells(_raw_line(raw_text, p.lines[0])) if p.tabular and len(p.lines) == 1 else None
            for p in paras]


def parse_source(source: SourceText, meta: DocumentMeta) -> Document:
    """Parse a read source file (corpus.readers.read_source): its text, and for a PDF its
    pages (the page count goes into the metadata, each chunk gets its pages)."""
    if source.pages:
        meta = replace(meta, pages=source.pages)
    return parse_plan(source.text, meta, page_marks=source.page_marks, ocr_pages=source.ocr_pages)


def parse_plan(raw_text: str, meta: DocumentMeta, *, page_marks: Sequence[tuple[int, int]] = (),
               ocr_pages: Sequence[int] = ()) -> Document:
    """Parse decoded plan text into a Document; `start`/`end` index into `raw_text`. For a PDF,
    `page_marks` (corpus.pdf.PdfText) gives each chunk its pages, `ocr_pages` marks OCR'd text."""
    raw_text = tables.tabify(raw_text)  # same length: offsets into the decoded text hold
    paras = paragraphs(raw_text)
    texts = [p.text for p in paras]
    infos = structure.annotate(texts, [p.tabular for p in paras])
    cells = table_cells(raw_text, paras)
    rows = tables.read_rows(texts, cells)
    is_lead = [info.kind == "lead" for info in infos]
    lead_own = leads.lead_readings(texts, is_lead, [split_sentences(t) for t in texts])
    meta = metadata.merge(meta, metadata.read_metadata(texts, is_lead))
    joined = signature_blocks(raw_text, paras, [info.kind for info in infos], cells)
    seen: dict[str, int] = {}
    chunks: list[Chunk] = []
    ordinal = 0
    for i, (para, info) in enumerate(zip(paras, infos, strict=True)):
        if any(first < i <= last for first, last in joined):
            continue  # a line of the 落款 above: in its chunk
        last = next((b for a, b in joined if a == i), i)
        if last > i:
            para = _joined(paras[i:last + 1])
        ordinal += 1
        kind: ChunkKind = info.kind
        context = lead_own[i].context if i in lead_own else ""
        if i in rows and kind != "lead":
            row = rows[i]
            if row.role in ("header", "label"):
                kind = "heading"  # a table's header or section label names columns, answers nothing
            else:
                context = matching(row.context)
        # A table row shows every cell, empty ones included ("\t\t\t目标值\t变化幅度/变化率"),
        # so its columns stay aligned; its matching text (and id) is that of the line as read.
        row_cells = cells[i]
        text = "\t".join(row_cells) if row_cells is not None else para.text
        norm = matching(para.text)
        base_id = make_chunk_id(meta.doc_id, norm)
        seen[base_id] = seen.get(base_id, 0) + 1
        chunk_id = base_id if seen[base_id] == 1 else f"{base_id}-{seen[base_id]}"
        chunks.append(
            Chunk(
                chunk_id=chunk_id,
                doc_id=meta.doc_id,
                city=meta.city,
                province=meta.province,
                title=meta.title,
                section=info.section,
                section_path=info.section_path,
                paragraph=ordinal,
                section_paragraph=info.section_paragraph,
                text=text,
                match_text=norm,
                start=para.start,
                end=para.end,
                sentences=lead_own[i].sentences if i in lead_own else split_sentences(text),
                kind=kind,
                context=context,
                pages=(pages := pages_of(page_marks, para.start, para.end)),
                ocr=bool(ocr_pages) and any(p in ocr_pages for p in pages),
            )
        )
    return Document(meta=meta, chunks=tuple(chunks))


def signature_blocks(raw_text: str, paras: Sequence[clean.Paragraph], kinds: Sequence[str],
                     cells: Sequence[list[str] | None]) -> list[tuple[int, int]]:
    """(first, last) paragraph indices of every 落款 of two lines or more (corpus.metadata.signatures:
    the issuing bodies' lines, then the signature date): one chunk, since who signed and when
    are one piece of evidence ("河南省人民政府办公厅" / "2021年11月8日"). Only plain body lines
    right after one another in the source are joined (no table row, heading or lead among them)."""
    texts = [p.text for p in paras]
    out: list[tuple[int, int]] = []
    for sig in metadata.signatures(texts):
        if not sig.bodies or sig.printed or not sig.body_line:
            continue
        first = next((j for j in range(sig.index, max(-1, sig.index - metadata.MAX_SIGNATURE_LINES), -1)
                      if texts[j] == sig.body_line), None)
        if first is None or first == sig.index or (out and first <= out[-1][1]):
            continue
        block = range(first, sig.index + 1)
        if len({kinds[j] for j in block}) > 1 or kinds[first] not in ("body", "notice") or any(
                cells[j] is not None for j in block):
            continue
        source = matching(raw_text[paras[first].start:paras[sig.index].end])
        if source != "".join(matching(texts[j]) for j in block):
            continue  # something between the lines was dropped on reading: keep them apart
        out.append((first, sig.index))
    return out


def _joined(paras: Sequence[clean.Paragraph]) -> clean.Paragraph:
    """Consecutive paragraphs as one, their lines kept apart by line breaks."""
    return clean.Paragraph(text="\n".join(p.text for p in paras), start=paras[0].start, end=paras[-1].end,
                           lines=tuple(line for p in paras for line in p.lines))
