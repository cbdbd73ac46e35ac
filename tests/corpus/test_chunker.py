"""parse_plan on the five real plans, plus a property test on random text."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.chunker import parse_plan
from corpus.text import split_sentences
from corpus.text import matching as normalize_for_matching
from corpus.model import DocumentMeta

ARTIFACT = re.compile(r"\[bookmark:[^\]]*\]")


def raw_paragraphs(raw: str) -> list[tuple[int, int]]:
    """Independent reconstruction: (start, end) of every non-empty source line's content."""
    spans, pos = [], 0
    for line in raw.split("\n"):
        content = ARTIFACT.sub(lambda m: " " * len(m.group()), line)
        stripped = content.strip()
        if stripped:
            first = content.index(stripped[0])
            spans.append((pos + first, pos + first + len(stripped)))
        pos += len(line) + 1
    return spans


def test_every_source_paragraph_in_exactly_one_chunk(plans):
    for doc_id, (raw, doc) in plans.items():
        spans = raw_paragraphs(raw)
        assert len(spans) >= len(doc.chunks) > 10, doc_id
        for start, end in spans:
            owners = [c for c in doc.chunks if c.start <= start and end <= c.end]
            assert len(owners) == 1, (doc_id, raw[start:end][:30])
        # nothing lost, nothing duplicated, order kept
        joined = "".join(normalize_for_matching(raw[s:e]) for s, e in spans)
        assert "".join(c.match_text for c in doc.chunks) == joined, doc_id


def test_no_conversion_artifacts(plans):
    for _, doc in plans.values():
        assert all("[bookmark" not in c.text and "bookmark" not in c.match_text for c in doc.chunks)


def test_broken_anyang_paragraph_is_rejoined(plans):
    _, doc = plans["anyang"]
    hits = [c for c in doc.chunks if "有建筑绿色改造" in c.text]
    assert len(hits) == 1
    assert "积极推动既有建筑绿色改造" in hits[0].text
    assert hits[0].text.startswith("（三）城镇绿色节能改造工程。")
    assert hits[0].section_path == "三、（三）"


def test_broken_dingzhou_paragraph_is_rejoined(plans):
    _, doc = plans["dingzhou"]
    hits = [c for c in doc.chunks if "主要污染物排放总量控制制度，把节能减排" in c.text]
    assert len(hits) == 1
    assert "（以下简称“能耗双控”）、主要污染物排放总量控制制度" in hits[0].text
    assert hits[0].section_path == "一、"


def test_tieling_heating_target_section(plans):
    _, doc = plans["tieling"]
    (chunk,) = [c for c in doc.chunks if "城镇清洁取暖率达到70%以上" in c.text]
    assert chunk.section_path == "三、（三）"
    assert chunk.section == ("三、推进节能减排重点工作", "（三）推进城镇绿色节能改造")
    assert chunk.kind == "body" and chunk.section_paragraph == 1
    assert chunk.citation == "《铁岭市“十四五”节能减排综合工作方案》三、（三） 第1段"


# Hand-checked against the source files.
SECTION_SAMPLES = [
    ("anshun", "安府发〔2022〕17号", ""),
    ("anshun", "到2025年，全市单位地区生产总值能耗比2020年下降13%以上", "二、"),
    ("anshun", "积极参与全国用能权交易市场", "四、（五）"),
    ("anshun", "深入开展绿色生活创建行动，增强全民节约意识", "五、（三）"),
    ("sanmenxia", "制定三门峡市环境空气质量全面改善行动计划", "二、（七）"),
    ("sanmenxia", "中国—河南招才引智创新发展大会", "三、（八）"),
    ("sanmenxia", "为大力推动节能减排", ""),
    ("tieling", "新建大型、超大型数据中心电能利用效率不超过1.3", "三、（一）"),
    ("anyang", "全市单位生产总值能源消耗比2020年下降18%以上", "二、"),
    ("anyang", "火电平均供电煤耗", "附件2"),
    ("anyang", "林州市\t1697.03", "附件3"),
    ("anyang", "林州市\t19", "附表"),
    ("dingzhou", "（市住房和城乡建设局、市城市管理综合行政执法局", "三、（三）"),
    ("dingzhou", "择机推进我市用能权、用水权、排污权、碳排放权交易", "四、（四）"),
    ("dingzhou", "为深入贯彻落实党中央、国务院", ""),
]


def test_hand_checked_section_paths(plans):
    for doc_id, needle, path in SECTION_SAMPLES:
        hits = [c for c in plans[doc_id][1].chunks if needle in c.text]
        assert hits, (doc_id, needle)
        assert {c.section_path for c in hits} == {path}, (doc_id, needle)


def test_headings_pure_and_inline(plans):
    _, doc = plans["sanmenxia"]
    heading = next(c for c in doc.chunks if c.text == "二、实施节能减排重点工程")
    assert heading.kind == "heading" and heading.section_path == "二、"
    # half-width "(八) " labels are canonicalised; the paragraph is body text of its section
    inline = next(c for c in doc.chunks if c.text.startswith("(八)煤炭清洁高效利用工程。"))
    assert inline.kind == "body" and inline.section[-1] == "（八）煤炭清洁高效利用工程"
    titles = [c for c in doc.chunks if c.text == "三门峡市“十四五”节能减排综合工作方案"]
    assert [(c.kind, c.section_path) for c in titles] == [("heading", "")]


