"""How candidate clauses are read and admitted, on inline paragraphs in the plans' own wording:
the figure-less clauses completing a figure clause (its scope), contrast sets whose members
exclude each other, open pairs a clause may leave unsaid, and a figure stated for another
period than the one asked."""
from __future__ import annotations

import pytest

from assistant.answering.clauses import admits, asked_year, chunk_clauses, qualifiers
from assistant.answering.evidence import other_period
from assistant.model import QueryAnalysis, Question
from corpus.model import Chunk
from corpus.text import matching, split_sentences


def _chunk(text: str) -> Chunk:
    return Chunk(chunk_id="x-1", doc_id="x", city="河南省", province="河南省", title="方案", section=(),
                 section_path="", paragraph=1, section_paragraph=1, text=text, match_text=matching(text),
                 start=0, end=len(text), sentences=(text,))


def _question(text: str, year: int | None = None) -> Question:
    return Question(text=text, resolved=matching(text), analysis=QueryAnalysis(text=matching(text), year=year),
                    topic=text)


def _clause(text: str, starts: str):
    return next(c for c in chunk_clauses(_chunk(text), 0, ()) if c.text.startswith(starts))


def test_a_condition_clause_reads_its_consequence():
    text = "对连续2个月预警为红色的地方，提醒加大工作力度；对连续3个月预警为红色的地方，实施区域节能评估限批。"
    three = _clause(text, "对连续3个月")
    assert "区域节能评估限批" in three.scope and "区域节能评估限批" not in three.key
    two = _clause(text, "对连续2个月")
    assert "提醒加大工作力度" in two.scope and "区域节能评估限批" not in two.scope  # stops at ；


def test_the_scope_stops_at_the_next_figure_clause():
    text = "新建改造污水收集管网3500公里，新增污水处理能力150万吨/日。"
    first = _clause(text, "新建改造")
    assert first.scope == first.key


def test_a_pollutant_clause_is_about_its_own_pollutant():
    text = "第三档：每吨NOx减排量补贴2万元，每吨VOCs减排量补贴5万元。"
    q = _question("每吨氮氧化物减排量补贴多少")
    named = qualifiers(q)
    assert admits(_clause(text, "每吨NOx"), named)
    assert not admits(_clause(text, "每吨VOCs"), named)


def test_place_words_are_read_from_the_sentence():
    # 市城区 is the city's: a clause naming it answers a question about 城市
    text = "推进城市生活污水管网建设，市城区、县城生活污水集中收集率力争达到70%以上。"
    q = _question("城市生活污水集中收集率目标")
    assert admits(_clause(text, "市城区"), qualifiers(q))


def test_an_increment_does_not_answer_a_total_but_an_unsaid_one_may():
    text = "“十四五”期间，垃圾焚烧发电新增装机容量50万千瓦，累计装机容量达到260万千瓦。"
    total = qualifiers(_question("垃圾焚烧发电累计装机容量要达到多少"))
    assert not admits(_clause(text, "垃圾焚烧"), total)
    assert admits(_clause(text, "累计"), total)
    added = qualifiers(_question("要新增多少调峰能力"))
    assert admits(_clause("实施煤电灵活性改造，增加系统调峰能力47万千瓦以上。", "增加"), added)


def test_an_achievement_is_not_a_target():
    text = "“十三五”期间，完成既有居住建筑节能改造面积5.14亿平方米。"
    achieved = _clause(text, "完成")
    assert other_period(_question("既有建筑节能改造要完成多少"), achieved)
    assert not other_period(_question("十三五期间既有建筑节能改造完成了多少"), achieved)
    target = _clause("到2025年，累计完成既有公共建筑节能改造2.5亿平方米以上。", "累计")
    assert not other_period(_question("既有公共建筑节能改造要完成多少"), target)


def test_another_year_than_the_one_asked():
    clause = _clause("明确2030年非化石能源占一次能源消费比重达到25%左右。", "明确")
    q = _question("十四五末非化石能源占一次能源消费比重要到多少")
    assert asked_year(q) == 2025
    assert other_period(q, clause)
    assert not other_period(_question("2030年非化石能源占比", year=2030), clause)


def test_two_documents_of_one_place_each_give_their_figure_named_by_title():
    from dataclasses import replace

    from assistant.answering.compose import compose
    from assistant.understanding import analyze
    from index.types import Hit

    plan = replace(_chunk("到2025年，非化石能源消费比重达到22%左右。"), chunk_id="p-1", doc_id="p",
                   city="湖南省", title="湖南省“十四五”可再生能源发展规划")
    opinion = replace(_chunk("到2025年，非化石能源消费比重达到23%。"), chunk_id="o-1", doc_id="o",
                      city="湖南省", title="湖南省碳达峰实施意见")
    text = "湖南2025年非化石能源消费比重目标是多少？"
    analysis = analyze(text, ["湖南省"])
    q = Question(text=text, resolved=matching(text), analysis=analysis, topic="非化石能源消费比重")
    answer = compose(q, [Hit(plan, 0.5, "hybrid"), Hit(opinion, 0.4, "hybrid")], {}, all_cities=["湖南省"])
    lines = answer.text.split("\n")
    assert lines[0].startswith("湖南省（《湖南省“十四五”可再生能源发展规划》）：") and "22%左右" in lines[0]
    assert lines[1].startswith("湖南省（《湖南省碳达峰实施意见》）：") and "23%" in lines[1]
    one = compose(q, [Hit(plan, 0.5, "hybrid")], {}, all_cities=["湖南省"])
    assert one.text.startswith("湖南省：") and "22%左右" in one.text  # one document: no title


