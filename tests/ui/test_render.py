from __future__ import annotations

import re

from assistant.model import Answer, Citation, TableRow
from ui.render import doc_url, highlight_html, render_answer, render_card, render_table


def _answer(chunk, highlight: str, **fields) -> Answer:
    base = dict(question="铁岭 2025年城镇清洁取暖率", resolved_query="铁岭 2025年城镇清洁取暖率",
                kind="figure", text="铁岭市：到2025年城镇清洁取暖率达到70%。",
                citations=(Citation(n=1, chunk=chunk, highlight=highlight, score=1.0),))
    base.update(fields)
    return Answer(**base)


def test_document_text_is_escaped_and_markdown_left_as_text(hostile_chunk):
    html = render_answer(_answer(hostile_chunk, "到2025年，清洁取暖率达到70%。"))
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**bold**" in html and "<strong>bold</strong>" not in html and "<b>" not in html
    assert '<a href="http://x"' not in html


def test_highlight_marks_exactly_the_answering_sentence():
    text = "推进清洁取暖。到2025年，城镇清洁取暖率达到70%。加强监管。"
    html = highlight_html(text, "到2025年，城镇清洁取暖率达到70%。")
    assert re.findall(r"<mark>(.*?)</mark>", html) == ["到2025年，城镇清洁取暖率达到70%。"]
    assert html.startswith("推进清洁取暖。") and html.endswith("加强监管。")


def test_highlight_with_markup_inside_is_escaped_inside_the_mark():
    html = highlight_html("前文<b>70%</b>后文", "<b>70%</b>")
    assert html == "前文<mark>&lt;b&gt;70%&lt;/b&gt;</mark>后文"


def test_highlight_not_found_shows_plain_paragraph():
    assert highlight_html("甲乙丙", "丁") == "甲乙丙"


def test_card_has_title_section_paragraph_link_and_citation(make_chunk):
    chunk = make_chunk(12, "到2025年，城镇清洁取暖率达到70%。")
    before, after = make_chunk(11, "上一段<i>文字</i>"), make_chunk(13, "下一段文字")
    html = render_card(Citation(n=2, chunk=chunk, highlight=chunk.text, score=0.5), lambda c: (before, after))
    assert "《铁岭市“十四五”节能减排综合工作方案》" in html
    assert "三、主要任务 › （三）城镇绿色节能改造工程" in html
    assert "第2段（全文第12段）" in html
    assert 'href="/ui-docs/tieling-2022-jnjp#p-12"' in html and 'target="_blank"' in html
    assert "查看原文" in html and "复制引用" in html
    assert "<details" in html and "上一段&lt;i&gt;文字&lt;/i&gt;" in html and "下一段文字" in html
    assert '<span class="pqa-cite">' + chunk.citation.replace("“", "“") in html


def test_doc_url_quotes_the_id(make_chunk):
    assert doc_url(make_chunk(3, "x", doc_id="a b")) == "/ui-docs/a%20b#p-3"


def test_answer_text_comes_before_the_cards_and_sources_are_capped(make_chunk):
    chunks = [make_chunk(20 + i, f"第{i}条") for i in range(4)]
    cits = tuple(Citation(n=i + 1, chunk=c, highlight=c.text, score=1.0) for i, c in enumerate(chunks))
    html = render_answer(_answer(chunks[0], "", citations=cits), max_sources=2)
    assert html.index("达到70%") < html.index('class="pqa-card"')
    assert html.count('class="pqa-card"') == 2


def test_comparison_table_rows_escaped():
    rows = (
        TableRow(city="铁岭市", indicator="城镇清洁取暖率", value="70%", qualifier="以上",
                 sentence="达到70%<img src=x>", citation="《甲》第1段", chunk_id="a"),
        TableRow(city="安阳市", indicator="城镇清洁取暖率", value="", qualifier="",
                 sentence="", citation="《乙》第2段", chunk_id="b"),
    )
    html = render_table(rows)
    assert html.count("<tr>") == 3
    assert "<img" not in html and "&lt;img src=x&gt;" in html
    assert "未提出具体数值" in html and "<strong>70%</strong>" in html


def test_not_found_and_empty_are_friendly_messages():
    nf = Answer(question="火星", resolved_query="火星", kind="not_found", text="")
    assert "未在已收录的政策文件中找到相关内容" in render_answer(nf)
    empty = Answer(question="", resolved_query="", kind="empty", text="")
    assert "请输入问题" in render_answer(empty)


def test_feedback_bar_carries_the_answer_id_and_the_shown_sources_escaped(make_chunk, hostile_chunk):
    from ui.render import render_feedback

    answer = _answer(hostile_chunk, "", citations=(
        Citation(n=1, chunk=hostile_chunk, highlight="", score=1.0),
        Citation(n=2, chunk=make_chunk(13, "下一段"), highlight="", score=0.5)))
    html = render_feedback("0123456789abcdef0123456789abcdef", answer, max_sources=1)
    assert '<span class="pqa-fb-aid">0123456789abcdef0123456789abcdef</span>' in html
    assert html.count('class="pqa-fb-source"') == 1 and hostile_chunk.chunk_id in html  # only what is shown
    assert '<button class="pqa-fb-useful" type="button">有用</button>' in html and ">有误<" in html
    assert "data-" not in html and "onclick" not in html  # the chat sanitizer would drop them
    notice = render_answer(Answer(question="火星", resolved_query="火星", kind="not_found", text=""), footer=html)
    assert "pqa-notice" in notice and "pqa-feedback" in notice  # "not found" can be marked 有误 too
