"""The one normaliser: matching text, its alignment with display text, folding."""
from hypothesis import given
from hypothesis import strategies as st

from corpus.text import align, bigrams, compact, fold, matching, to_simplified


def test_matching_folds_width_script_and_whitespace():
    assert matching("到 2025 年") == "到2025年"
    assert matching("下降１８％以上") == "下降18%以上"
    assert matching("ＰＭ２.５ 和\u3000O3\n") == "PM2.5和O3"
    assert matching("[bookmark: _GoBack]方案\u200b") == "方案"
    assert matching("鐵嶺市城鎮清潔取暖率達到70%") == "铁岭市城镇清洁取暖率达到70%"
    assert matching("總磷穩定達到Ⅱ類標準") == "总磷稳定达到II类标准"


def test_matching_keeps_a_separator_where_merging_would_invent_a_token():
    assert matching("108 104") == "108 104"  # two numbers, not 108104
    assert matching("水泥熟料\t108\t104") == "水泥熟料\t108\t104"  # table cells
    assert matching("energy  saving") == "energy saving"
    assert matching("到 2025年") == "到2025年"


def test_control_and_format_characters_carry_no_meaning():
    assert matching("清洁\x00取暖\ufeff率\u200d") == "清洁取暖率"


def test_fold_ignores_case_on_top_of_matching():
    assert fold("VOCs排放") == fold("ｖｏｃｓ排放") == "vocs排放"


def test_alignment_maps_matching_spans_back_to_display_text():
    display = "到 2025 年，城鎮清潔取暖率達到７０％以上。"
    aligned = align(display)
    start = aligned.text.index("70%")
    assert aligned.display(start, start + 3) == "７０％"
    start = aligned.text.index("城镇清洁取暖率")
    assert aligned.display(start, start + 7) == "城鎮清潔取暖率"


def test_bigrams_and_compact():
    assert bigrams("清洁取暖") == {"清洁", "洁取", "取暖"}
    assert bigrams("鐵") == {"铁"}
    assert compact("到 2025 年\t达到") == "到2025年达到"


def test_simplified_conversion_is_lazy_and_total():
    assert to_simplified("") == ""
    assert to_simplified("節能減排") == "节能减排"


@given(st.text())
def test_matching_is_idempotent_and_aligned(text):
    aligned = align(text)
    assert aligned.text == matching(text)
    assert matching(aligned.text) == aligned.text
    assert len(aligned.origin) == len(aligned.text)
    assert all(0 <= pos < len(text) for pos in aligned.origin)
    assert list(aligned.origin) == sorted(aligned.origin)
