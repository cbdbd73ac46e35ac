"""Plan text -> Document: one Chunk per paragraph, with section, offsets and sentences."""
from __future__ import annotations

import re

from corpus import clean, structure
from corpus.text import matching
from corpus.model import Chunk, Document, DocumentMeta, make_chunk_id

_SENTENCE_RE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)〕】》\]]*)?|[。！？；!?;]+[”’」』）)〕】》\]]*")
_STANDALONE_ROLES = frozenset({"title", "heading", "caption", "table"})
_STARTS_NEW_ROLES = _STANDALONE_ROLES | {"inline", "addressee"}


def split_sentences(text: str) -> tuple[str, ...]:
    """Verbatim sentences of `text`, cut after 。！？； (closing quotes/brackets stay attached)."""
    return tuple(s for s in (m.group().strip() for m in _SENTENCE_RE.finditer(text)) if s)


def paragraphs(raw_text: str) -> list[clean.Paragraph]:
    """Source paragraphs of `raw_text`, with lines a conversion broke re-joined."""
    lines = clean.source_lines(raw_text)
    roles = structure.classify([line.text for line in lines], [line.tabular for line in lines])
    standalone = [r in _STANDALONE_ROLES for r in roles]
    starts_new = [r in _STARTS_NEW_ROLES for r in roles]
    return clean.rejoin(lines, standalone, starts_new)


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
