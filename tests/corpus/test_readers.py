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


def test_big5_is_told_from_gb18030():
    import opencc

    traditional = opencc.OpenCC("s2tw").convert(PLAN)  # Taiwan forms: every character is in Big5
    assert decode_bytes(traditional.encode("big5")) == traditional
    assert decode_bytes(traditional.encode("cp950")) == traditional
    assert decode_bytes(PLAN.encode("gb18030")) == PLAN  # and GBK text is still read as GBK


def test_docx_merged_cells_are_given_once(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("附件2")
    table = document.add_table(rows=4, cols=5)
    for (r, c), value in {(0, 0): "指标", (0, 1): "单位", (0, 2): "2020年实际值", (0, 3): "2025年指标",
                          (1, 3): "目标值", (1, 4): "变化幅度/变化率", (2, 0): "工业", (3, 0): "水泥熟料综合能耗",
                          (3, 1): "千克标准煤/吨", (3, 2): "108", (3, 3): "104", (3, 4): "-4"}.items():
        table.cell(r, c).text = value
    table.cell(0, 3).merge(table.cell(0, 4))  # 2025年指标 spans 目标值 and 变化幅度/变化率
    for c in range(3):
        table.cell(0, c).merge(table.cell(1, c))  # 指标 / 单位 / 2020年实际值 span both header rows
    table.cell(2, 0).merge(table.cell(2, 4))  # the section label spans the row
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert read_plan_text(path).splitlines() == [
        "附件2", "指标\t单位\t2020年实际值\t2025年指标\t", "\t\t\t目标值\t变化幅度/变化率", "工业\t\t\t\t",
        "水泥熟料综合能耗\t千克标准煤/吨\t108\t104\t-4"]


def test_pdf_paragraphs_and_tables(plans):
    from tests.formats import to_pdf

    document = plans["anyang"][1]
    text = read_plan_bytes(to_pdf(document), ".pdf")
    lines = text.splitlines()
    assert "水泥熟料综合能耗\t千克标准煤/吨\t108\t104\t-4" in lines  # cells never merge ("108104")
    assert "\t\t\t目标值\t变化幅度/变化率" in lines and "能源\t\t\t\t" in lines  # spans given once
    long = max((c for c in document.chunks if c.kind == "body"), key=lambda c: len(c.text))
    assert long.text in lines  # a paragraph wrapped over many PDF lines is one paragraph again


def test_scanned_pdf_is_refused_with_the_reason():
    import io

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from PIL import Image

    image = io.BytesIO()
    Image.new("L", (200, 100), color=128).save(image, format="PNG")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(io.BytesIO(image.getvalue())), 50, 500, width=400, height=200)
    page.save()
    from corpus.readers import read_source

    # without OCR the page is named and the way out said (with OCR: tests/corpus/test_pdf_inputs.py)
    with pytest.raises(IngestError, match=r"no text layer on any page \(a scan\?\); install the OCR extra"):
        read_source(buffer.getvalue(), ".pdf", ocr=False)
    # with OCR, a grey image holds no text: refused all the same
    with pytest.raises(IngestError, match=r"no text layer on any page"):
        read_plan_bytes(buffer.getvalue(), ".pdf")
