"""Metadata read from the plans' own text, against the manifest filled in by hand."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from corpus.catalog import PLANS_DIR
from corpus.chunker import paragraphs, parse_plan
from corpus.metadata import FIELDS, merge, parse_date, read_metadata
from corpus.model import DocRef, DocumentMeta
from corpus.structure import annotate

SLUGS = ("anshun", "sanmenxia", "tieling", "anyang", "dingzhou")


def _read(raw: str):
    paras = paragraphs(raw)
    texts = [p.text for p in paras]
    kinds = [i.kind for i in annotate(texts, [p.tabular for p in paras])]
    return read_metadata(texts, [k == "lead" for k in kinds])


@pytest.mark.parametrize("slug", SLUGS)
def test_text_metadata_matches_the_manifest(slug, plans, manifest):
    raw, document = plans[slug]
    row = next(r for r in manifest if r["doc_id"] == slug)
    read = _read(raw)
    for name in FIELDS:
        expected = row.get(name, [] if name == "implements" else "")
        got = [asdict(r) for r in read.implements] if name == "implements" else getattr(read, name)
        # Every field the text states is in the manifest, and nothing else: "" means not stated.
        assert got == expected, (slug, name)
    for source in read.sources:  # each value cites a line of the plan: a verbatim chunk text
        assert any(source.line in c.text for c in document.chunks), (slug, source)


def test_every_plan_states_its_implemented_document(manifest):
    assert all(row["implements"] for row in manifest)
    numbers = {r["number"] for row in manifest for r in row["implements"]}
    assert {"辽政发〔2022〕16号", "豫政〔2022〕29号", "冀政字〔2022〕18号"} <= numbers


def test_traditional_script_reads_the_same(plans):
    from eval.variants import to_traditional

    raw = plans["anshun"][0]
    simplified, traditional = _read(raw), _read(to_traditional(raw))
    assert traditional.date == simplified.date == "2022-12-23"
    assert traditional.doc_number == "安府發〔2022〕17號"  # as the Traditional text writes it


HEADERS = """索引号：11410000-2023-00012
发布机构：某市人民政府办公室
发文字号：某政办〔2023〕5号
成文日期：2023年03月08日
某市人民政府办公室关于印发某市“十四五”节能减排综合工作方案的通知
各县（市、区）人民政府：
经市政府第12次常务会议审议通过，现将《某市“十四五”节能减排综合工作方案》印发给你们，请认真贯彻执行。
某市“十四五”节能减排综合工作方案
为深入贯彻落实《国务院关于印发“十四五”节能减排综合工作方案的通知》（国发〔2021〕33号）和《某省人民政府关于印发某省“十四五”节能减排综合工作方案的通知》（某政〔2022〕9号）精神，结合我市实际，制定本方案。
一、主要目标
到2025年，全市单位生产总值能耗下降13.5%。
"""


def test_header_lines_meeting_and_two_implemented_documents():
    read = _read(HEADERS)
    assert (read.issuer, read.doc_number, read.date) == ("某市人民政府办公室", "某政办〔2023〕5号", "2023-03-08")
    assert read.meeting == "市政府第12次常务会议"
    assert [r.number for r in read.implements] == ["国发〔2021〕33号", "某政〔2022〕9号"]
    assert read.implements[0].title == "国务院关于印发“十四五”节能减排综合工作方案的通知"
    assert read.title == "某市“十四五”节能减排综合工作方案"
    lines = {s.field: s.line for s in read.sources}
    assert lines["doc_number"] == "发文字号：某政办〔2023〕5号" and lines["date"] == "成文日期：2023年03月08日"
    assert lines["meeting"].startswith("经市政府第12次常务会议审议通过")


def test_given_values_win_and_keep_no_line():
    meta = DocumentMeta(doc_id="x", city="某市", province="", title="", doc_number="某政办〔2023〕6号")
    merged = merge(meta, _read(HEADERS))
    assert merged.doc_number == "某政办〔2023〕6号"  # the CLI flag / form field overrides the text
    assert merged.source("doc_number") is None and merged.source("date") is not None
    assert merged.title == "某市“十四五”节能减排综合工作方案"


def test_signature_dates():
    assert parse_date("2022年12月23日") == "2022-12-23"
    assert parse_date("二〇二二年十二月二十三日") == "2022-12-23"
    assert parse_date("2022-4-22") == "2022-04-22"
    assert parse_date("2022年2月30日") == "" and parse_date("到2025年") == ""


def test_document_meta_round_trips_through_json():
    import json

    meta = parse_plan(HEADERS, DocumentMeta(doc_id="x", city="某市", province="", title="")).meta
    again = DocumentMeta.from_row(json.loads(json.dumps(asdict(meta), ensure_ascii=False)))
    assert again == meta and isinstance(again.implements[0], DocRef)
    assert hash(again)  # hashable: catalogs cache documents by their metadata


def test_the_title_printed_again_with_its_number_gives_the_number():
    """17.pdf (a web printout): the title, then the title again followed by its 文号."""
    from corpus.metadata import read_metadata

    title = "工业和信息化部、国家发展和改革委员会、生态环境部关于促进钢铁工业高质量发展的指导意见"
    texts = [title, title + "（工信部联原〔2022〕6号）", "各省、自治区、直辖市工业和信息化主管部门：",
             "钢铁工业是国民经济的重要基础产业。", "一、总体要求"]
    assert read_metadata(texts).doc_number == "工信部联原〔2022〕6号"
    other = [title, "《关于推动城乡建设绿色发展的意见》（中办发〔2021〕37号）", "一、总体要求"]
    assert read_metadata(other).doc_number == ""  # another document's number, cited
