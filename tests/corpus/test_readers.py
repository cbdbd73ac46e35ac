import codecs

import pytest

from corpus.errors import IngestError
from corpus.readers import decode_bytes, read_plan_bytes, read_plan_text

PLAN = "铁岭市“十四五”节能减排综合工作方案\n到2025年，全市单位地区生产总值能耗比2020年下降14.5%。\n"


def test_utf8_and_bom():
    assert decode_bytes(PLAN.encode("utf-8")) == PLAN
    assert decode_bytes(codecs.BOM_UTF8 + PLAN.encode("utf-8")) == PLAN
    assert decode_bytes(PLAN.encode("utf-16")) == PLAN


def test_gbk_and_gb18030():
    assert decode_bytes(PLAN.encode("gbk")) == PLAN
    rare = PLAN + "𠮷（GBK 之外的字）\n"  # needs GB18030's four-byte sequences
    with pytest.raises(UnicodeEncodeError):
        rare.encode("gbk")
    assert decode_bytes(rare.encode("gb18030")) == rare


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"PK\x03\x04\x00\x00binary", "NUL"),
        (bytes(range(1, 32)) * 50, "binary"),
        (bytes([0x81, 0x20]) * 200, "not readable text"),
    ],
)
def test_garbage_refused(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode_bytes(data)


def test_random_bytes_refused():
    import random

    rng = random.Random(7)
    junk = bytes(rng.randrange(1, 256) for _ in range(4000))  # no NULs: content checks must catch it
    with pytest.raises(IngestError):
        decode_bytes(junk)


def test_txt_file(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN.encode("gb18030"))
    assert read_plan_text(path) == PLAN


def test_docx_paragraphs_and_table(tmp_path, make_docx):
    path = make_docx(tmp_path / "plan.docx", ["某市“十四五”节能减排综合工作方案", "一、主要目标", "到2025年下降15%。"], [["县", "目标"], ["甲县", "17"]])
    text = read_plan_text(path)
    assert text.splitlines() == ["某市“十四五”节能减排综合工作方案", "一、主要目标", "到2025年下降15%。", "县\t目标", "甲县\t17"]


def test_pdf_with_and_without_text_layer(make_pdf):
    assert "Energy plan 2025" in read_plan_bytes(make_pdf("Energy plan 2025"), ".pdf")
    with pytest.raises(IngestError, match="no text layer"):
        read_plan_bytes(make_pdf(None), ".pdf")
    with pytest.raises(IngestError, match="not a valid PDF"):
        read_plan_bytes(b"%PDF-1.4 this is not really a pdf", ".pdf")


def test_bad_containers_and_types(tmp_path):
    with pytest.raises(IngestError, match="not a valid .docx"):
        read_plan_bytes(b"not a zip at all", ".docx")
    with pytest.raises(IngestError, match="unsupported file type"):
        read_plan_bytes(b"hello", ".exe")
    with pytest.raises(IngestError, match="cannot read file"):
        read_plan_text(tmp_path / "missing.txt")
