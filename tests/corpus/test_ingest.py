import json
import threading

import pytest

from corpus.catalog import load_corpus
from corpus.errors import IngestError
from corpus.ingest import ingest_bytes, ingest_file


def plan_text(n: int = 15) -> str:
    return f"某市“十四五”节能减排综合工作方案\n\n一、主要目标\n\n到 2025 年，单位生产总值能耗下降 {n}%。\n"


def stored(data_dir):
    folder = data_dir / "documents"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def test_ingest_file_then_duplicate(tmp_path):
    src = tmp_path / "upload.txt"
    src.write_bytes(plan_text().encode("gbk"))
    data_dir = tmp_path / "data"
    first = ingest_file(src, data_dir, city="某市", province="某省", date="2023-01-05", issuer="某市人民政府")
    assert not first.duplicate
    meta = first.document.meta
    assert meta.doc_id.startswith("doc-") and meta.source_file == f"{meta.doc_id}.txt"
    assert meta.title == "某市“十四五”节能减排综合工作方案" and meta.date == "2023-01-05"
    assert (data_dir / "documents" / meta.source_file).read_bytes() == src.read_bytes()
    again = ingest_file(src, data_dir, city="别的市")
    assert again.duplicate and again.document.meta == meta
    assert stored(data_dir) == [meta.source_file, "manifest.json"]
    rows = json.loads((data_dir / "documents" / "manifest.json").read_text(encoding="utf-8"))
    assert [r["doc_id"] for r in rows] == [meta.doc_id]


def test_builtin_content_is_a_duplicate(tmp_path):
    from corpus.catalog import PLANS_DIR

    result = ingest_bytes((PLANS_DIR / "tieling.txt").read_bytes(), "x.txt", tmp_path, city="铁岭市")
    assert result.duplicate and result.document.meta.doc_id == "tieling"
    assert stored(tmp_path) == []


def test_client_filename_never_used_for_paths(tmp_path):
    data_dir = tmp_path / "a" / "b"
    result = ingest_bytes(plan_text().encode(), "../../x.txt", data_dir, city="某市")
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "a" / "x.txt").exists()
    assert stored(data_dir) == [result.document.meta.source_file, "manifest.json"]
    with pytest.raises(IngestError, match="doc_id"):
        ingest_bytes(plan_text(16).encode(), "y.txt", data_dir, city="某市", doc_id="../evil")
    result = ingest_bytes(plan_text(17).encode(), "..\\..\\z.TXT", data_dir, city="某市", doc_id="my-plan")
    assert result.document.meta.source_file == "my-plan.txt"


def test_concurrent_ingests_both_land(tmp_path):
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            ingest_bytes(plan_text(n).encode(), f"p{n}.txt", tmp_path, city="某市")
        except BaseException as err:  # surfaced below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(20, 26)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    added = [d for d in load_corpus(tmp_path)][5:]
    assert len(added) == 6 and len(stored(tmp_path)) == 7


@pytest.mark.parametrize(
    ("data", "name", "kwargs", "reason"),
    [
        (b"", "a.txt", {}, "empty"),
        (b"\x00\x01\x02binary", "a.txt", {}, "binary"),
        (b"x" * 200, "a.txt", {"max_bytes": 100}, "larger than"),
        (plan_text().encode(), "a.exe", {}, "unsupported file type"),
        (plan_text().encode(), "a.txt", {"city": "  "}, "city"),
        (plan_text().encode(), "a.txt", {"date": "2023-13-01"}, "YYYY-MM-DD"),
        (plan_text().encode(), "a.txt", {"date": "2023/01/01"}, "YYYY-MM-DD"),
        (plan_text().encode(), "a.txt", {"doc_id": "Tie Ling"}, "doc_id"),
        (plan_text().encode(), "a.txt", {"doc_id": "tieling"}, "already used"),
    ],
)
def test_refusals_write_nothing(tmp_path, data, name, kwargs, reason):
    kwargs = {"city": "某市", **kwargs}
    with pytest.raises(IngestError, match=reason):
        ingest_bytes(data, name, tmp_path, **kwargs)
    assert stored(tmp_path) == []


def test_pdf_without_text_refused_and_with_text_accepted(tmp_path, make_pdf):
    with pytest.raises(IngestError, match="no text layer"):
        ingest_bytes(make_pdf(None), "scan.pdf", tmp_path, city="某市")
    assert stored(tmp_path) == []
    result = ingest_bytes(make_pdf("Energy saving plan 2025"), "plan.pdf", tmp_path, city="某市", title="测试方案")
    assert result.document.meta.source_file.endswith(".pdf") and result.document.chunks


def test_oversize_file_refused(tmp_path):
    src = tmp_path / "big.txt"
    src.write_bytes(plan_text().encode() * 10)
    with pytest.raises(IngestError, match="larger than"):
        ingest_file(src, tmp_path / "data", city="某市", max_bytes=100)
    assert stored(tmp_path / "data") == []


def test_docx_upload(tmp_path, make_docx):
    path = make_docx(tmp_path / "plan.docx", ["某县“十四五”节能减排实施方案", "一、主要目标", "到2025年下降15%。"])
    result = ingest_file(path, tmp_path / "data", city="某县")
    assert result.document.meta.title == "某县“十四五”节能减排实施方案"
    assert [c.section_path for c in result.document.chunks] == ["", "一、", "一、"]


def test_add_reads_metadata_from_the_text_and_flags_override(tmp_path):
    from corpus.catalog import added_documents

    src = tmp_path / "plan.txt"
    src.write_text("某市人民政府关于印发某市“十四五”节能减排综合工作方案的通知\n某政发〔2023〕8号\n"
                   "各县（区）人民政府：\n现将《某市“十四五”节能减排综合工作方案》印发给你们，请认真贯彻执行。\n"
                   "某市人民政府\n2023年5月6日\n某市“十四五”节能减排综合工作方案\n"
                   "为贯彻落实《某省人民政府关于印发某省“十四五”节能减排综合工作方案的通知》（某政〔2022〕3号）精神，结合我市实际，制定本方案。\n"
                   "一、主要目标\n到2025年，全市单位生产总值能耗下降14%。\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    read = ingest_file(src, data_dir, city="某市").document.meta
    assert (read.issuer, read.doc_number, read.date) == ("某市人民政府", "某政发〔2023〕8号", "2023-05-06")
    assert [r.number for r in read.implements] == ["某政〔2022〕3号"]
    assert read.source("doc_number").line == "某政发〔2023〕8号"
    assert added_documents(data_dir)[0].meta == read  # stored in the manifest as read
    src.write_text(src.read_text(encoding="utf-8") + "三、保障措施\n", encoding="utf-8")
    given = ingest_file(src, data_dir, city="某市", doc_number="某政发〔2023〕9号", date="2023-05-07").document.meta
    assert (given.doc_number, given.date) == ("某政发〔2023〕9号", "2023-05-07")  # the flags win
    assert given.source("doc_number") is None and given.issuer == "某市人民政府"
