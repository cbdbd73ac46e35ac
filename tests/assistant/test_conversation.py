"""Follow-up resolution from slots (city + year + topic + what is asked): city swap, topic
swap, a new aspect of the same topic (a number, the departments, an indicator, with pronouns),
a reset to a new question."""
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
    assert resolved == "安阳2025年清洁取暖的目标是多少？"
    assert a.cities == ("安阳市",) and a.indicators == ("清洁取暖率",) and a.year == 2025


def test_responsibility_of_the_clause_just_answered():
    resolved, a = resolve("谁牵头负责？", [FIRST, "那安阳呢？"], CITIES)
    assert resolved == "安阳清洁取暖由哪些部门负责？"
    assert a.kind == "responsibility" and a.cities == ("安阳市",)
    resolved2, a2 = resolve("牵头部门是哪些？", [FIRST], CITIES)
    assert resolved2 == "铁岭清洁取暖由哪些部门负责？" and a2.kind == "responsibility"


def test_topic_swap_keeps_city():
    resolved, a = resolve("农村生活污水呢？", [FIRST], CITIES)
    assert resolved == "铁岭2025年农村生活污水的目标是多少？"
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
    assert resolved == "安阳2025年清洁取暖的目标是多少？"


def test_new_city_and_topic_is_a_new_question():
    resolved, a = resolve("安顺的挥发性有机物治理有哪些措施", [FIRST], CITIES)
    assert resolved == "安顺的挥发性有机物治理有哪些措施"
    assert a.kind == "measure"


# --- elliptical turns of each shape ---------------------------------------------------------

PROCUREMENT = "定州党政机关创建节约型机关的占比要达到多少？"


def test_pronoun_topic_inherits_the_previous_topic():
    """"这方面由哪些部门负责？" leaves "这" once question words go: a pronoun is no topic."""
    resolved, a = resolve("这方面由哪些部门负责？", [PROCUREMENT], CITIES)
    assert resolved == "定州党政机关创建节约型机关占比由哪些部门负责？"
    assert a.kind == "responsibility" and a.cities == ("定州市",)


def test_new_aspect_a_number():
    for turn in ("那个数字是多少？", "具体是多少？", "那它要达到多少"):
        resolved, a = resolve(turn, ["铁岭清洁取暖有哪些措施？"], CITIES)
        assert resolved == "铁岭清洁取暖的目标是多少？", turn
        assert a.kind == "figure" and a.cities == ("铁岭市",)


def test_new_aspect_an_indicator_of_the_same_topic():
    resolved, a = resolve("这方面的再生水利用率呢？", ["三门峡生活污水集中收集率力争达到多少？"], CITIES)
    assert "生活污水集中收集率" in resolved and "再生水利用率" in resolved
    assert resolved.startswith("三门峡") and a.kind == "figure"


def test_new_topic_only_keeps_city_and_kind():
    resolved, a = resolve("那城市污泥呢？", ["安顺县城污水处理率要达到多少？"], CITIES)
    assert resolved == "安顺城市污泥的目标是多少？"
    assert a.cities == ("安顺市",) and a.kind == "figure"


def test_new_city_only_keeps_topic_and_kind():
    resolved, a = resolve("三门峡呢？", ["安顺县城污水处理率要达到多少？"], CITIES)
    assert resolved == "三门峡县城污水处理率的目标是多少？"
    assert a.cities == ("三门峡市",)


def test_new_year_only():
    resolved, a = resolve("2030年呢？", [FIRST], CITIES)
    assert resolved == "铁岭2030年清洁取暖的目标是多少？" and a.year == 2030


def test_reset_to_a_new_topic_and_city():
    resolved, a = resolve("铁岭钢铁产能什么时候完成超低排放改造？", ["安阳秸秆综合利用率要稳定在多少？"], CITIES)
    assert resolved == "铁岭钢铁产能什么时候完成超低排放改造？" and a.cities == ("铁岭市",)


def test_a_topic_unknown_to_corpus_and_lexicon_is_no_topic():
    known = {"清洁取暖"}.__contains__  # a vocabulary without the word asked
    resolved, _ = resolve("那呃呃呢？", [FIRST], CITIES, known=known)
    assert "清洁取暖" in resolved


def test_is_content():
    from assistant.conversation import is_content

    assert is_content("秸秆") and is_content("用水") and is_content("人均能耗")
    assert not is_content("这") and not is_content("个数字") and not is_content("")


# --- places of the hierarchy (corpus.hierarchy) as the slot -----------------------------------

from corpus.model import DocumentMeta  # noqa: E402

LEVEL_DOCS = [DocumentMeta(doc_id=c, city=c, province=p, title=f"{c}方案") for c, p in
              (("安阳市", "河南省"), ("三门峡市", "河南省"), ("河南省", "河南省"), ("全国", ""), ("铁岭市", "辽宁省"))]


def test_a_province_without_a_plan_of_its_own_is_the_slot_of_a_follow_up():
    resolved, a = resolve("那2030年呢？", ["河南单位GDP能耗下降目标是多少？"], CITIES)
    assert resolved.startswith("河南省2030年") and a.places == ("河南省",) and a.cities == ()


def test_a_county_is_answered_from_its_city_and_stays_the_slot():
    resolved, a = resolve("林州市化学需氧量重点工程减排量是多少吨？", [], CITIES)
    assert a.places == ("林州市",) and a.cities == ("安阳市",)  # 安阳市's plan answers it
    resolved, a = resolve("氨氮呢？", ["林州市化学需氧量重点工程减排量是多少吨？"], CITIES)
    assert resolved.startswith("林州市") and "氨氮" in resolved and a.cities == ("安阳市",)


def test_a_place_and_a_topic_of_its_own_is_a_new_question():
    resolved, a = resolve("国家对两高项目有什么要求？", ["河南遏制两高项目有哪些措施？"], LEVEL_DOCS)
    assert a.places == ("全国",) and a.cities == ("全国",)
    resolved, a = resolve("那河南呢？", ["国家对两高项目有什么要求？"], LEVEL_DOCS)
    assert a.places == ("河南省",) and a.cities == ("河南省",) and "两高项目" in resolved
