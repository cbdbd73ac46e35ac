"""A plan in Traditional script reads like its Simplified twin: news markers, headings, tables,
targets (達到 / 分別 / 力爭 / 萬噸 / 噸), and display text kept as written."""
from __future__ import annotations

from assistant.targets import extract_targets
from corpus.chunker import parse_plan
from corpus.model import DocumentMeta
from eval.variants import to_traditional

META = DocumentMeta(doc_id="t", city="某市", province="", title="")
PLAN = """某某網訊：據新華社報道，某市人民政府近日印發節能減排綜合工作方案。
記者從市發展改革委獲悉，全文如下：
某市“十四五”節能減排綜合工作方案
一、主要目標
到2025年，全市單位地區生產總值能耗比2020年下降14.5%，化學需氧量、氨氮重點工程減排量分別達到0.7862萬噸、90噸，城鎮清潔取暖率力爭達到70%以上。
"""


def test_news_markers_headings_and_targets_in_traditional_script():
    doc = parse_plan(PLAN, META)
    assert [c.kind for c in doc.chunks[:2]] == ["lead", "lead"]  # 網訊 / 據…報道 / 記者
    assert doc.meta.title == "某市“十四五”節能減排綜合工作方案"  # as written
    goal = next(c for c in doc.chunks if c.section_path == "一、" and c.kind == "body")
    found = {(t.indicator, t.value, t.qualifier) for t in extract_targets(doc.chunks)}
    assert ("單位地區生產總值能耗", "14.5%", "") in found
    assert {t.value for t in extract_targets([goal])} >= {"0.7862万吨", "90吨", "70%"}  # 萬噸 / 噸 read
    assert ("城鎮清潔取暖率", "70%", "力争 以上") in found  # 力爭 read; the name as written


def test_twins_have_the_same_chunks(plans):
    for doc_id, (raw, simplified) in plans.items():
        traditional = parse_plan(to_traditional(raw), simplified.meta)
        assert [c.chunk_id for c in traditional.chunks] == [c.chunk_id for c in simplified.chunks], doc_id
        assert [(c.kind, c.section_path, c.search_text) for c in traditional.chunks] == \
               [(c.kind, c.section_path, c.search_text) for c in simplified.chunks], doc_id
