from index import lexicon


def test_synonym_groups_parse_canonical_first_and_skip_comments():
    groups = lexicon.synonym_groups()
    assert groups, "synonyms.tsv yields no group"
    assert all(len(g) >= 2 for g in groups)
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
