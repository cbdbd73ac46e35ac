"""The answer scorer (eval.answers) on hand-made answers."""
from __future__ import annotations

from assistant.model import Answer, Citation
from eval.answers import figure_stated, score_answer
from eval.questions import parse_question


def _q(qtype="numeric", city="安阳市", gold=("城市可渗透地面面积比例不低于 52%",), answer="52%", expect=None):
    return parse_question({"id": "q999", "city": city, "type": qtype, "question": "问？", "history": [],
                           "gold": list(gold), "answer": answer, "expect": expect or {"figures": ["52%"]}})


def _a(text, citations=()):
    return Answer(question="问？", resolved_query="问", kind="figure", text=text, citations=tuple(citations))


def test_figures_match_on_number_boundaries_and_optional_qualifiers():
    assert figure_stated("16%以上", "三门峡市：下降16%以上。")
    assert figure_stated("16%以上", "下降16%")  # 以上 optional
    assert not figure_stated("5%", "削减15%")
    assert not figure_stated("1.3", "不超过1.35")
    assert figure_stated("Ⅱ类", "稳定达到II类标准")  # NFKC on both sides
    # a table value: its number and the header's unit in one line
    assert figure_stated("297克标准煤/千瓦时", "火电平均供电煤耗（克标准煤/千瓦时）：2025年目标值297。")
    assert not figure_stated("297克标准煤/千瓦时", "2025年目标值297。\n单位：克标准煤/千瓦时")


def test_outcomes():
    q = _q()
    assert score_answer(q, q.expect, _a("安阳市：城市可渗透地面面积比例不低于52%。")).outcome == "correct"
    assert score_answer(q, q.expect, _a("安阳市方案未给出可渗透地面面积比例的具体数值。")).outcome == "false_absent"
    assert score_answer(q, q.expect, _a("安阳市：绿色建筑比例达到100%。")).outcome == "wrong_figure"
    assert score_answer(q, q.expect, _a("安阳市：推进海绵城市建设。")).outcome == "missing_figure"
    absent = _q(qtype="absent", expect={"absent": True}, answer="未给出具体数值")
    assert score_answer(absent, absent.expect, _a("安阳市方案未给出具体数值，仅提出：……")).outcome == "correct"
    assert score_answer(absent, absent.expect, _a("安阳市：达到52%。")).outcome == "missed_absent"


def test_cross_city_figures_are_looked_for_in_each_citys_line():
    q = _q(qtype="cross_city", city=["三门峡市", "安阳市"], gold=("全市可渗透地面积比例不低于40%", "城市可渗透地面面积比例不低于 52%"),
           answer="三门峡40%；安阳52%",
           expect={"figures": ["40%", "52%"], "by_city": {"三门峡市": ["40%"], "安阳市": ["52%"]}})
    assert score_answer(q, q.expect, _a("三门峡市：不低于40%。\n安阳市：不低于52%。")).outcome == "correct"
    assert score_answer(q, q.expect, _a("三门峡市：不低于52%。\n安阳市：不低于40%。")).outcome == "wrong_figure"
    assert score_answer(q, q.expect, _a("三门峡市方案未给出具体数值。\n安阳市：不低于52%。")).outcome == "false_absent"


def test_departments_and_quotes(make_chunk):
    q = _q(qtype="responsibility", expect={"departments": ["市交通运输局", "市发展改革委"]}, answer="市交通运输局")
    assert score_answer(q, q.expect, _a("安阳市：市交通运输局、市发展改革委牵头")).outcome == "correct"
    assert score_answer(q, q.expect, _a("安阳市：市交通运输局牵头")).outcome == "missing_departments"
    m = _q(qtype="measure", gold=("推进油气回收在线信息系统建设",), expect={"quote": True}, answer="油气回收")
    chunk = make_chunk("c1", "加快推进油气回收在线信息系统建设。")
    cited = Citation(n=1, chunk=chunk, highlight=chunk.text, score=1.0)
    assert score_answer(m, m.expect, _a("安阳市：见下方条款。", [cited])).outcome == "correct"
    assert score_answer(m, m.expect, _a("安阳市：加强监管。")).outcome == "no_quote"
