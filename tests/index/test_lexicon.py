from index import lexicon


def test_synonym_groups_parse_canonical_first_and_skip_comments():
    groups = lexicon.synonym_groups()
    assert groups, "synonyms.tsv yields no group"
    assert all(g for g in groups)
    assert ("森林覆盖率",) in groups  # a group of one term: an indicator with no synonym
    assert not any(t.startswith("#") for g in groups for t in g)
    by_first = {g[0]: g for g in groups}
    assert "单位GDP能耗" in by_first["单位地区生产总值能耗"]
    assert "VOCs" in by_first["挥发性有机物"]


def test_synonym_groups_returns_a_copy():
    lexicon.synonym_groups().append(("x", "y"))
    assert ("x", "y") not in lexicon.synonym_groups()


def test_user_words_cover_indicators_and_departments():
    words = set(lexicon.user_words())
    for word in ("单位地区生产总值能耗", "化学需氧量", "挥发性有机物", "清洁取暖率", "超低排放",
                 "氮氧化物", "氨氮", "能耗双控", "煤电机组", "污水集中收集率", "市发展改革委"):
        assert word in words


def test_stopwords_hold_function_words_not_domain_words():
    stop = lexicon.stopwords()
    assert {"的", "和", "多少", "，"} <= stop
    assert not {"年", "能耗", "以上", "以下"} & stop


def test_lexicon_hash_is_stable_hex():
    first, second = lexicon.lexicon_hash(), lexicon.lexicon_hash()
    assert first == second and len(first) == 64
    int(first, 16)


# --- discipline: every group justified by the plans' vocabulary or a general source -----------

def _plans_text() -> str:
    from pathlib import Path

    from corpus.text import compact, fold, matching

    plans = Path(lexicon.LEXICON_DIR).parent.parent / "corpus" / "plans"
    return "".join(fold(compact(matching(p.read_text(encoding="utf-8")))) for p in sorted(plans.glob("*.txt")))


def _absent_terms() -> list[tuple[str, str]]:
    """(term, the group's note) for every synonym term that occurs in no plan."""
    from corpus.text import compact, fold

    text = _plans_text()
    return [(t, note) for group, note in lexicon.synonym_notes() for t in group
            if fold(compact(t)) not in text]


def test_terms_in_no_plan_are_few_and_listed():
    absent = sorted({t for t, _ in _absent_terms()})
    # The terms no plan uses, each justified by a general source in synonyms.tsv (next test).
    assert absent == sorted([
        "单位GDP能耗", "单位地区生产总值能源消耗", "单位地区生产总值二氧化碳排放", "单位GDP二氧化碳排放",
        "碳排放强度", "碳强度", "用能总量", "能耗增量", "新增能耗", "工业能耗强度", "工业用水强度",
        "单位工业增加值用水量", "非化石能源消费比重", "非化石能源比重", "清洁供暖", "装配式建筑比例",
        "PUE", "IDC", "NOx", "NH3-N", "SO2", "烧煤", "燃煤小锅炉", "充电站", "国三车", "污水收集率",
        "中水回用率", "污泥处置率", "水质优良比例", "秸秆利用率", "畜禽粪污利用率", "肥料利用率",
        "公共机构能耗", "能源托管", "余热利用", "绿色出行分担率", "保护性耕作面积",
        "电动公交车", "电动公交",
        "单位国内生产总值能耗", "单位国内生产总值能源消耗", "单位国内生产总值二氧化碳排放",
        "森林覆盖率",
    ])


def test_every_term_in_no_plan_has_a_comment():
    missing = [t for t, note in _absent_terms() if f"{t}:" not in note]
    assert not missing, f"terms that occur in no plan need '<term>: <source>' after their group: {missing}"


def test_no_term_comes_from_an_eval_question_alone():
    """A term no plan uses and that an eval question uses must be a general-source term named
    here with its source (abbreviation, national indicator name, everyday word)."""
    import json
    from pathlib import Path

    from corpus.text import fold

    questions = Path(lexicon.LEXICON_DIR).parent.parent / "eval" / "questions.jsonl"
    asked = fold(" ".join(json.loads(line)["question"] for line in questions.read_text(encoding="utf-8").splitlines()))
    general = {"单位GDP能耗", "单位GDP二氧化碳排放", "PUE", "烧煤", "清洁供暖", "非化石能源比重",
               "非化石能源消费比重", "装配式建筑比例", "碳排放强度", "碳强度", "IDC", "NOx", "SO2"}
    in_questions = {t for t, _ in _absent_terms() if fold(t) in asked}
    assert in_questions <= general, in_questions - general


def test_marked_terms_are_never_expansions():
    from assistant.understanding import analyze

    marked = lexicon.not_expanded()
    assert "污水治理率" in marked and "公共机构能耗" in marked
    a = analyze("铁岭城市污水处理率要达到多少", ["铁岭市"])
    assert "污水治理率" not in a.expansions
    b = analyze("定州单位GDP能耗下降多少", ["定州市"])
    assert "单位地区生产总值能耗" in b.expansions  # an unambiguous synonym is added
    c = analyze("定州公共机构能耗要降低多少", ["定州市"])
    assert c.expansions == ()  # a marked (umbrella) term expands to nothing


def test_an_everyday_word_finds_the_plans_indicator():
    """定州's plan: "到2025年，清洁能源及新能源公交车、出租车比例分别达到90%以上、80%以上". Asked
    with the everyday 电动公交, BM25 with the lexicon's expansion ranks that paragraph first."""
    from assistant.understanding import analyze
    from corpus.catalog import builtin_documents
    from index.bm25 import BM25Retriever

    chunks = [c for d in builtin_documents() if d.meta.city == "定州市" for c in d.chunks]
    question = "定州到2025年电动公交的比例要达到多少？"
    expansions = analyze(question, ["定州市"]).expansions
    assert "新能源公交车" in expansions
    hits = BM25Retriever(chunks).retrieve_expanded(question, expansions, 0.6, top_k=3)
    assert "新能源公交车、出租车比例分别达到90%以上" in hits[0].chunk.text
