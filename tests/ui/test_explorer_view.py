from __future__ import annotations

from assistant.explorer import Explorer
from assistant.target_model import Target
from ui.explorer_view import explorer_url, render_links, render_view

HOSTILE = "<script>alert(1)</script>"


def test_view_escapes_document_text_and_links_cells_to_their_clause(make_chunk):
    chunk = make_chunk(12, f"清洁取暖率{HOSTILE}达到70%以上。")
    target = Target(city="铁岭市", indicator=f"清洁取暖率{HOSTILE}", value="70%", unit="%", qualifier="以上",
                    year=2025, baseline="", verb="达到", chunk_id=chunk.chunk_id, sentence=chunk.text,
                    clause=f"清洁取暖率{HOSTILE}达到70%以上")
    explorer = Explorer([target], ["铁岭市", "安阳市"], {chunk.chunk_id: chunk}.get)
    name = explorer.catalog.indicators[0].name
    html = render_view(explorer.view(name), explorer.chunk_of, None)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="/ui-docs/tieling-2022-jnjp?p=12&amp;clause=' in html and "#p-12" in html
    assert 'data-city="铁岭市"' in html and "没有可绘制的可比数值" in html
    assert 'id="pqa-ind-missing"' in html and "安阳市" in html


def test_links_from_an_answer_open_the_explorer_on_the_indicator():
    assert explorer_url("单位地区生产总值能耗") == "/ui/?indicator=%E5%8D%95%E4%BD%8D%E5%9C%B0%E5%8C%BA%E7%94%9F%E4%BA%A7%E6%80%BB%E5%80%BC%E8%83%BD%E8%80%97"
    html = render_links(["清洁取暖率", '"><b>'])
    assert "&quot;&gt;&lt;b&gt;" in html and "<b>" not in html and 'target="_blank"' in html
    assert render_links([]) == ""


def _figure(indicator: str, value: str, chunk) -> Target:
    return Target(city="铁岭市", indicator=indicator, value=value, unit="%", qualifier="以上", year=2025,
                  baseline="", verb="达到", chunk_id=chunk.chunk_id, sentence=chunk.text, clause=chunk.text)


def test_enter_opens_the_only_match_or_the_one_named_exactly(make_chunk):
    from ui.explorer import enter_choice

    chunk = make_chunk(12, "到2025年，污水处理率达到95%以上。")
    explorer = Explorer([_figure("单位地区生产总值能耗", "14.5%", chunk), _figure("污水处理率", "95%", chunk),
                         _figure("农村生活污水治理率", "40%", chunk)], ["铁岭市"], {chunk.chunk_id: chunk}.get)
    assert enter_choice(explorer, "单位GDP能耗") == "单位地区生产总值能耗"  # the only match (a synonym)
    assert enter_choice(explorer, " 污水处理率 ") == "污水处理率"  # two listed, one named exactly
    assert enter_choice(explorer, "污水") is None  # two listed, neither named: the official picks
    assert enter_choice(explorer, "") is None and enter_choice(explorer, "火星") is None
