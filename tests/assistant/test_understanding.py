"""Query understanding: cities, year, indicators, kind, expansions, traditional input."""
from __future__ import annotations

import pytest

from assistant.understanding import analyze, detect_year, topic_of
from corpus.model import DocumentMeta

DOCS = [
    DocumentMeta(doc_id="tieling", city="铁岭市", province="辽宁省", title="铁岭市方案"),
    DocumentMeta(doc_id="anyang", city="安阳市", province="河南省", title="安阳市方案"),
    DocumentMeta(doc_id="anshun", city="安顺市", province="贵州省", title="安顺市方案"),
    DocumentMeta(doc_id="sanmenxia", city="三门峡市", province="河南省", title="三门峡市方案"),
]


@pytest.mark.parametrize("question", ["铁岭2025年清洁取暖要到多少？", "铁岭市的清洁取暖率", "铁岭的清洁取暖比例是多少"])
def test_city_forms(question):
    assert analyze(question, DOCS).cities == ("铁岭市",)


def test_several_cities_in_reading_order():
    a = analyze("安阳和铁岭的单位GDP能耗下降目标分别是多少", DOCS)
    assert a.cities == ("安阳市", "铁岭市")
    assert a.kind == "comparison"


def test_cities_come_from_metadata():
    added = [*DOCS, DocumentMeta(doc_id="x", city="鄂尔多斯市", province="内蒙古自治区", title="t")]
    assert analyze("鄂尔多斯清洁取暖率", added).cities == ("鄂尔多斯市",)
    assert analyze("鄂尔多斯清洁取暖率", DOCS).cities == ()


def test_year_forms():
    assert detect_year("到2025年") == 2025
    assert detect_year("二〇二五年铁岭") == 2025
    assert detect_year("比2020年下降多少") is None  # a baseline is not the target year
    # the end of a plan period is its last year (the plans write "“十四五”末，力争我省光伏装机达到…")
    assert detect_year("湖南十四五末，非化石能源在一次能源消费里占比要到多少？") == 2025
    assert detect_year("“十三五”期末完成了多少") == 2020
    assert detect_year("十四五期间要新增多少") is None  # the whole period: no one year


def test_indicator_canonical_and_expansions():
    a = analyze("铁岭单位GDP能耗下降多少", DOCS)
    assert a.indicators == ("单位地区生产总值能耗",)
    assert "单位生产总值能源消耗" in a.expansions
    assert "单位GDP能耗" not in a.expansions  # already in the question
    assert analyze("三门峡PUE要求", DOCS).indicators == ("电能利用效率",)
    assert analyze("安顺VOCs治理", DOCS).indicators == ("挥发性有机物",)
    assert analyze("燃煤小锅炉怎么整治", DOCS).indicators == ("燃煤锅炉",)  # longest match wins
    assert analyze("烧煤的锅炉怎么整治", DOCS).indicators == ("燃煤",)  # an everyday word for 燃煤


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("铁岭2025年清洁取暖要到多少？", "figure"),
        ("安顺的挥发性有机物治理有哪些措施", "measure"),
        ("谁牵头负责？", "responsibility"),
        ("交通物流节能减排由哪些部门负责", "responsibility"),
        ("铁岭和安阳的秸秆综合利用率分别是多少", "comparison"),
        ("安阳农村生活污水治理率", "figure"),
    ],
)
def test_kind(question, kind):
    assert analyze(question, DOCS).kind == kind


def test_traditional_input_reads_as_simplified():
    trad = analyze("鐵嶺2025年城鎮清潔取暖率", DOCS)
    simp = analyze("铁岭2025年城镇清洁取暖率", DOCS)
    assert trad.text == simp.text
    assert (trad.cities, trad.year, trad.indicators) == (("铁岭市",), 2025, ("清洁取暖率",))


def test_topic_strips_cities_years_and_question_words():
    assert topic_of("铁岭2025年清洁取暖要到多少？", DOCS) == "清洁取暖"
    assert topic_of("那安阳呢？", DOCS) == ""
    assert topic_of("谁牵头负责？", DOCS) == ""
    assert topic_of("安阳庄稼秸秆回收利用的比例要稳定在多少？", DOCS) == "庄稼秸秆回收利用比例"


