"""Plan text -> Document: one Chunk per paragraph, with section, offsets and sentences."""
from __future__ import annotations

import re

from corpus import clean, structure
from corpus.text import matching
from corpus.model import Chunk, Document, DocumentMeta, make_chunk_id

_SENTENCE_RE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)〕】》\]]*)?|[。！？；!?;]+[”’」』）)〕】》\]]*")
_STANDALONE_ROLES = frozenset({"title", "heading", "caption", "table"})
_STARTS_NEW_ROLES = _STANDALONE_ROLES | {"inline", "addressee"}
# Longest chunk text. A longer source paragraph (the longest in the built-in plans has 778
# characters) is split at sentence ends into chunks of at most this many characters, so one
# huge line never becomes one huge chunk (or a huge search response).
MAX_PARAGRAPH_CHARS = 2000


def split_sentences(text: str) -> tuple[str, ...]:
    """Verbatim sentences of `text`, cut after 。！？； (closing quotes/brackets stay attached)."""
    return tuple(s for s in (m.group().strip() for m in _SENTENCE_RE.finditer(text)) if s)


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
    for m in _SENTENCE_RE.finditer(text):
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


def parse_plan(raw_text: str, meta: DocumentMeta) -> Document:
    """Parse decoded plan text into a Document; `start`/`end` index into `raw_text`."""
    paras = paragraphs(raw_text)
    infos = structure.annotate([p.text for p in paras], [p.tabular for p in paras])
    seen: dict[str, int] = {}
    chunks: list[Chunk] = []
    for ordinal, (para, info) in enumerate(zip(paras, infos, strict=True), start=1):
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
                text=para.text,
                match_text=norm,
                start=para.start,
                end=para.end,
                sentences=split_sentences(para.text),
                kind=info.kind,
            )
        )
    return Document(meta=meta, chunks=tuple(chunks))
