from corpus.clean import (
    Line,
    clean_display,
    ends_sentence,
    is_bracketed_note,
    rejoin,
    source_lines,
    strip_artifacts,
)


def test_display_keeps_characters_but_drops_noise():
    assert clean_display("到 2025 年，下降 18%以上") == "到2025年，下降18%以上"
    assert clean_display("开展 PM2.5 和 O3 协同治理") == "开展PM2.5和O3协同治理"
    assert clean_display("energy  saving plan") == "energy saving plan"
    assert clean_display("下降１８％") == "下降１８％"  # display keeps full-width forms
    assert clean_display("林州市\t19\t\t") == "林州市\t19"
    assert clean_display("[bookmark: _GoBack]安顺市方案") == "安顺市方案"
    assert strip_artifacts("a[bookmark: x1]b[bookmark: _GoBack]") == "ab"


def test_ends_sentence():
    assert ends_sentence("制定本方案。")
    assert ends_sentence("全文如下：")
    assert ends_sentence("他说“要节能。”")
    assert ends_sentence("…清洁取暖。（市住房和城乡建设局负责）")
    assert ends_sentence("（单位：吨）")
    assert not ends_sentence("积极推动既")
    assert not ends_sentence("（以下简称“能耗双控”）、")
    assert not ends_sentence("完善高耗能、高排放项目（以下简称“两高”项")
    assert is_bracketed_note("（市发展改革委负责）") and not is_bracketed_note("（一）加强领导。（略）x")


def _lines(*texts: str) -> list[Line]:
    return source_lines("\n\n".join(texts))


def test_rejoin_broken_lines_but_not_short_or_standalone_ones():
    first = "（三）城镇绿色节能改造工程。" + "推动新建建筑按照绿色建筑标准设计、建设、运行、管理，积极推动既"
    lines = _lines(first, "有建筑绿色改造。", "二、主要目标", "安顺市人民政府", "2022年12月23日")
    standalone = [False, False, True, False, False]
    paras = rejoin(lines, standalone, standalone)
    assert [p.text for p in paras] == [first + "有建筑绿色改造。", "二、主要目标", "安顺市人民政府", "2022年12月23日"]
    assert paras[0].start == 0 and paras[0].lines == tuple(lines[:2])


def test_rejoin_never_joins_into_a_heading():
    lines = _lines("长" * 50 + "，", "（二）园区节能环保提升工程。引导企业集聚。")
    assert len(rejoin(lines, [False, False], [False, True])) == 2


def test_rejoin_attaches_trailing_responsibility_note():
    body = "（三）城镇绿色节能改造工程。" + "全面推进城镇绿色规划、绿色建设、绿色运行管理，城镇基本实现清洁取暖。"
    lines = _lines(body, "（市住房和城乡建设局按职责分工负责）")
    (para,) = rejoin(lines, [False, False], [False, False])
    assert para.text.endswith("清洁取暖。（市住房和城乡建设局按职责分工负责）")


def test_source_lines_offsets_skip_artifacts_and_blank_lines():
    raw = "  \n[bookmark: _GoBack]标题\r\n\n 正文 \u2002\n[bookmark: x]\n"
    lines = source_lines(raw)
    assert [line.text for line in lines] == ["标题", "正文"]
    assert [raw[line.start : line.end] for line in lines] == ["标题", "正文"]