def test_normalise_drops_control_and_zero_width_characters():
    from corpus.text import matching as normalise

    assert normalise("\x00\u200b\ufeff") == ""
    assert normalise("清洁\u200b取暖\x00率") == "清洁取暖率"


@pytest.mark.parametrize(("question", "parts"), [
    ("呼市到2025年森林覆盖率和草原植被综合盖度分别要达到多少？", ("森林覆盖率", "草原植被综合盖度")),
    ("到2025年要新建改造多少公里污水收集管网、新增多少污水处理能力？", ("新建改造公里污水收集管网", "新增污水处理能力")),
    ("铁岭城镇清洁取暖率要达到多少", ()),
    ("铁岭和安阳的清洁取暖率分别是多少", ()),  # two places, one thing
    ("安阳2025年细颗粒物浓度和优良天数比例目标各是多少？", ("细颗粒物浓度", "优良天数比例")),
])
def test_the_things_a_question_asks_at_once(question, parts):
    from assistant.understanding import asked_parts

    from corpus.text import matching

    found = asked_parts(matching(question), ["铁岭市", "安阳市"])
    assert len(found) == len(parts)
    for topic, expected in zip(found, parts):
        assert expected in topic


def _level_documents():
    from corpus.model import DocumentMeta as D

    return [D(doc_id="n", city="全国", province="", title="国家方案", level="国家"),
            D(doc_id="h", city="河南省", province="河南省", title="河南方案", level="省"),
            D(doc_id="a", city="安阳市", province="河南省", title="安阳方案", level="市"),
            D(doc_id="s", city="三门峡市", province="河南省", title="三门峡方案", level="市"),
            D(doc_id="l", city="林州市", province="河南省", prefecture="安阳市", title="林州方案", level="县"),
            D(doc_id="d", city="定州市", province="河北省", prefecture="保定市", title="定州方案", level="县"),
            D(doc_id="z", city="浙江省", province="浙江省", title="浙江方案", level="省")]


@pytest.mark.parametrize(("question", "listed", "kind"), [
    # 河南's cities, not 河南省's own plan; 林州 is a county of 安阳, which has its own plan
    ("河南各市单位GDP能耗下降目标分别是多少？", ("安阳市", "三门峡市"), "comparison"),
    ("哪些省份提出了2025年非化石能源消费比重目标？", ("河南省", "浙江省"), "comparison"),
    # 定州 is a county-level city whose city (保定) has no plan here: one of the cities
    ("各市单位GDP能耗下降目标", ("安阳市", "三门峡市", "定州市"), "comparison"),
    ("安阳单位GDP能耗下降多少", (), "figure"),
    ("三门峡在哪些地方推进绿色化改造试点？", (), "measure"),  # one place: no list
])
def test_a_question_across_places_lists_the_places_of_its_level(question, listed, kind):
    from assistant.understanding import analyze

    analysis = analyze(question, _level_documents())
    assert analysis.listed == listed
    assert analysis.kind == kind
    assert not (analysis.listed and analysis.cities)  # the listed places answer, not the one named


def test_a_duty_each_place_shares_is_not_a_list():
    from assistant.understanding import analyze

    # a national plan's deadline for every province, not each province's own figure
    analysis = analyze("各省建筑节能与绿色建筑专项规划最晚什么时候报住建部？", _level_documents())
    assert analysis.listed == ()
    assert analyze("哪些省份最晚什么时候完成？", _level_documents()).listed == ("河南省", "浙江省")


@pytest.mark.parametrize(("question", "shared"), [
    # eval/real 13.pdf (national): "各地加快组织开展数据中心生产能耗情况调查，对于规模超过100个标准
    # 机架（2.5KW）的数据中心……逐一登记造册": a task laid on every place, not each place's figure
    ("各地摸底数据中心能耗时，多大规模以上的数据中心要逐一登记造册？", True),
    ("各地要对存量“两高”项目开展节能审查吗？", True),  # 河南省's plan: "各地要对存量“两高”项目…"
    ("各地化学需氧量重点工程减排量目标分别是多少？", False),  # each place's figure
    ("各市单位GDP能耗要下降多少？", False),  # 要 + a target verb: a figure each place is set
    ("各市要新建多少个充电站？", False),  # 要 + a count asked: each place's figure
    ("各地“十四五”节能减排综合工作方案对规模以上工业单位增加值能耗下降的要求，列表对比", False),  # 要求: a noun
    ("哪些省份要开展数据中心能耗调查？", False),  # which places: a list of places
])
def test_a_task_laid_on_every_place_is_not_a_list(question, shared):
    from assistant.understanding import analyze, asks_shared_duty

    from corpus.text import matching

    assert asks_shared_duty(matching(question)) is shared
    assert (analyze(question, _level_documents()).listed == ()) is shared


