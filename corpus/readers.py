"""Source files -> text: plain text in UTF-8 / GBK / GB18030 (with or without BOM), .docx, .pdf.

Anything that is not readable text is refused with an `IngestError` carrying a one-line reason.
"""
from __future__ import annotations

import codecs
import io
import unicodedata
import zipfile
from pathlib import Path

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
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > MAX_BAD_SHARE * len(text):
        raise IngestError("file is not readable text (neither UTF-8 nor GBK/GB18030)")
    return _checked(text)


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
    """Body paragraphs and table rows (cells tab-separated) in document order."""
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
            lines.append(Paragraph(element, document).text)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                lines.append("\t".join(cell.text.replace("\n", " ") for cell in row.cells))
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError("document has no text")
    return text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as err:
        raise IngestError("not a valid PDF file") from err
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError("PDF has no text layer (scanned image?)")
    return _checked(text)
