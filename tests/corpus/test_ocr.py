"""corpus.ocr: pages with no text layer read by RapidOCR (extra "ocr")."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from corpus import ocr
from corpus.errors import IngestError
from tests.corpus.pdf_fixtures import (A4, LEADING, MARGIN, SIZE, cjk_font, encrypted_pdf, scanned_pdf,
                                       text_pdf)

LINES = ["节能减排工作方案", "到2025年单位地区生产总值能耗下降13.5%", "推动能源绿色低碳转型，严格合理控制煤炭消费增长"]
SMALL = (300.0, 130.0)  # a page a few lines high: OCR in well under a second

needs_font = pytest.mark.skipif(cjk_font() is None, reason="no CJK font on this machine to draw a scan with "
                                "(scripts/install-chromium.sh installs fonts-noto-cjk)")


def _compact(text: str) -> str:
    return "".join(text.split())


def test_the_extra_is_installed_here():
    assert ocr.available() is True


@needs_font
def test_a_scanned_page_is_read_in_order_with_its_boxes_in_points(tmp_path: Path):
    data = scanned_pdf(tmp_path / "scan.pdf", LINES).read_bytes()
    lines = ocr.ocr_page(data, 1)
    assert [_compact(ln.text) for ln in lines] == [_compact(t) for t in LINES]
    for i, ln in enumerate(lines):
        assert 0.9 <= ln.score <= 1.0
        assert abs(ln.x0 - MARGIN) < 4  # drawn at MARGIN points from the left edge
        top = MARGIN + i * LEADING  # PIL's text box top; the glyphs and their box are near it
        assert top - 4 < ln.top < top + 8 and ln.top < ln.bottom < ln.top + 2 * SIZE
        assert ln.x1 < A4[0] - MARGIN
    assert lines[2].x1 > lines[1].x1 > lines[0].x1  # longer lines, wider boxes


@needs_font
def test_boxes_are_relative_to_the_mediabox_like_pdfplumber(tmp_path: Path):
    """A CropBox inside the MediaBox does not shift the coordinates (pdfplumber reports
    `top` from the MediaBox's top edge, so the reader can mix OCR lines with its own)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject

    plain = scanned_pdf(tmp_path / "scan.pdf", LINES[:2], size=SMALL)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.pages[0].cropbox = RectangleObject([40, 10, SMALL[0] - 5, SMALL[1] - 20])
    cropped = tmp_path / "cropped.pdf"
    with cropped.open("wb") as out:
        writer.write(out)
    first = ocr.ocr_page(plain.read_bytes(), 1)
    second = ocr.ocr_page(cropped.read_bytes(), 1)
    assert [ln.text for ln in second] == [ln.text for ln in first] and len(first) == 2
    for a, b in zip(first, second):
        assert abs(a.x0 - b.x0) < 1 and abs(a.top - b.top) < 1


@needs_font
def test_concurrent_callers_share_one_engine(tmp_path: Path):
    data = scanned_pdf(tmp_path / "scan.pdf", LINES[:2], size=SMALL).read_bytes()
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append([ln.text for ln in ocr.ocr_page(data, 1)])
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [[_compact(t) for t in LINES[:2]]] * 3


def test_a_page_without_text_gives_no_lines(make_pdf):
    assert ocr.ocr_page(make_pdf(None), 1) == []


def test_failures_are_ingest_errors_with_a_reason(tmp_path: Path, make_pdf):
    with pytest.raises(IngestError, match="not a valid PDF"):
        ocr.ocr_page(b"%PDF-1.4 not really", 1)
    with pytest.raises(IngestError, match="has 1 pages, no page 2"):
        ocr.ocr_page(make_pdf(None), 2)
    with pytest.raises(IngestError, match="page number"):
        ocr.ocr_page(make_pdf(None), 0)
    with pytest.raises(IngestError, match="dpi"):
        ocr.ocr_page(make_pdf(None), 1, dpi=5000)
    with pytest.raises(IngestError, match="encrypted"):
        ocr.ocr_page(encrypted_pdf(tmp_path / "locked.pdf").read_bytes(), 1)


def test_a_text_pdf_renders_without_error(tmp_path: Path):
    """Pages with a text layer can be OCR'd too (e.g. to check a garbled layer); the result
    depends on the machine having a font for the non-embedded STSong-Light, so only the call
    is checked."""
    assert isinstance(ocr.ocr_page(text_pdf(tmp_path / "t.pdf", LINES[:1]).read_bytes(), 1, dpi=72), list)


def test_reading_order_groups_boxes_on_one_visual_line():
    line = ocr.OcrLine
    boxes = [
        line("右", x0=300, top=101, x1=340, bottom=115, score=1.0),
        line("第二行", x0=72, top=130, x1=200, bottom=144, score=1.0),
        line("左", x0=72, top=100, x1=120, bottom=114, score=1.0),
        line("中", x0=150, top=103, x1=200, bottom=117, score=1.0),
    ]
    assert [b.text for b in ocr.reading_order(boxes)] == ["左", "中", "右", "第二行"]