def test_a_document_named_by_a_short_title_is_not_the_topic():
    # The national plan's title (eval/real 13.pdf) and its short forms in a question: where to
    # look, not what is asked; a name shared with no title stays.
    docs = DOCS + [DocumentMeta(doc_id="n13", city="全国", province="", title=(
        "贯彻落实碳达峰碳中和目标要求推动数据中心和5G等新型基础设施绿色高质量发展实施方案"))]
    assert topic_of("5G基站 能效提升目标 数据中心和5G绿色发展方案", docs) == "5G基站能效"
    assert "数据中心集群" in topic_of("新型基础设施绿色发展方案里，机架上架率低于多少就不支持新的数据中心集群？", docs)
    assert "绿色发展" not in topic_of("新型基础设施绿色发展方案里，机架上架率低于多少就不支持新的数据中心集群？", docs)
    assert topic_of("铁岭市方案中城镇清洁取暖率要达到多少", DOCS).endswith("城镇清洁取暖率")
    assert topic_of("秸秆综合利用方案的目标是多少", docs) == "秸秆综合利用"


def test_group_of_is_the_first_group_holding_the_term():
    """group_of's table gives what a scan of the lexicon's groups gives, for every term in
    any case, and (term,) for a word of no group."""
    from assistant.understanding import group_of, synonym_groups

    def scanned(term: str) -> tuple[str, ...]:
        return next((g for g in synonym_groups() if any(t.lower() == term.lower() for t in g)), (term,))

    terms = [t for g in synonym_groups() for t in g]
    assert terms
    for term in terms + [t.upper() for t in terms] + ["不在词表里的词"]:
        assert group_of(term) == scanned(term), term
    assert group_of("不在词表里的词") == ("不在词表里的词",)


@pytest.mark.parametrize(("question", "topic"), [
    ("规划的主要指标表中，公共建筑能效提升改造的目标是多少？", "公共建筑能效提升改造"),
    ("专栏2里新建超低能耗建筑面积是多少？", "新建超低能耗建筑面积"),
    ("代表中心城区的指标是多少？", "代表中心城区"),  # 表中 inside a word: not a place in the document
])
def test_where_in_the_document_is_not_what_is_asked(question, topic):
    from assistant.understanding import topic_of
    from corpus.text import matching

    assert topic_of(matching(question), []).endswith(topic)


def test_the_postposition_after_a_named_document_is_not_asked():
    from assistant.understanding import topic_of
    from corpus.model import DocumentMeta
    from corpus.text import matching

    docs = [DocumentMeta(doc_id="x", city="辽源市", province="吉林省", title="辽源市加快建立健全绿色低碳循环发展经济体系实施方案")]
    assert topic_of(matching("辽源市绿色低碳循环发展方案里，2025年森林覆盖率要达到多少？"), docs) == "森林覆盖率"
    assert topic_of(matching("里程碑目标是什么？"), docs).startswith("里程")  # a word starting with 里


@pytest.mark.parametrize("question", [
    "临沂县城的住宅最高能盖几层？6层及以下的住宅要占多少？",
    "企业研发项目市里按什么比例给后补助？单个项目最多补多少？",
])
def test_each_ask_of_a_two_question_question_is_a_part(question):
    from assistant.understanding import asked_parts
    from corpus.text import matching

    assert len(asked_parts(matching(question), [])) == 2


def test_a_function_character_beginning_a_word_stays_in_the_topic():
    from assistant.understanding import asked_parts, topic_of
    from corpus.text import matching

    assert "有效期多长" in asked_parts(matching("方案从哪天开始实施，有效期多长？"), [])
    assert topic_of(matching("有机肥施用量要达到多少？"), []).startswith("有机肥")
    assert topic_of(matching("有量化目标吗"), []) == ""  # 有 alone: a function character
