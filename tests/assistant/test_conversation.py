"""Follow-up resolution: city swap, topic swap, responsibility of the clause just answered."""
from __future__ import annotations

from assistant.conversation import resolve

CITIES = ["安顺市", "三门峡市", "铁岭市", "安阳市", "定州市"]
FIRST = "铁岭2025年清洁取暖要到多少？"


def test_standalone_question_is_itself():
    resolved, a = resolve(FIRST, [], CITIES)
    assert resolved == FIRST
    assert a.cities == ("铁岭市",) and a.kind == "figure"


def test_city_swap_keeps_indicator_and_year():
    resolved, a = resolve("那安阳呢？", [FIRST], CITIES)
    assert resolved == "安阳2025年清洁取暖要到多少？"
    assert a.cities == ("安阳市",) and a.indicators == ("清洁取暖率",) and a.year == 2025


def test_responsibility_of_the_clause_just_answered():
    resolved, a = resolve("谁牵头负责？", [FIRST, "那安阳呢？"], CITIES)
    assert resolved.startswith("安阳2025年清洁取暖要到多少")
    assert a.kind == "responsibility" and a.cities == ("安阳市",)
    resolved2, a2 = resolve("牵头部门是哪些？", [FIRST], CITIES)
    assert resolved2.startswith("铁岭2025年清洁取暖") and a2.kind == "responsibility"


def test_topic_swap_keeps_city():
    resolved, a = resolve("农村生活污水呢？", [FIRST], CITIES)
    assert resolved == "铁岭2025年农村生活污水要到多少？"
    assert a.cities == ("铁岭市",) and a.kind == "figure"


def test_new_question_without_city_inherits_it():
    resolved, a = resolve("农村生活污水处理率要达到多少？", [FIRST], CITIES)
    assert a.cities == ("铁岭市",)
    assert "农村生活污水处理率" in resolved


def test_generic_follow_up_reuses_the_subject():
    resolved, a = resolve("有量化目标吗？", ["三门峡公共机构能效提升工程有哪些措施？"], CITIES)
    assert "三门峡" in resolved and "公共机构能效提升工程" in resolved
    assert a.kind == "figure"


def test_comparison_then_one_city():
    resolved, a = resolve("那定州呢？", ["铁岭和安阳的单位GDP能耗下降目标分别是多少"], CITIES)
    assert a.cities == ("定州市",) and a.kind == "figure"
    assert "铁岭" not in resolved and "安阳" not in resolved


def test_long_history_is_replayed_in_order():
    history = ["铁岭畜禽粪污综合利用率要达到多少？", "那安阳呢？"]
    resolved, a = resolve("定州呢？", history, CITIES)
    assert a.cities == ("定州市",) and a.indicators == ("畜禽粪污综合利用率",)


def test_message_dicts_are_accepted():
    resolved, _ = resolve("那安阳呢？", [{"role": "user", "content": FIRST}], CITIES)
    assert resolved == "安阳2025年清洁取暖要到多少？"


def test_new_city_and_topic_is_a_new_question():
    resolved, a = resolve("安顺的挥发性有机物治理有哪些措施", [FIRST], CITIES)
    assert resolved == "安顺的挥发性有机物治理有哪些措施"
    assert a.kind == "measure"
