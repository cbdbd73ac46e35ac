"""What the product may have read wrong from a file: the checks shared by `python -m assistant
inspect` (corpus.ingest.inspect_file), `add` and the real-document benchmark.

- `looks_cut`: a body paragraph that stops mid-sentence while the next paragraph goes on
  with body text (not a heading, list item or table row): the sign of a paragraph cut at a line
  end. A short unpunctuated line (a title, a signature, a caption) is not a cut paragraph.
- `lost_figures`: every figure (a number with its unit, corpus.figures) of each page's own
  layout text (pdfplumber's, read independently of corpus.pdf, a space wherever characters
  stand apart) that no chunk carries. Figures are read within a whitespace-separated token, so
  two table cells side by side never make one figure.
- `warnings`: pages with no text, OCR'd pages, pages whose text layer looks garbled or noisy,
  paragraphs that look cut, figures lost.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.clean import ends_sentence
from corpus.figures import figures_of
from corpus.model import Chunk, Document
from corpus.metadata import DOC_NUMBER, parse_date
from corpus.structure import is_title_line
from corpus.pdf import TOC_RE, starts_new
from corpus.readers import SourceText
from corpus.text import compact, matching

# A "发布日期：2021.09.22" field line ends without punctuation and is whole.
_FIELD_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}\s*[:：]")
_NUMBERED_END_RE = re.compile(rf"{DOC_NUMBER}\s*[）)]?$")
# The end of an issuing body's name (a 落款 line lists them).
_ORG_END_RE = re.compile(r"(?:人民政府|委员会|办公厅|办公室|厅|局|委|部|院|署|会|行|中心|政府)$")
# A paragraph shorter than a printed line that stops on a word is a title, signature, caption
# or label line, not a cut paragraph (a line of body text holds 25 to 40 characters).
MIN_CUT_CHARS = 25
# A heading or 专栏 caption (it starts with its label) is at most this long.
MAX_LABEL_CHARS = 60
# Characters after which a sentence cannot end.
CONTINUATION_END = "，、,（(“‘《〔【—-"


@dataclass(frozen=True)
class ReadWarning:
    code: str  # "empty_pages" | "ocr_pages" | "garbled_pages" | "ocr_noise" | "cut_paragraph" | "figures_lost"
    message: str
    pages: tuple[int, ...] = ()

    def record(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "pages": list(self.pages)}


def looks_cut(chunk: Chunk, following: Chunk | None) -> bool:
    """`chunk` stops mid-sentence and `following` continues it (see the module docstring).
    A chunk ending in a comma or an opening mark is cut whatever its length; one ending in a
    word is cut only when it is as long as a printed line (MIN_CUT_CHARS) and is not a heading,
    caption, table-of-contents entry or "key：value" field line."""
    if following is None or following.doc_id != chunk.doc_id:
        return False
    if chunk.kind != following.kind or chunk.kind not in ("body", "notice") or chunk.context or following.context:
        return False
    if chunk.table_row or following.table_row or starts_new(following.text):
        return False
    text = chunk.text.rstrip()
    if not text or ends_sentence(text):
        return False
    if text[-1] in CONTINUATION_END:
        return True
    if len(text) < MIN_CUT_CHARS or _FIELD_LINE_RE.match(text) or TOC_RE.search(text):
        return False
    if is_title_line(text) or _NUMBERED_END_RE.search(matching(text)):
        return False  # a title, or a title followed by its 文号 "（工信部联原〔2022〕6号）"
    if _ORG_END_RE.search(text) and (_ORG_END_RE.search(following.text) or parse_date(following.text)):
        return False  # a 落款: the issuing bodies' names, then the next name or the date
    if "\n" in text and parse_date(text.rsplit("\n", 1)[-1]):
        return False  # a 落款 read as one chunk (corpus.chunker.signature_blocks) ends with its date
    return not (starts_new(text) and len(text) <= MAX_LABEL_CHARS)


def cut_paragraphs(document: Document) -> list[Chunk]:
    chunks = document.chunks
    return [c for c, n in zip(chunks, chunks[1:]) if looks_cut(c, n)]


def lost_figures(source: SourceText, document: Document) -> list[tuple[int, str]]:
    """(page, figure) for each figure of a page's layout text that no chunk carries."""
    if not source.raw_pages:
        return []
    carried = compact(matching("".join(c.text for c in document.chunks)))
    lost: list[tuple[int, str]] = []
    for number, raw in enumerate(source.raw_pages, start=1):
        for token in raw.split():
            for figure in figures_of(token, deadlines=False):
                if figure.text and figure.text not in carried:
                    lost.append((number, figure.text))
    return lost


def warnings(source: SourceText, document: Document) -> list[ReadWarning]:
    """What a reader of the product should check in this document (empty when all is well)."""
    from corpus import pdf_checks

    out: list[ReadWarning] = []
    empty = tuple(n for n in source.empty_pages if n not in source.garbled_pages)
    if empty:
        out.append(ReadWarning("empty_pages", "pages with no text layer (nothing read from them)", empty))
    if source.ocr_pages:
        out.append(ReadWarning("ocr_pages", "text read by OCR from page images: check figures against the page",
                               source.ocr_pages))
    if source.garbled_pages:
        out.append(ReadWarning("garbled_pages", "text layer is garbled (a font without a Unicode map): "
                               "these pages were OCR'd, or left out when OCR is not installed", source.garbled_pages))
    noisy = [n for n, raw in enumerate(source.raw_pages, start=1)
             if raw.strip() and pdf_checks.ocr_noise(raw) > pdf_checks.OCR_NOISY_PAGE]
    if noisy:
        out.append(ReadWarning("ocr_noise", "text layer looks like uncorrected OCR (stray letters between "
                               "Chinese characters)", tuple(noisy)))
    for chunk in cut_paragraphs(document):
        out.append(ReadWarning("cut_paragraph", f"paragraph looks cut: …{chunk.text[-20:]}", chunk.pages))
    lost = lost_figures(source, document)
    if lost:
        shown = "、".join(dict.fromkeys(f for _, f in lost[:10]))
        out.append(ReadWarning("figures_lost", f"{len(lost)} figure(s) of the file are in no chunk: {shown}",
                               tuple(sorted({p for p, _ in lost}))))
    return out


def summary(warnings_: Sequence[ReadWarning]) -> str:
    return "; ".join(f"{w.code} {_pages(w.pages)}".strip() for w in warnings_)


def _pages(pages: Sequence[int]) -> str:
    return f"(p. {', '.join(map(str, pages[:8]))}{'…' if len(pages) > 8 else ''})" if pages else ""
