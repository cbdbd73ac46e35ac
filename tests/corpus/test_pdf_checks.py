"""corpus.pdf_checks: mojibake and OCR-noise signs in a page's text; the PDF fixtures they are
tested on (tests/corpus/pdf_fixtures.py)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from corpus.pdf_checks import GARBLED_PAGE, OCR_NOISY_PAGE, garbled_share, ocr_noise, plausible
from tests.corpus.pdf_fixtures import (PARAGRAPHS, encrypted_pdf, garbage_text_pdf, long_pdf,
                                       owner_only_encrypted_pdf, text_pdf)

REAL = Path(__file__).resolve().parents[2] / "eval" / "real" / "pdfs"
CLEAN = "".join(PARAGRAPHS)


def _page_texts(path: Path, pages: list[int] | None = None, password: str = "") -> list[str]:
    import pdfplumber

    with pdfplumber.open(path, password=password) as pdf:
        numbers = pages or list(range(1, len(pdf.pages) + 1))
        return [pdf.pages[n - 1].extract_text() or "" for n in numbers]


def test_plain_chinese_text_is_not_garbled():
    assert garbled_share(CLEAN) == 0.0
    assert garbled_share("") == 0.0 and garbled_share(" \n\t") == 0.0
    # the symbols plans use: units, formulas, bullets, full-width forms, Roman numerals
    assert garbled_share("温度≥20℃，PM₂.₅浓度下降5％，①Ⅲ类水体▲★〔2021〕×·㎡ 𝐶𝑖𝑗 α β “引号”—…") == 0.0


def test_each_kind_of_mojibake_counts():
    for bad in ("Ö", "é", "\ue000", "\U001001b0", "\ufffd", "─", "臵", "\U00020001", "\uf900", "⼯", "ア"):
        assert not plausible(bad), bad
    assert garbled_share("节能" + "\ue000") == pytest.approx(1 / 3)
    assert garbled_share("节能\u3164\u3164减排") == 0.0  # Hangul fillers are blanks, not text


def test_garbage_scores_high_and_real_text_low():
    rnd = random.Random(0)
    garbage = {
        "GBK read as Latin-1": CLEAN.encode("gbk").decode("latin-1"),
        "UTF-8 read as Latin-1": CLEAN.encode("utf-8").decode("latin-1"),
        "CJK Extension B": "".join(chr(rnd.randint(0x20000, 0x2A6DF)) for _ in range(300)),
        "Latin-1": "".join(chr(rnd.randint(0xA0, 0xFF)) for _ in range(300)),
        "private use": "".join(chr(rnd.randint(0xE000, 0xF8FF)) for _ in range(300)),
        "any basic ideograph": "".join(chr(rnd.randint(0x4E00, 0x9FFF)) for _ in range(300)),
    }
    for name, text in garbage.items():
        assert garbled_share(text) > 2 * GARBLED_PAGE, name


def test_the_garbage_fixture_is_garbled_and_the_text_fixture_is_not(tmp_path: Path):
    [garbage] = _page_texts(garbage_text_pdf(tmp_path / "garbage.pdf"))
    assert len(garbage) > 200 and garbled_share(garbage) > 0.5
    [clean] = _page_texts(text_pdf(tmp_path / "clean.pdf", PARAGRAPHS))
    assert garbled_share(clean) == 0.0


@pytest.mark.skipif(not REAL.is_dir(), reason="eval/real/pdfs is not in this checkout")
def test_real_pdfs_stay_below_the_threshold():
    """Two real plans, every page; and the highest-scoring page of the 3,420 real pages
    (77.pdf p.13: 31 private-use characters, 0.046) that the threshold was set above."""
    for name in ("1.pdf", "117.pdf"):
        shares = [garbled_share(t) for t in _page_texts(REAL / name)]
        assert len(shares) >= 6 and max(shares) < GARBLED_PAGE / 5, name
        assert max(ocr_noise(t) for t in _page_texts(REAL / name)) < OCR_NOISY_PAGE, name
    [worst] = _page_texts(REAL / "77.pdf", [13])
    assert 0.02 < garbled_share(worst) < GARBLED_PAGE


def test_ocr_noise_flags_letters_in_numbers_and_spaced_ascii_punctuation():
    assert ocr_noise("节能减排工作 , 到2O25年单位GDP能耗下降l3.5%") > OCR_NOISY_PAGE
    assert ocr_noise("节能|减排_工作") > OCR_NOISY_PAGE
    assert ocr_noise(CLEAN) == 0.0
    # what born-digital plans do write: ASCII commas without spaces, "A级", "第i个", "CO2", "PM2.5"
    assert ocr_noise("攻坚战,持续改善，达到一级A排放标准，第i个站位，CO2和PM2.5浓度") == 0.0
    assert ocr_noise("2025 2030") == 0.0  # no Chinese: nothing to measure against


def test_encrypted_fixtures(tmp_path: Path):
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    locked = encrypted_pdf(tmp_path / "locked.pdf", user_password="secret")
    with pytest.raises(PdfminerException) as caught:
        _page_texts(locked)
    assert isinstance(caught.value.args[0], PDFPasswordIncorrect)
    assert PARAGRAPHS[0][:10] in _page_texts(locked, password="secret")[0]
    readable = owner_only_encrypted_pdf(tmp_path / "owner.pdf")
    assert b"/Encrypt" in readable.read_bytes()
    assert PARAGRAPHS[0][:10] in _page_texts(readable)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked.pdf", "owner.pdf"]


def test_long_fixture_has_500_distinct_pages(tmp_path: Path):
    import pdfplumber

    path = long_pdf(tmp_path / "long.pdf")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 500
        last = pdf.pages[-1].extract_text()
    assert last.startswith("第500页") and garbled_share(last) == 0.0 and len(last) > 300
