"""answering.evidence on small inline chunks: the one function that scores how well a clause
answers a question (fast: no index, no embedder)."""
from __future__ import annotations

import pytest

from assistant.answering.clauses import chunk_clauses
from assistant.answering.evidence import evidence, lexical, other_item, other_period, score_clauses
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS
from assistant.model import Question
from assistant.table_targets import column_fit, table_targets
from assistant.understanding import analyze
from corpus.catalog import builtin_documents
from corpus.model import Chunk
from corpus.text import matching, split_sentences

CITIES = ["安阳市", "铁岭市"]


def _chunk(text: str) -> Chunk:
    return Chunk(chunk_id="x-1", doc_id="x", city="铁岭市", province="辽宁省", title="方案", section=(),
                 section_path="", paragraph=1, section_paragraph=1, text=text, match_text=matching(text),
                 start=0, end=len(text), sentences=tuple(split_sentences(text)))


def _question(text: str) -> Question:
    return Question(text=text, resolved=matching(text), analysis=analyze(text, CITIES), topic=text)


def test_a_named_indicator_scores_above_the_bar_and_wording_alone_below():
    chunk = _chunk("到2025年，城镇清洁取暖率达到70%以上，城镇污水处理能力持续提升。")
    q = _question("铁岭2025年城镇清洁取暖率要达到多少？")
    named, other = chunk_clauses(chunk, 0, ())[1:3]
    assert "70%" in named.text and evidence(q, named, 0.0).named
    assert evidence(q, named, 0.0).lexical >= DEFAULT_ANSWER_SETTINGS.accept
    assert not evidence(q, other, 0.0).named
    assert evidence(q, other, 0.0).lexical < DEFAULT_ANSWER_SETTINGS.accept  # "城镇" in common only
    assert [e.clause for e in score_clauses(q, [other, named], None)][0] == named  # best first


def test_similarity_counts_at_its_weight():
    chunk = _chunk("到2025年，城镇清洁取暖率达到70%以上。")
    clause = chunk_clauses(chunk, 0, ())[1]
    q = _question("铁岭2025年城镇清洁取暖率要达到多少？")
    gain = evidence(q, clause, 0.5).score - evidence(q, clause, 0.0).score
    assert gain == pytest.approx(0.5 * DEFAULT_ANSWER_SETTINGS.similarity_weight)


def test_an_achievement_of_an_earlier_year_loses_the_period_mismatch():
    chunk = _chunk("2020年，全市细颗粒物年均浓度为41微克/立方米。")
    clause = next(c for c in chunk_clauses(chunk, 0, ()) if c.figures and "41" in c.text)
    q = _question("铁岭2025年细颗粒物年均浓度要降到多少")
    assert other_period(q, clause)
    lex = lexical(q, clause)[0]
    assert evidence(q, clause, 0.0).score == pytest.approx(lex + 0.05 - DEFAULT_ANSWER_SETTINGS.period_mismatch)


def test_a_table_values_column_fit_is_counted_once():
    """安阳's county table: the value's target match holds its column's fit (a county's
    “十四五” column for a 2025 question); the clause score does not add it a second time."""
    doc = next(d for d in builtin_documents() if d.meta.city == "安阳市")
    targets = table_targets(doc.chunks)
    row = next(c for c in doc.chunks if c.table_row and c.text.startswith("林州市"))
    (target,) = targets[row.chunk_id]
    (clause,) = [c for c in chunk_clauses(row, 0, targets[row.chunk_id]) if c.targets == (target,)]
    q = Question(text="安阳市林州市万元GDP能耗降低率目标2025年要达到多少？",
                 resolved=matching("安阳市林州市万元GDP能耗降低率目标2025年要达到多少？"),
                 analysis=analyze("安阳市林州市万元GDP能耗降低率目标2025年要达到多少？", ["安阳市"]),
                 topic="林州市万元GDP能耗降低率目标")
    assert column_fit(target, q) != 0  # the fit is there to be counted
    lex, matched, _, from_target = lexical(q, clause)
    assert matched == (target,) and from_target
    assert evidence(q, clause, 0.0).score == pytest.approx(lex + 0.05)


