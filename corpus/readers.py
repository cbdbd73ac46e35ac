"""Source files -> text: plain text in UTF-8 / GBK / GB18030 / BIG5 (with or without BOM),
.docx, .pdf with a text layer.

Every reader returns one line per paragraph and one line per table row, its cells separated by
tabs, one tab per grid column (corpus.tables reads the rows):
- .txt: UTF-8 (BOM optional) or UTF-16 with BOM; otherwise charset-normalizer chooses between
  GB18030 (a GBK superset) and BIG5 (read as cp950, its Windows superset).
- .docx (python-docx): body paragraphs and tables in document order; a merged cell is given
  once, in its first grid column (horizontal spans, vertical merges), the rest left empty.
- .pdf (pdfplumber, on pdfminer.six): tables found from their ruling lines, each row's cells
  tab-separated (spanned cells empty); the text around them re-assembled into paragraphs from
  the layout (a line that runs to the right margin continues on the next line, unless that
  one is indented or a wider gap separates them); bare page numbers dropped. A PDF without a
  text layer (a scan) is refused with that reason: OCR is not done here.

Anything that is not readable text is refused with an `IngestError` carrying a one-line reason.
"""
from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from corpus.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
# Share of undecodable / control / private-use characters above which bytes are not text.
MAX_BAD_SHARE = 0.02
# A .docx is a zip: refuse one whose parts would unpack to more than this (a "zip bomb": 850 KB
# that becomes 200 MB of XML), before python-docx parses any of it. Real plans unpack to < 3 MB.
MAX_DOCX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_DOCX_PARTS = 2000
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


def read_plan_bytes(data: bytes, suffix: str, max_unpacked: int = MAX_DOCX_UNPACKED_BYTES) -> str:
    """Text of a plan given its bytes and file suffix (".txt", ".docx" or ".pdf")."""
    suffix = suffix.lower()
    if not data:
        raise IngestError("file is empty")
    if suffix == ".txt":
        return decode_bytes(data)
    if suffix == ".docx":
        check_docx_size(data, max_unpacked)
        return _docx_text(data)
    if suffix == ".pdf":
        return _pdf_text(data)
    raise IngestError(f"unsupported file type '{suffix or '(none)'}' (expected .txt, .docx or .pdf)")


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
            lines.append(_one_line(Paragraph(element, document).text))
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
            text = "" if tc.vMerge == "continue" else _one_line(_Cell(tc, table).text)
            cells.extend([text] + [""] * (span - 1))
        rows.append("\t".join(cells))
    return rows


def _one_line(text: str) -> str:
    """A paragraph or cell as one line: line breaks inside it joined (a space only between
    two Latin words), tabs (which would read as column breaks) made spaces."""
    from corpus.clean import join_display

    out = ""
    for part in text.replace("\t", " ").splitlines():
        out = join_display(out, part.strip()) if out else part.strip()
    return out


def _pdf_text(data: bytes) -> str:
    """Paragraphs and table rows of a PDF with a text layer (see the module docstring)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_pdf_page_items(page) for page in pdf.pages]
            images = sum(len(page.images) for page in pdf.pages)
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, OSError, AssertionError) as err:
        raise IngestError("not a valid PDF file") from err
    except Exception as err:  # pdfminer raises assorted errors on malformed files
        raise IngestError("not a valid PDF file") from err
    if not any(items for items, _ in pages):
        reason = "scanned image?" if images else "no characters on any page"
        raise IngestError(f"PDF has no text layer ({reason}); OCR is not supported: add a PDF with "
                          "text, a .docx or a .txt")
    return _checked("\n".join(_pdf_paragraphs(pages)))


_PAGE_NUMBER_RE = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–\s]*$")


def _pdf_page_items(page: Any) -> tuple[list[dict[str, Any]], float]:
    """(items, right margin) of one page: text lines outside tables and table rows, top to
    bottom; a table row item has "row" (its cells), a line "text", "x0", "x1", "top", "bottom"."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    items: list[dict[str, Any]] = []
    for line in text_page.extract_text_lines(return_chars=False):
        if line["text"].strip() and not _PAGE_NUMBER_RE.match(line["text"]):
            items.append(dict(line))
    for table in tables:
        rows = [["" if cell is None else _one_line(cell) for cell in row] for row in table.extract()]
        for k, row in enumerate(rows):
            if any(row):
                items.append({"row": row, "top": table.bbox[1] + k * 1e-3})
    items.sort(key=lambda item: item["top"])
    right = max((item["x1"] for item in items if "text" in item), default=0.0)
    return items, right


def _pdf_paragraphs(pages: list[tuple[list[dict[str, Any]], float]]) -> list[str]:
    """Text lines re-assembled into paragraphs (one output line each), table rows as is."""
    from corpus.clean import join_display

    out: list[str] = []
    prev: dict[str, Any] | None = None  # the last text line of the paragraph being built
    # The right margin of the text: the widest line of the document (a page of short lines,
    # e.g. an annex caption, has no line that runs to the margin).
    right = max((r for _, r in pages), default=0.0)
    for items, _ in pages:
        lines = [i for i in items if "text" in i]
        heights = sorted(i["bottom"] - i["top"] for i in lines) or [10.0]
        size = heights[len(heights) // 2]
        gaps = sorted(b["top"] - a["bottom"] for a, b in zip(lines, lines[1:]) if b["top"] > a["bottom"])
        usual_gap = gaps[len(gaps) // 2] if gaps else size * 0.5
        left = min((i["x0"] for i in lines), default=0.0)
        first_on_page = True
        for item in items:
            if "row" in item:
                out.append("\t".join(item["row"]))
                prev = None
                continue
            text = item["text"].strip()
            if prev is not None:
                full = prev["x1"] >= right - 2 * size
                indented = item["x0"] > left + 0.8 * size
                gap = 0.0 if first_on_page else item["top"] - prev["bottom"]
                if full and not indented and gap <= usual_gap + 0.4 * size:
                    out[-1] = join_display(out[-1], text)
                    prev = item
                    first_on_page = False
                    continue
            out.append(text)
            prev = item
            first_on_page = False
    return out
