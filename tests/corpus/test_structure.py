import pytest

from corpus.structure import annotate, classify, detect_title, is_title_line, lead_indices, parse_heading


def test_parse_heading_levels_and_labels():
    h = parse_heading("三、推进节能减排重点工作")
    assert (h.level, h.label, h.text, h.inline) == (3, "三、", "推进节能减排重点工作", False)
    h = parse_heading("（一）重点行业绿色升级改造。以钢铁、建材为重点。")
    assert (h.level, h.label, h.text, h.inline) == (4, "（一）", "重点行业绿色升级改造", True)
    assert parse_heading("(八) 煤炭清洁高效利用工程。落实替代。").label == "（八）"
    assert parse_heading("1．严格准入。加强管理。").label == "1."
    assert parse_heading("2. 提升能效").level == 5
    # 规划 and 办法: chapters above sections above articles (at the level of 一、)
    assert (parse_heading("第二章 城市建设绿色低碳转型").level, parse_heading("第二章 城市建设绿色低碳转型").label) == (1, "第二章")
    assert parse_heading("第一节 指导思想").level == 2
    h = parse_heading("第三条 本办法所称专项资金，是指区财政安排的资金。")
    assert (h.level, h.label, h.inline) == (3, "第三条", True)
    assert parse_heading("（1）加强监测").label == "（1）"
    assert parse_heading("附件 2").label == "附件2"
    for text in ("1.3万吨", "2025年，全市下降", "（此件公开发布）", "（市生态环境局负责）", "附件2的内容很长。"):
        assert parse_heading(text) is None, text


def test_title_lines():
    assert is_title_line("铁岭市“十四五”节能减排综合工作方案")
    assert is_title_line("安顺市人民政府关于印发安顺市“十四五”节能减排综合工作方案的通知")
    assert not is_title_line("三门峡市“十四五”节能减排综合工作方案发布！")
    assert not is_title_line("现将《安顺市“十四五”节能减排综合工作方案》印发给你们，请认真贯彻执行。")
    assert detect_title(["…的通知", "安顺市人民政府关于印发安顺市方案的通知", "《安顺市“十四五”节能减排综合工作方案》"]) == (
        "安顺市“十四五”节能减排综合工作方案"
    )
    assert detect_title(["没有标题的正文。"]) == ""


def test_caption_before_table_is_a_section():
    texts = ["五、组织实施", "（三）实施全面节约。开展行动。", "“十四五”各县（市、区）能耗强度降低目标", "县（市、区）\t目标", "林州市\t19"]
    assert classify(texts)[2] == "caption"
    infos = annotate(texts)
    assert infos[2].kind == "heading"
    assert [i.section_path for i in infos[3:]] == ["附表", "附表"]


def test_lead_needs_news_markers():
    texts = ["某网讯：近日，某市印发方案。", "各县人民政府：", "现将方案印发给你们。"]
    assert lead_indices(texts, classify(texts)) == {0}
    plain = ["开头的一段说明。", "一、总体要求", "正文。"]
    assert lead_indices(plain, classify(plain)) == set()


def test_section_ordinals_restart_per_section():
    texts = ["标题方案", "前言。", "一、总体要求", "第一段。", "第二段。", "二、主要目标", "（一）目标一。正文。", "（二）目标二。正文。"]
    infos = annotate(texts)
    assert [(i.kind, i.section_path, i.section_paragraph) for i in infos] == [
        ("heading", "", 1),
        ("body", "", 1),
        ("heading", "一、", 1),
        ("body", "一、", 1),
        ("body", "一、", 2),
        ("heading", "二、", 1),
        ("body", "二、（一）", 1),
        ("body", "二、（二）", 1),
    ]
    assert infos[7].section == ("二、主要目标", "（二）目标二")


@pytest.mark.parametrize("line", [
    "五、本方案自2021年10月8日起实施，有效期5年。",  # eval/real 长沙
    "2.旅游饭店业企业成功创建金叶级、银叶级绿色饭店的，分别给予20万元、10万元奖励。",  # 徐汇
    "（一）生产原料中废弃的动物油和植物油用量所占比重不低于70%。",
])
def test_a_numbered_sentence_stating_a_figure_is_a_paragraph_not_a_heading(line):
    heading = parse_heading(line)
    assert heading is not None and heading.inline and heading.text == ""
    assert classify([line]) == ["inline"]


@pytest.mark.parametrize(("line", "text"), [("（一）指导思想。", "指导思想"), ("一、总体要求", "总体要求"),
                                            ("（三）到2025年目标", "到2025年目标")])
def test_numbered_names_stay_headings(line, text):
    heading = parse_heading(line)
    assert heading is not None and not heading.inline and heading.text == text


def test_the_covering_notice_before_the_plan_is_told_apart():
    """29.pdf's opening, as read: the notice issuing the plan, then the plan's own title."""
    texts = ["国家能源局关于印发《2022年能源工作指导意见》的通知",
             "各省（自治区、直辖市）能源局，有关中央企业：",
             "为深入贯彻落实党中央、国务院有关决策部署，国家能源局研究制定了《2022年能源工作指导意见》，现印发给你们，请结合实际认真贯彻落实。",
             "附件：《2022年能源工作指导意见》", "国家能源局", "2022年3月17日",
             "2022年能源工作指导意见",
             "2022年是进入全面建设社会主义现代化国家新征程的重要一年。",
             "一、总体要求", "天然气产量2140亿立方米左右。"]
    kinds = [i.kind for i in annotate(texts)]
    assert kinds[1:6] == ["notice"] * 5
    assert kinds[6] == "heading" and kinds[7] == "body" and kinds[-1] == "body"
    # A plan printed without a covering notice has no notice text.
    assert "notice" not in [i.kind for i in annotate(texts[6:])]
    # A notice that is the document itself (nothing issued after it) is the document's own text.
    alone = ["关于做好2022年节能工作的通知", "各市人民政府：", "现就有关事项通知如下。", "一、总体要求", "正文。"]
    assert "notice" not in [i.kind for i in annotate(alone)]


def test_a_numbered_sentence_with_nothing_under_it_is_an_item_not_a_heading():
    """A 工作要点 lists its tasks as numbered sentences (重庆市生态环境系统2022年应对气候变化工作要点)."""
    texts = ["三、重点工作", "（八）推进近零碳系列试点", "38.系统推动近零碳、低碳系列试点创建，出台建设指南和技术规范。",
             "39.推动广阳湾智创生态城打造近零碳示范区。", "（九）加强能力建设", "（五）农业农村节能减排工程。",
             "优化农业农村用能结构。"]
    infos = annotate(texts)
    assert [i.kind for i in infos[2:4]] == ["body", "body"]
    assert infos[3].section_path == "三、（八）39."
    assert infos[4].kind == "heading"  # a name with its items under it
    assert infos[5].kind == "heading" and infos[6].kind == "body"  # a heading closed by 。 with its text
