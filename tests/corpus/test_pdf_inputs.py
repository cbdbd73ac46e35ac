"""Bad and unusual PDF input through corpus.readers / corpus.ingest: every refusal is an
IngestError with a one-line reason, and nothing is written for a refused file."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import ocr
from corpus.errors import IngestError
from corpus.ingest import ingest_file
from corpus.readers import read_source
from tests.corpus.pdf_fixtures import (cjk_font, encrypted_pdf, garbage_text_pdf, long_pdf,
                                       owner_only_encrypted_pdf, scanned_pdf, text_pdf)

REPO = Path(__file__).resolve().parents[2]
needs_font = pytest.mark.skipif(cjk_font() is None, reason="no CJK font to draw a scan with "
                                "(scripts/install-chromium.sh installs fonts-noto-cjk)")
SCAN_LINES = ["某市节能减排工作方案", "到2025年单位地区生产总值能耗下降13.5%。", "推动能源绿色低碳转型。"]


def _inspect(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "inspect", str(path), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)


def test_encrypted_pdf_is_refused_in_one_line(tmp_path: Path):
    path = encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(IngestError, match="encrypted"):
        read_source(path.read_bytes(), ".pdf")
    done = _inspect(path)
    assert done.returncode == 4
    assert done.stderr.count("\n") == 1 and "encrypted" in done.stderr and "Traceback" not in done.stderr


def test_owner_password_only_pdf_reads(tmp_path: Path):
    path = owner_only_encrypted_pdf(tmp_path / "owner.pdf")
    assert read_source(path.read_bytes(), ".pdf").text.strip()


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_files_are_refused_with_what_to_do(tmp_path: Path, suffix: str):
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(IngestError, match=r"save it as \.docx or \.pdf"):
        ingest_file(path, tmp_path / "data", city="某市")
    assert not (tmp_path / "data" / "documents").exists() or not any((tmp_path / "data" / "documents").glob("*.doc"))
    done = _inspect(path)
    assert done.returncode == 4 and "save it as .docx or .pdf" in done.stderr


def test_garbled_text_layer_without_ocr_is_refused(tmp_path: Path):
    path = garbage_text_pdf(tmp_path / "garbled.pdf")
    with pytest.raises(IngestError, match="garbled"):
        read_source(path.read_bytes(), ".pdf", ocr=False)


@needs_font
def test_scan_without_ocr_is_refused_naming_the_pages(tmp_path: Path):
    path = scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES, size=(420.0, 160.0))
    with pytest.raises(IngestError, match=r"no text layer on any page.*OCR extra"):
        read_source(path.read_bytes(), ".pdf", ocr=False)


@needs_font
@pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed")
def test_scan_is_read_by_ocr_and_marked(tmp_path: Path):
    path = scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES, size=(420.0, 160.0))
    done = _inspect(path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    text = "".join(c["text"] for c in report["chunks"])
    assert "13.5%" in text and "能耗" in text
    assert all(c["ocr"] for c in report["chunks"]) and all(c["pages"] == [1] for c in report["chunks"])
    assert [w["code"] for w in report["warnings"]].count("ocr_pages") == 1


def test_a_500_page_pdf_reads_page_by_page_with_progress(tmp_path: Path):
    path = long_pdf(tmp_path / "long.pdf", pages=500)
    seen: list[tuple[int, int]] = []
    source = read_source(path.read_bytes(), ".pdf", progress=lambda done, total: seen.append((done, total)))
    assert source.pages == 500
    assert [d for d, _ in seen] == list(range(1, 501)) and {t for _, t in seen} == {500}
    assert source.page_marks[-1][1] == 500


def test_too_many_pages_is_refused(tmp_path: Path):
    path = long_pdf(tmp_path / "long.pdf", pages=30)
    from corpus.readers import read_source as read

    with pytest.raises(IngestError, match="more than the limit of 20"):
        read(path.read_bytes(), ".pdf", max_pages=20)


def test_text_pdf_round_trip(tmp_path: Path):
    path = text_pdf(tmp_path / "plan.pdf", ["某市节能减排方案", "到2025年，单位地区生产总值能耗下降13.5%。"])
    source = read_source(path.read_bytes(), ".pdf")
    assert "13.5%" in source.text and source.pages == 1
