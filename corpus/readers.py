"""Source files -> text: plain text in UTF-8 / GBK / GB18030 / BIG5 (with or without BOM),
.docx, .pdf with a text layer.

Every reader returns one line per paragraph and one line per table row, its cells separated by
tabs, one tab per grid column (corpus.tables reads the rows):
- .txt: UTF-8 (BOM optional) or UTF-16 with BOM; otherwise charset-normalizer chooses between
  GB18030 (a GBK superset) and BIG5 (read as cp950, its Windows superset).
- .docx (python-docx): body paragraphs and tables in document order; a merged cell is given
  once, in its first grid column (horizontal spans, vertical merges), the rest left empty.
- .pdf: corpus.pdf (paragraphs from layout and punctuation, running headers and page numbers
  dropped, ruled tables as rows, the page each paragraph came from; pages with no text layer
  OCR'd with the `ocr` extra, else refused naming them).
- .doc / .wps (Word 97-2003, WPS): refused with "save it as .docx or .pdf".

Anything that is not readable text is refused with an `IngestError` carrying a one-line reason.
"""
from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from corpus.clean import one_line
from corpus.errors import IngestError

Progress = Callable[[int, int], None]  # (pages read, pages in all)

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
# Share of undecodable / control / private-use characters above which bytes are not text.
MAX_BAD_SHARE = 0.02
# A .docx is a zip: refuse one whose parts would unpack to more than this (a "zip bomb": 850 KB
# that becomes 200 MB of XML), before python-docx parses any of it. Real plans unpack to < 3 MB.
MAX_DOCX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_DOCX_PARTS = 2000
# Most pages a PDF may have: the longest of the 160 real policy PDFs has 128; a 2,000-page
# file reads in about 7 minutes at 5 pages/s with memory bounded (pages are read one at a time).
MAX_PDF_PAGES = 2000
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\x0c"}