@pytest.mark.parametrize(("text", "fields"), [
    ("按照国家减污降碳方案，2030年电解铝生产用绿电的比例要到多少？", ()),
    ("安阳的方案落实的是哪个文件", ("implements",)),
    ("铁岭方案依据的省级文件文号是什么", ("implements",)),
    ("三门峡方案依据的河南省文件文号是多少？", ("implements",)),
    ("依据的是哪个方案，要求到2025年达到多少？", ("implements",)),
    ("省发展改革委等部门印发方案的通知是什么时候发的？", ("date",)),  # 发 alone, asked last
    ("方案里的补贴什么时候发放？", ()),
])
def test_a_plan_named_as_the_source_of_a_figure_is_no_metadata_question(text, fields):
    from assistant.answering.document import asked_fields

    assert asked_fields(_question(text)) == fields


def test_a_date_read_from_a_news_dateline_is_said_to_be_the_publication_date():
    from assistant.answering.document import metadata_answer
    from corpus.model import DocumentMeta, MetaSource

    dateline = "（新华社北京2021年10月21日电）"
    chunk = _chunk("采取多种形式加强教育宣传和舆论引导。" + dateline)
    meta = DocumentMeta(doc_id=chunk.doc_id, city="全国", province="", title="关于推动城乡建设绿色发展的意见",
                        date="2021-10-21", sources=(MetaSource("date", "2021-10-21", dateline),))
    answer = metadata_answer(_question("关于推动城乡建设绿色发展的意见是哪天印发的？"), [meta], lambda _: [chunk])
    assert answer is not None and answer.citations
    assert "发布日期：2021年10月21日" in answer.text and "印发日期" not in answer.text


def test_a_cover_month_is_answered_as_the_month_the_cover_prints():
    """561.pdf states no day: its only date is the cover's "2022年5月" under the compiling bodies
    (corpus.metadata reads it at month precision, "2022-05"); the answer gives the month."""
    from assistant.answering.document import metadata_answer
    from corpus.metadata import read_metadata
    from corpus.model import DocumentMeta

    cover = ["湖南省“十四五”可再生能源发展规划", "湖南省发展和改革委员会湖南省能源局", "2022年5月", "目录"]
    read = read_metadata(cover)
    chunk = _chunk("2022年5月")
    meta = DocumentMeta(doc_id=chunk.doc_id, city="湖南省", province="湖南省", title=read.title, date=read.date,
                        sources=read.sources)
    answer = metadata_answer(_question("湖南省“十四五”可再生能源发展规划是什么时候印发的？"), [meta], lambda _: [chunk])
    assert answer is not None and answer.citations
    assert "印发日期：2022年5月。" in answer.text and "未写明" not in answer.text


def test_an_area_of_another_places_table_does_not_qualify_a_question_about_that_place():
    """A province's annex table sets figures for its cities (Target.area "三门峡市"); asked
    about 三门峡's own plan, that area is the place searched, not a county to narrow to."""
    from assistant.answering.clauses import area_qualifiers
    from assistant.target_model import Target

    def row(city: str, area: str) -> Target:
        return Target(city=city, indicator="化学需氧量", value="2300", unit="吨", qualifier="", year=2025,
                      baseline="", verb="", chunk_id=f"{city}-1", sentence="", clause="", area=area)

    targets = {"henan-1": [row("河南省", "三门峡市")], "sanmenxia-1": [row("三门峡市", "灵宝市")]}
    q = _question("三门峡市到2025年绿色出行比例要达到百分之多少？")
    assert area_qualifiers(q, targets) == [("三门峡市",)]  # every table of the library
    assert area_qualifiers(q, targets, {"三门峡市"}) == []
    county = _question("灵宝市化学需氧量减排量是多少？")
    assert area_qualifiers(county, targets, {"三门峡市"}) == [("灵宝市",)]
    assert area_qualifiers(county, targets, {"河南省"}) == []


def test_a_chunks_clauses_are_read_once_and_take_the_rank_asked():
    chunk = _chunk("到2025年，城镇清洁取暖率达到70%以上，新增污水处理能力150万吨/日。")
    first = chunk_clauses(chunk, 0, ())
    again = chunk_clauses(chunk, 3, ())
    assert [c.text for c in first] == ["到2025年", "城镇清洁取暖率达到70%以上", "新增污水处理能力150万吨/日"]
    assert [c.rank for c in first] == [0, 0, 0] and [c.rank for c in again] == [3, 3, 3]
    assert [(c.key, c.figures, c.period, c.scope) for c in again] == [(c.key, c.figures, c.period, c.scope) for c in first]
    assert chunk_clauses(chunk, 0, ())[1] is first[1]  # the same reading, not a new one