def test_leads_marked(plans):
    for doc_id, first_own in (("anshun", "安顺市人民政府关于印发"), ("sanmenxia", "各县（市、区）人民政府")):
        chunks = plans[doc_id][1].chunks
        own = next(i for i, c in enumerate(chunks) if c.text.startswith(first_own))
        assert own >= 2
        assert all(c.kind == "lead" for c in chunks[:own]), doc_id
        assert chunks[own].kind != "lead"
        assert all(c.section_path == "" for c in chunks[:own])
    assert plans["anshun"][1].chunks[0].text.startswith("炉具网讯：")
    sanmenxia = plans["sanmenxia"][1].chunks
    assert sanmenxia[-1].text.startswith("原文地址：") and sanmenxia[-1].kind == "lead"
    assert sum(c.kind == "lead" for c in sanmenxia) == 5
    for doc_id in ("tieling", "anyang", "dingzhou"):
        assert not any(c.kind == "lead" for c in plans[doc_id][1].chunks), doc_id


def test_display_text_removes_conversion_spaces(plans):
    _, doc = plans["anyang"]
    goal = next(c for c in doc.chunks if c.section_path == "二、" and c.kind == "body")
    assert goal.text.startswith("到2025年，全市单位生产总值能源消耗比2020年下降18%以上")
    assert "PM2.5和O3协同治理" in next(c.text for c in doc.chunks if "PM2.5" in c.text)


def test_offsets_sentences_and_ordinals(plans):
    for doc_id, (raw, doc) in plans.items():
        assert [c.paragraph for c in doc.chunks] == list(range(1, len(doc.chunks) + 1))
        for c in doc.chunks:
            assert 0 <= c.start < c.end <= len(raw)
            assert normalize_for_matching(raw[c.start : c.end]) == c.match_text
            assert normalize_for_matching(c.text) == c.match_text
            # A news lead the plan repeats in full has no sentences of its own (corpus.leads).
            assert (c.sentences or c.kind == "lead") and all(s in c.text for s in c.sentences)
            if c.kind != "lead":  # a lead's sentences are its own clauses only
                assert re.sub(r"\s", "", "".join(c.sentences)) == re.sub(r"\s", "", c.text)
            assert c.section_paragraph >= 1
            assert c.city == doc.meta.city and c.title == doc.meta.title


def test_sentences_split_after_terminators():
    text = "到2025年，下降13%。力争完成14.5%！是否？（市发展改革委负责）"
    assert split_sentences(text) == ("到2025年，下降13%。", "力争完成14.5%！", "是否？", "（市发展改革委负责）")
    assert split_sentences("他说：“要节能。”然后；结束") == ("他说：“要节能。”", "然后；", "结束")


def test_chunk_ids_stable_and_unique(plans):
    for doc_id, (raw, doc) in plans.items():
        again = parse_plan(raw, doc.meta)
        assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in doc.chunks]
        ids = [c.chunk_id for c in doc.chunks]
        assert len(set(ids)) == len(ids), doc_id
        assert all(i.startswith(f"{doc_id}-") for i in ids)
    anyang_ids = [c.chunk_id for c in plans["anyang"][1].chunks]
    assert any(i.endswith("-2") for i in anyang_ids)  # the annex repeats a table


META = DocumentMeta(doc_id="t", city="某市", province="", title="测试")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二三、（）()1.。，！：\n\t 　年2025%“”[bookmark: _GoBack]各附件方案通知到ab")) | st.characters(), max_size=400))
def test_parse_plan_never_crashes(raw):
    doc = parse_plan(raw, META)
    for c in doc.chunks:
        assert c.match_text and c.text
        assert 0 <= c.start < c.end <= len(raw)
        assert normalize_for_matching(raw[c.start : c.end]) == c.match_text == normalize_for_matching(c.text)
        assert all(s in c.text for s in c.sentences)
    assert len({c.chunk_id for c in doc.chunks}) == len(doc.chunks)


def test_signature_block_is_one_chunk(plans):
    # 安顺's covering notice is signed "安顺市人民政府" over "2022年12月23日": one chunk, so the
    # evidence of who signed and when is one hit (corpus.chunker.signature_blocks).
    _, doc = plans["anshun"]
    signed = [c for c in doc.chunks if "2022年12月23日" in c.text]
    assert [c.text for c in signed] == ["安顺市人民政府\n2022年12月23日"]
    assert doc.meta.issuer == "安顺市人民政府" and doc.meta.date == "2022-12-23"


def test_signature_block_keeps_body_lines_apart():
    # the two issuing bodies of 徐汇区's 专项资金管理办法, each on its own line above the date
    raw = ("关于印发某市节能方案的通知\n各县区人民政府：\n现将《某市节能方案》印发给你们，请认真贯彻执行。\n"
           "上海市徐汇区发展和改革委员会\n上海市徐汇区财政局\n2022年2月22日\n某市节能方案\n一、总体要求\n到2025年，能耗下降10%。\n")
    doc = parse_plan(raw, META)
    texts = [c.text for c in doc.chunks]
    assert "上海市徐汇区发展和改革委员会\n上海市徐汇区财政局\n2022年2月22日" in texts
    assert "现将《某市节能方案》印发给你们，请认真贯彻执行。" in texts  # a sentence is no 落款 line
    assert [c.paragraph for c in doc.chunks] == list(range(1, len(doc.chunks) + 1))