def decode_bytes(data: bytes) -> str:
    """Decode plan text: UTF-8 (BOM optional), UTF-16 with BOM, else GB18030 (a GBK superset)."""
    if not data.strip():
        raise IngestError("file is empty")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_strict(data[len(codecs.BOM_UTF8) :], "utf-8"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(_strict(data, "utf-16"))
    if b"\x00" in data:
        raise IngestError("file looks binary (contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    text = data.decode(chinese_encoding(data), errors="replace")
    if text.count("\ufffd") > MAX_BAD_SHARE * len(text):
        raise IngestError("file is not readable text (neither UTF-8 nor GBK/GB18030 nor BIG5)")
    return _checked(text)


def chinese_encoding(data: bytes) -> str:
    """"gb18030" or "cp950" (BIG5) for bytes that are not UTF-8: charset-normalizer's choice
    between the two (by how Chinese the decoded text reads); GB18030 when it cannot tell."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536], cp_isolation=["gb18030", "big5", "cp950"]).best()
    if best is not None and best.encoding in ("big5", "cp950"):
        try:
            data.decode("cp950")
            return "cp950"
        except UnicodeDecodeError:
            pass
    return "gb18030"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise IngestError(f"file is not valid {encoding.upper()} text") from None


def _checked(text: str) -> str:
    """Refuse text that is mostly control, private-use or unassigned characters."""
    if not text.strip():
        raise IngestError("file is empty")
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in _ALLOWED_CONTROLS)
    )
    if bad > MAX_BAD_SHARE * len(text):
        raise IngestError("file looks binary (too many control or undecodable characters)")
    return text


@dataclass(frozen=True)
class SourceText:
    """A source file read: its text (one paragraph or table row per line) and, for a PDF,
    where each page begins (corpus.pdf.PdfText)."""

    text: str
    pages: int = 0  # 0: the source has no pages (.txt, .docx)
    page_marks: tuple[tuple[int, int], ...] = ()
    ocr_pages: tuple[int, ...] = ()
    empty_pages: tuple[int, ...] = ()
    raw_pages: tuple[str, ...] = ()
    garbled_pages: tuple[int, ...] = ()


# Word 97-2003 and WPS files: refused with what to do (they are OLE containers, not text).
_LEGACY_WORD = (".doc", ".wps", ".et", ".dps", ".rtf", ".xls", ".ppt")


def check_suffix(suffix: str) -> str:
    """The lower-cased suffix when this product reads it; IngestError with what to do otherwise."""
    suffix = suffix.lower()
    if suffix in _LEGACY_WORD:
        raise IngestError(f"{suffix} files cannot be read: save it as .docx or .pdf and add that")
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type '{suffix or '(none)'}' (expected .txt, .docx or .pdf)")
    return suffix


def read_source(data: bytes, suffix: str, max_unpacked: int = MAX_DOCX_UNPACKED_BYTES, *,
                progress: Progress | None = None, max_pages: int = MAX_PDF_PAGES, raw: bool = False,
                ocr: bool | None = None) -> SourceText:
    """Read a plan given its bytes and file suffix (".txt", ".docx" or ".pdf"); `progress` is
    called after each PDF page, `raw` keeps each PDF page's own layout text (raw_pages), `ocr`
    False reads no page image even when the OCR extra is installed (None: OCR when installed)."""
    suffix = check_suffix(suffix)
    if not data:
        raise IngestError("file is empty")
    if suffix == ".txt":
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE: a .doc/.wps renamed
            raise IngestError("file is a Word 97-2003 or WPS document: save it as .docx or .pdf and add that")
        return SourceText(decode_bytes(data))
    if suffix == ".docx":
        check_docx_size(data, max_unpacked)
        return SourceText(_docx_text(data))
    if suffix == ".pdf":
        from corpus.pdf import read_pdf

        pdf = read_pdf(data, progress=progress, max_pages=max_pages, raw=raw, ocr=ocr)
        return SourceText(text=_checked(pdf.text), pages=pdf.pages, page_marks=pdf.page_marks,
                          ocr_pages=pdf.ocr_pages, empty_pages=pdf.empty_pages, raw_pages=pdf.raw_pages,
                          garbled_pages=pdf.garbled_pages)
    raise AssertionError(suffix)  # check_suffix admits nothing else


def read_plan_bytes(data: bytes, suffix: str, max_unpacked: int = MAX_DOCX_UNPACKED_BYTES) -> str:
    """Text of a plan given its bytes and file suffix (".txt", ".docx" or ".pdf")."""
    return read_source(data, suffix, max_unpacked).text


def read_plan_text(path: Path) -> str:
    """Text of the plan stored at `path`."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"cannot read file: {err.strerror or err}") from None
    return read_plan_bytes(data, path.suffix)


def check_docx_size(data: bytes, max_unpacked: int = MAX_DOCX_UNPACKED_BYTES) -> None:
    """Refuse a .docx whose parts unpack to more than `max_unpacked` bytes (declared sizes:
    zipfile never yields more than a member declares, it fails the CRC check instead)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise IngestError("not a valid .docx file") from None
    if len(infos) > MAX_DOCX_PARTS:
        raise IngestError(f"not a valid .docx file (more than {MAX_DOCX_PARTS} parts)")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_unpacked:
        raise IngestError(f".docx unpacks to {unpacked / 2**20:.0f} MB, more than the "
                          f"{max_unpacked / 2**20:g} MB limit")


def _docx_text(data: bytes) -> str:
    """Body paragraphs and table rows (cells tab-separated, merged cells once) in order."""
    import docx  # python-docx; imported lazily, only uploads of .docx need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise IngestError("not a valid .docx file") from err
    except Exception as err:  # python-docx raises assorted errors on malformed packages
        raise IngestError("not a valid .docx file") from err
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(one_line(Paragraph(element, document).text))
        elif tag == "tbl":
            lines.extend(_docx_rows(Table(element, document)))
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError("document has no text")
    return text


def _docx_rows(table: Any) -> list[str]:
    """One line per table row: one tab-separated cell per grid column; a cell spanning
    columns (gridSpan) or continuing a vertical merge (vMerge) is written once, in the first
    column / row it covers, and left empty elsewhere."""
    from docx.table import _Cell

    rows = []
    for tr in table._tbl.tr_lst:
        cells: list[str] = [""] * int(getattr(tr, "grid_before", 0) or 0)
        for tc in tr.tc_lst:
            span = int(tc.grid_span or 1)
            text = "" if tc.vMerge == "continue" else one_line(_Cell(tc, table).text)
            cells.extend([text] + [""] * (span - 1))
        rows.append("\t".join(cells))
    return rows


