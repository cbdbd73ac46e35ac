"""Answers that quote more than one clause of a sentence, on clauses of the real plans
(eval/real/pdfs): several things asked at once and stated by one sentence with its subject said
once, the increment and the total of one thing, and a generic name (数据中心) that does not say
which of a plan's figures was asked."""
from __future__ import annotations

from dataclasses import replace

from assistant.answering.compose import compose
from assistant.model import Question
from assistant.targets import extract_targets
from assistant.understanding import analyze, asked_parts, topic_of
from corpus.model import Chunk
from corpus.text import matching
from index.types import Hit


def _chunk(text: str, n: int = 1, city: str = "湖南省") -> Chunk:
    return Chunk(chunk_id=f"x-{n}", doc_id="x", city=city, province=city, title="规划", section=(),
                 section_path="", paragraph=n, section_paragraph=n, text=text, match_text=matching(text),
                 start=0, end=len(text), sentences=tuple(s + "。" for s in text.split("。") if s))


def _ask(text: str, chunks: list[Chunk], city: str = "湖南省") -> str:
    places = [city]
    q = Question(text=text, resolved=matching(text), analysis=analyze(text, places),
                 topic=topic_of(matching(text), places), parts=asked_parts(matching(text), places))
    targets: dict[str, list] = {}
    for t in extract_targets(chunks):
        targets.setdefault(t.chunk_id, []).append(t)
    hits = [Hit(c, 1.0 - 0.1 * i, "hybrid") for i, c in enumerate(chunks)]
    return compose(q, hits, targets, all_cities=places).text


def test_two_things_asked_at_once_are_answered_by_the_sentence_stating_both():
    # 湖南省“十四五”可再生能源发展规划: the 2025 goals, the subject (装机) said once
    goals = _chunk("到2025年，可再生能源发电装机规模达到约4450万千瓦，其中水电1800万千瓦，非水可再生能源2650万千瓦，"
                   "全省可再生能源电力消纳责任权重稳定在50%左右。")
    share = _chunk("到2025年，非水可再生电源装机比重达到33%。", 2)
    text = _ask("湖南2025年水电和非水可再生能源装机分别规划多少？", [share, goals])
    assert "1800万千瓦" in text and "2650万千瓦" in text and "33%" not in text


def test_an_increment_asked_neither_way_is_quoted_with_its_total():
    # 浙江省可再生能源发展“十四五”规划
    chunk = _chunk("“十四五”期间，垃圾焚烧发电新增装机容量50万千瓦，累计装机容量达到260万千瓦。", city="浙江省")
    text = _ask("浙江十四五期间垃圾焚烧发电装机要到多少？", [chunk], "浙江省")
    assert "260万千瓦" in text and "50万千瓦" in text
    added = _ask("浙江十四五期间垃圾焚烧发电新增装机多少？", [chunk], "浙江省")
    assert "50万千瓦" in added and "260万千瓦" not in added


def test_a_generic_name_does_not_decide_which_figure_answers():
    # 数据中心和5G等新型基础设施绿色高质量发展实施方案: 数据中心 names what every clause is about
    chunk = _chunk("新建大型、超大型数据中心电能利用效率不高于1.3，逐步对电能利用效率超过1.5的数据中心进行节能降碳改造。"
                   "对于区域内数据中心整体上架率（建成投用1年以上）低于50%的，不支持规划新的数据中心集群，"
                   "不支持新建大型和超大型数据中心项目。", city="全国")
    text = _ask("全国区域内机架上架率低于多少就不再支持规划新的数据中心集群？", [chunk], "全国")
    assert "50%" in text and "1.3" not in text


def test_each_thing_asked_is_named_by_its_indicator_in_the_plan_s_words():
    # 中共中央 国务院 意见 (2021-09-22): the national plans' names of the intensity indicators
    chunk = _chunk("到2025年，绿色低碳循环发展的经济体系初步形成。单位国内生产总值能耗比2020年下降13.5%；"
                   "单位国内生产总值二氧化碳排放比2020年下降18%；非化石能源消费比重达到20%左右。", city="全国")
    text = _ask("全国2025年单位GDP能耗、单位GDP二氧化碳排放各是多少？", [chunk], "全国")
    assert "13.5%" in text and "18%" in text and "20%" not in text


def test_one_clause_does_not_answer_two_things_asked():
    """The clause nearest both asks (its characters cover each) states one figure: the other
    thing asked is answered from its own clause."""
    from assistant.answering.evidence import part_coverage
    from corpus.text import fold

    co2 = fold("单位国内生产总值二氧化碳排放比2020年下降18%")
    assert part_coverage("单位GDP能耗", co2) == 0.0  # most characters shared, another indicator
    assert part_coverage("单位GDP能耗", fold("单位国内生产总值能耗比2020年下降13.5%")) == 1.0