def test_a_paragraphs_year_holds_for_its_next_sentences():
    # 呼和浩特市“十四五”生态环境保护规划, 第一章第一节: 2020's air quality, stated over two sentences
    text = ("空气质量总体改善，2020年，全市空气优良天数达到294天，优良比例为80.3%。"
            "细颗粒物（PM2.5）年均浓度为41μg/m3，较2015年下降4.7%。")
    clause = _clause(text, "细颗粒物")
    assert clause.period == "2020年" and [f.text for f in clause.figures] == ["41μg/m3"]
    assert other_period(_question("2025年PM2.5年均浓度要降到多少", year=2025), clause)
    later = _clause("到2025年，城市生活垃圾资源化利用率达到60%。力争城市生活垃圾回收利用率达到35%。", "力争")
    assert later.period == "到2025年"


def test_a_figure_of_an_earlier_year_does_not_answer_the_year_asked():
    from dataclasses import replace

    from assistant.answering.compose import compose
    from assistant.understanding import analyze
    from index.types import Hit

    # 呼和浩特市“十四五”生态环境保护规划 states 2020's PM2.5 and no 2025 target for it
    review = replace(_chunk("空气质量总体改善，2020年，全市空气优良天数达到294天。细颗粒物（PM2.5）年均浓度为41μg/m3。"),
                     chunk_id="h-1", doc_id="h", city="呼和浩特市", title="呼和浩特市“十四五”生态环境保护规划")
    task = replace(_chunk("大力推进PM2.5和O3协同控制。"), chunk_id="h-2", doc_id="h", city="呼和浩特市",
                   title="呼和浩特市“十四五”生态环境保护规划", paragraph=2)
    hits = [Hit(review, 0.5, "hybrid"), Hit(task, 0.4, "hybrid")]

    def ask(text: str, topic: str) -> str:
        q = Question(text=text, resolved=matching(text), analysis=analyze(text, ["呼和浩特市"]), topic=topic)
        return compose(q, hits, {}, all_cities=["呼和浩特市"]).text

    assert "未给出" in ask("呼和浩特2025年PM2.5年均浓度要降到多少？", "PM2.5年均浓度")
    assert "41μg/m3" in ask("呼和浩特2020年PM2.5年均浓度是多少？", "PM2.5年均浓度")  # the year asked


def test_headings_go_after_the_paragraphs_for_figure_questions_only():
    from dataclasses import replace

    from assistant.retrieval import after_headings
    from assistant.understanding import analyze
    from index.types import Hit

    title = replace(_chunk("定州市“十四五”节能减排综合实施方案"), chunk_id="d-1", kind="heading")
    goal = replace(_chunk("到2025年，全市化学需氧量重点工程减排量完成2000吨。"), chunk_id="d-2")
    hits = [Hit(title, 0.5, "hybrid"), Hit(goal, 0.4, "hybrid")]

    def order(text: str) -> list[str]:
        q = Question(text=text, resolved=matching(text), analysis=analyze(text, ["河南省"]), topic=text)
        return [h.chunk.chunk_id for h in after_headings(q, hits)]

    assert order("化学需氧量减排量是多少？") == ["d-2", "d-1"]
    assert order("化学需氧量减排有哪些措施？") == ["d-1", "d-2"]  # a measure question: as ranked
    assert order("定州市“十四五”节能减排综合实施方案是哪天印发的？") == ["d-1", "d-2"]  # about the document


def test_a_one_clause_opening_sentence_is_quoted_with_the_sentence_spelling_it_out():
    from assistant.answering.measures import with_elaboration

    # 浙江省可再生能源发展“十四五”规划, 三、（一）
    text = ("鼓励集中式复合光伏发展。在沿海地区，利用滩涂和养殖鱼塘等，建设渔光互补光伏电站；"
            "在内陆地区，利用荒山荒坡、设施农业用地，标准化建设农光互补电站。推动光伏与生态修复相结合。")
    chunk = _chunk(text)
    chunk = Chunk(**{**chunk.__dict__, "sentences": split_sentences(text)})
    quoted = with_elaboration(chunk, "鼓励集中式复合光伏发展。")
    assert quoted == text[: text.index("推动")] and quoted in chunk.text
    # a sentence of several clauses, or one not opening the paragraph, is quoted as it is
    assert with_elaboration(chunk, "推动光伏与生态修复相结合。") == "推动光伏与生态修复相结合。"
    long = _chunk("认真贯彻落实反食品浪费法，常态化推进反食品浪费工作。开发信息监控系统。")
    long = Chunk(**{**long.__dict__, "sentences": split_sentences(long.text)})
    assert with_elaboration(long, long.sentences[0]) == long.sentences[0]
