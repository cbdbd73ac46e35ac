from corpus.text import fold as normalize
from index.tokenizer import Tokenizer, get_tokenizer


def test_user_words_stay_whole():
    tokens = get_tokenizer().tokenize("全市单位地区生产总值能耗比2020年下降14.5%，化学需氧量、氨氮减排")
    for word in ("单位地区生产总值能耗", "化学需氧量", "氨氮"):
        assert word in tokens


def test_search_mode_adds_dictionary_words_inside_long_tokens():
    tokens = get_tokenizer().tokenize("城镇清洁取暖率达到70%以上")
    assert {"城镇清洁取暖率", "清洁取暖率", "清洁", "取暖"} <= set(tokens)
    plain = Tokenizer(search_mode=False).tokenize("城镇清洁取暖率达到70%以上")
    assert "清洁" not in plain and "城镇清洁取暖率" in plain


def test_traditional_input_matches_simplified():
    tk = get_tokenizer()
    assert tk.tokenize("鐵嶺市城鎮清潔取暖率") == tk.tokenize("铁岭市城镇清洁取暖率")
    assert normalize("節能減排") == "节能减排"


def test_nfkc_and_lowercase():
    tk = get_tokenizer()
    assert normalize("ＶＯＣｓ　２０２５") == "vocs 2025"
    assert "vocs" in tk.tokenize("挥发性有机物（VOCs）")


def test_figures_kept_stopwords_and_punctuation_dropped():
    tokens = get_tokenizer().tokenize("到2025年，城镇清洁取暖率的目标是多少？达到70%以上。")
    assert "2025" in tokens and "70%" in tokens
    for dropped in ("的", "是", "多少", "，", "？", "。"):
        assert dropped not in tokens


def test_synonym_terms_are_user_words():
    tokens = get_tokenizer().tokenize("万元GDP能耗下降")
    assert "万元gdp能耗" in tokens


def test_empty_and_punctuation_only():
    tk = get_tokenizer()
    assert tk.tokenize("") == []
    assert tk.tokenize("，。！？——") == []
