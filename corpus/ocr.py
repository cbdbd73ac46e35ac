"""OCR for PDF pages that have no text layer (optional extra ``ocr``).

A page is rendered with pypdfium2 (already installed: pdfplumber depends on it) and read by
RapidOCR (``rapidocr-onnxruntime``: PaddleOCR's Chinese PP-OCRv4 detection and recognition
models as ONNX files inside the wheel, so it works offline; onnxruntime on the CPU).

- `available()`: whether the extra is installed (never raises).
- `ocr_page(data, page_number, dpi)`: the text lines of one page, in reading order, with their
  boxes in PDF points (top-left origin, like pdfplumber's ``x0``/``top``/``x1``/``bottom``).

Measured on this 2-core machine (9 pages of eval/real/pdfs re-made as image-only PDFs, read
at 150 dpi, one onnxruntime thread): a typical A4 page of ~600 characters takes 4.7-6.0 s
(median 5.0 s), a dense page of 1,250 small characters 20 s (recognition dominates: about
100-120 characters per second); the engine loads in about 1 s on first use. Chinese
characters agree with the page's own text layer at 99.8 % (mean; 99.5-100 % per page), all
characters at 98.8-100 % where the text layer itself is in reading order.

Boxes: ``bottom - top`` is close to the font size (median box height / median font size of
the text layer: 0.97 over those pages); ``x0``/``x1`` span the line's ink plus a little.

Thread safety: one engine per process, created on first use under a lock; rendering and
recognition both run under that lock (PDFium must not be called from two threads at once and
the engine keeps per-call state), so concurrent callers are served one page at a time. Other
PDFium users in the process (pdfplumber's `page.to_image`) are not covered by this lock.

Pages are read as displayed (their /Rotate applied); RapidOCR's per-line 180-degree
classifier is off (it turned an upright line of a real page over and lost it), so a page
scanned upside down reads as noise. Columns are not detected (see `reading_order`).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from corpus.errors import IngestError

DEFAULT_DPI = 150
MIN_DPI, MAX_DPI = 36, 600
# Longest side of the rendered image, in pixels. RapidOCR shrinks anything larger to 2,000 px
# before detection (its `max_side_len`), so rendering more only costs memory; this also bounds
# the bitmap of an absurd page size (a 200-inch MediaBox) to a few MB.
MAX_SIDE_PX = 2000
# onnxruntime threads per model. One: on this 2-core machine, with anything else running, two
# threads spin against each other and the page takes longer (4.4 s on one thread against
# 7-8 s on two for the same page, measured under load), and one core stays free for the
# server's other work.
THREADS = 1
# Two boxes are on the same visual line when their vertical overlap is at least this share of
# the shorter box's height.
_SAME_LINE_OVERLAP = 0.5

_LOCK = threading.Lock()
_engine_instance: Any = None


@dataclass(frozen=True)
class OcrLine:
    """One recognised line of text; coordinates in PDF points from the page's top-left corner
    (pdfplumber's convention), `score` the recogniser's confidence in [0, 1]."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float


@lru_cache(maxsize=1)
def available() -> bool:
    """True when the ``ocr`` extra is installed and importable (RapidOCR, onnxruntime, OpenCV,
    pypdfium2). Never raises."""
    try:
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except Exception:  # ImportError, or OSError from a native library (libGL, ...)
        return False
    return True


def _engine() -> Any:
    """The process-wide RapidOCR engine; call with `_LOCK` held."""
    global _engine_instance
    if _engine_instance is None:
        if not available():
            raise IngestError("OCR is not installed (install the extra: pip install 'policy-qa[ocr]')")
        try:
            from rapidocr_onnxruntime import RapidOCR

            _engine_instance = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=THREADS)
        except Exception as err:
            raise IngestError(f"OCR engine cannot start: {_one_line(err)}") from None
    return _engine_instance


def ocr_page(data: bytes, page_number: int, dpi: int = DEFAULT_DPI) -> list[OcrLine]:
    """OCR page `page_number` (1-based) of the PDF `data`, rendered at `dpi`.

    Returns the recognised lines in reading order (top to bottom; boxes on the same visual line
    left to right), an empty list for a page with no text. Raises `IngestError` when OCR is not
    installed, the PDF cannot be opened (invalid, or needs a password), the page does not exist,
    or the engine fails."""
    if isinstance(page_number, bool) or not isinstance(page_number, int) or page_number < 1:
        raise IngestError(f"page number must be a positive integer, got {page_number!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise IngestError(f"OCR resolution must be {MIN_DPI}-{MAX_DPI} dpi, got {dpi!r}")
    with _LOCK:
        engine = _engine()
        image, scale = _render(data, page_number, dpi)
        try:
            # No per-line 180-degree classifier: on real pages it turned upright lines over
            # (and lost them); pages are read as displayed, their /Rotate applied by PDFium.
            result, _elapsed = engine(image, use_cls=False)
        except Exception as err:
            raise IngestError(f"OCR failed on page {page_number}: {_one_line(err)}") from None
    lines: list[OcrLine] = []
    for box, text, score in result or []:
        text = str(text).strip()
        if not text:
            continue
        xs = [float(point[0]) for point in box]
        ys = [float(point[1]) for point in box]
        lines.append(OcrLine(text=text, x0=min(xs) / scale, top=min(ys) / scale,
                             x1=max(xs) / scale, bottom=max(ys) / scale, score=float(score)))
    return reading_order(lines)


def _render(data: bytes, page_number: int, dpi: int) -> tuple[Any, float]:
    """The page as a PIL image and the pixels-per-point scale it was rendered at. The whole
    MediaBox is rendered (pdfplumber's coordinates are relative to it, not to the CropBox)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        message = str(err).lower()
        if "password" in message:
            raise IngestError("PDF is encrypted (password protected): save an unprotected copy and add that") from None
        raise IngestError(f"not a valid PDF file ({_one_line(err)})") from None
    try:
        total = len(document)
        if page_number > total:
            raise IngestError(f"PDF has {total} pages, no page {page_number}")
        page = document[page_number - 1]
        try:
            left, bottom, right, top = page.get_mediabox()
            page.set_cropbox(left, bottom, right, top)
            width, height = page.get_size()
            longest = max(width, height, 1.0)
            scale = min(dpi / 72.0, MAX_SIDE_PX / longest)
            bitmap = page.render(scale=scale)
            try:
                image = bitmap.to_pil().copy()  # own the pixels before the bitmap is freed
            finally:
                bitmap.close()
        except pdfium.PdfiumError as err:
            raise IngestError(f"page {page_number} cannot be rendered for OCR ({_one_line(err)})") from None
        finally:
            page.close()
    finally:
        document.close()
    return image, scale


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines sorted top to bottom; boxes that share a visual line (vertical overlap of at least
    half the shorter height) left to right. Columns are not detected: on a two-column page the
    rows of both columns interleave."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if rows:
            row = rows[-1]
            row_top = min(r.top for r in row)
            row_bottom = max(r.bottom for r in row)
            overlap = min(row_bottom, line.bottom) - max(row_top, line.top)
            shorter = min(line.bottom - line.top, min(r.bottom - r.top for r in row))
            if shorter > 0 and overlap >= _SAME_LINE_OVERLAP * shorter:
                row.append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda ln: ln.x0)]


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]