def test_a_list_clause_whose_figure_is_another_items_loses_to_the_stating_clause():
    """2022年能源工作指导意见 (29.pdf): "原油产量重回2亿吨、天然气产量持续稳步上产" states 原油's
    figure; asked about 天然气产量, the clause "天然气产量2140亿立方米左右" answers."""
    chunk = _chunk("坚决完成2022年原油产量重回2亿吨、天然气产量持续稳步上产的既定目标。"
                   "全国能源生产总量达到44.1亿吨标准煤左右，原油产量2亿吨左右，天然气产量2140亿立方米左右。")
    text = "国家能源局2022年能源工作指导意见定的天然气产量目标是多少？"
    # the topic as the request reads it: the named document, the year and the ask left out
    q = Question(text=text, resolved=matching(text), analysis=analyze(text, CITIES), topic="定天然气产量")
    clauses = chunk_clauses(chunk, 0, ())
    listed = next(c for c in clauses if c.text.startswith("坚决完成"))
    stating = next(c for c in clauses if "2140" in c.text)
    assert other_item(q, listed) and not other_item(q, stating)
    assert score_clauses(q, [listed, stating], None)[0].clause == stating


def test_a_list_given_figures_respectively_is_one_statement():
    chunk = _chunk("到2025年，化学需氧量、氨氮重点工程减排量分别达到1.2万吨、0.1万吨。")
    clause = next(c for c in chunk_clauses(chunk, 0, ()) if "分别" in c.text)
    assert not other_item(_question("铁岭化学需氧量减排量要达到多少？"), clause)


def test_a_question_asking_for_a_cap_prefers_the_capped_figure():
    # 徐汇区节能减排降碳专项资金管理办法, 第二条: a rate and a cap in one paragraph
    from dataclasses import replace

    chunk = _chunk("按项目实现的年节能量给予每吨标准煤1200元的扶持，或按项目投资额给予20%的扶持。以上扶持最高不超过300万元。")
    capped = next(c for c in chunk_clauses(chunk, 0, ()) if "300万元" in c.text)
    rate = next(c for c in chunk_clauses(chunk, 0, ()) if "20%" in c.text)
    q = _question("铁岭节能技改项目的扶持上限是多少？")
    no_cap = replace(DEFAULT_ANSWER_SETTINGS, cap_fit=0.0)
    assert evidence(q, capped, 0.9).score - evidence(q, capped, 0.9, no_cap).score == pytest.approx(
        DEFAULT_ANSWER_SETTINGS.cap_fit)
    assert evidence(q, rate, 0.9).score == evidence(q, rate, 0.9, no_cap).score  # states no cap
    plain = _question("铁岭节能技改项目的扶持是多少？")  # asks for no cap: nothing gained
    assert evidence(plain, capped, 0.9).score == evidence(plain, capped, 0.9, no_cap).score


def test_a_report_year_is_no_time_the_next_sentence_falls_under():
    """江苏省生态环境厅2022年工作计划: "2021年度" names which year's reports, it sets no time for
    the sentences after it (a clause-opening "2020年，…" does)."""
    chunk = _chunk("组织开展全省500余家重点排放单位2021年度温室气体排放报告与核查工作。"
                   "指导督促年综合能耗1万吨标准煤以上企业制定并严格执行碳排放数据质量控制计划。")
    quality = next(c for c in chunk_clauses(chunk, 0, ()) if "1万吨标准煤" in c.text)
    assert quality.period == ""
    past = _chunk("2020年，全市空气优良天数达到294天。细颗粒物年均浓度为41μg/m3。")
    assert next(c for c in chunk_clauses(past, 0, ()) if "41" in c.text).period == "2020年"
