"""HTML for one answer: the direct answer, a comparison table, numbered source cards.

Every piece of document or user text goes through `html.escape` here and nowhere else
is raw text put into markup. The chat page shows these fragments with markdown
rendering off, so `**bold**` or `<script>` in a plan is displayed as written.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import quote

from assistant.model import Answer, Citation, TableRow
from corpus.model import Chunk

# (previous paragraph, next paragraph) of a chunk in its document; None at either end.
NeighbourLookup = Callable[[Chunk], tuple[Chunk | None, Chunk | None]]

DOC_ROUTE = "/ui-docs"

_NOTICE_TEXT = {
    "empty": "请输入问题，例如：“铁岭 2025年城镇清洁取暖率是多少？”",
    "not_found": "未在已收录的政策文件中找到相关内容。可以换个说法，或在左侧取消城市筛选后再试。",
}


def esc(text: str) -> str:
    """Escape text for HTML element content and attribute values."""
    return html.escape(text, quote=True)


def _lines(text: str) -> str:
    """Escaped text with its line breaks kept."""
    return "<br>".join(esc(line) for line in text.splitlines())


def document_url(doc_id: str) -> str:
    """Link to the document viewer: the whole document."""
    return f"{DOC_ROUTE}/{quote(doc_id, safe='')}"


def doc_url(chunk: Chunk) -> str:
    """Link to the document viewer, scrolled to the chunk's paragraph."""
    return f"{document_url(chunk.doc_id)}#p-{chunk.paragraph}"


def highlight_html(text: str, highlight: str) -> str:
    """`text` escaped, with the first occurrence of `highlight` wrapped in <mark>."""
    at = text.find(highlight) if highlight else -1
    if at < 0:
        return _lines(text)
    end = at + len(highlight)
    return f"{_lines(text[:at])}<mark>{_lines(text[at:end])}</mark>{_lines(text[end:])}"


def section_label(chunk: Chunk) -> str:
    """Full heading path, outermost first, or a word for the preamble."""
    if chunk.kind == "lead":
        return "导语（非方案正文）"
    return " › ".join(chunk.section) if chunk.section else "前言"


def render_user(question: str) -> str:
    return f'<div class="pqa-user">{_lines(question)}</div>'


def render_pending() -> str:
    return '<div class="pqa-pending"><span class="pqa-spinner"></span>正在检索政策原文，请稍候…</div>'


def render_error() -> str:
    return '<div class="pqa-notice pqa-error">抱歉，处理这个问题时出错了，请稍后重试。</div>'


def render_notice(kind: str, text: str = "", footer: str = "") -> str:
    """Friendly message for an empty question or when nothing relevant was found; `footer` is
    HTML built by this package (the feedback bar)."""
    body = text or _NOTICE_TEXT.get(kind, "")
    return f'<div class="pqa-notice pqa-{esc(kind)}">{_lines(body)}{footer}</div>'


def render_feedback(answer_id: str, answer: Answer, max_sources: int | None = None) -> str:
    """The 有用 / 有误 bar of one answer. The page's script (ui/static/feedback.js) reads the
    answer id and the shown sources from the hidden `.pqa-fb-data` (the chat sanitizer keeps
    classes but drops data-* attributes) and posts to /api/v1/feedback."""
    citations = answer.citations[:max_sources] if max_sources else answer.citations
    sources = "".join(
        f'<span class="pqa-fb-source"><span class="pqa-fb-chunk">{esc(c.chunk.chunk_id)}</span>'
        f'<span class="pqa-fb-name">来源{c.n}：{esc(c.chunk.citation)}</span></span>'
        for c in citations)
    return (
        '<div class="pqa-feedback">'
        f'<span class="pqa-fb-data"><span class="pqa-fb-aid">{esc(answer_id)}</span>{sources}</span>'
        '<span class="pqa-fb-ask">这个回答：</span>'
        '<button class="pqa-fb-useful" type="button">有用</button>'
        '<button class="pqa-fb-wrong" type="button">有误</button>'
        '<span class="pqa-fb-status"></span>'
        "</div>"
    )


def _neighbour_block(before: Chunk | None, after: Chunk | None) -> str:
    if before is None and after is None:
        return ""
    parts = []
    if before is not None:
        parts.append(
            f'<div class="pqa-ctx"><span class="pqa-ctx-label">上一段</span>{_lines(before.text)}</div>'
        )
    if after is not None:
        parts.append(
            f'<div class="pqa-ctx"><span class="pqa-ctx-label">下一段</span>{_lines(after.text)}</div>'
        )
    return f'<details class="pqa-details"><summary>查看前后段落</summary>{"".join(parts)}</details>'


def render_card(citation: Citation, neighbours: NeighbourLookup | None = None) -> str:
    """One numbered source card."""
    chunk = citation.chunk
    before, after = neighbours(chunk) if neighbours else (None, None)
    where = f"第{chunk.section_paragraph}段（全文第{chunk.paragraph}段）"
    # The copy button is wired by a delegated listener in the page head (ui.app.HEAD):
    # the chat sanitizer strips inline handlers and data-* attributes, classes survive.
    return (
        '<div class="pqa-card">'
        '<div class="pqa-card-head">'
        f'<span class="pqa-num">{citation.n}</span>'
        f'<span class="pqa-doc">《{esc(chunk.title)}》</span>'
        "</div>"
        '<div class="pqa-meta">'
        f'<span class="pqa-city">{esc(chunk.city)}</span>'
        f'<span class="pqa-section">{esc(section_label(chunk))}</span>'
        f'<span class="pqa-para-no">{esc(where)}</span>'
        "</div>"
        f'<p class="pqa-para">{highlight_html(chunk.text, citation.highlight)}</p>'
        f"{_neighbour_block(before, after)}"
        '<div class="pqa-actions">'
        f'<a class="pqa-open" href="{esc(doc_url(chunk))}" target="_blank" rel="noopener">查看原文</a>'
        '<button class="pqa-copy" type="button">复制引用</button>'
        f'<span class="pqa-cite">{esc(chunk.citation)}</span>'
        "</div>"
        "</div>"
    )


def _value_cell(row: TableRow) -> str:
    if not row.value:
        return '<span class="pqa-none">未提出具体数值</span>'
    qualifier = f'<span class="pqa-qual">{esc(row.qualifier)}</span>' if row.qualifier else ""
    return f'<strong>{esc(row.value)}</strong>{qualifier}'


def render_table(rows: tuple[TableRow, ...]) -> str:
    """Cross-city comparison: one row per city, with the verbatim sentence and citation."""
    if not rows:
        return ""
    body = "".join(
        "<tr>"
        f"<td>{esc(row.city)}</td>"
        f"<td>{esc(row.indicator)}</td>"
        f"<td>{_value_cell(row)}</td>"
        f'<td class="pqa-sent">{_lines(row.sentence)}</td>'
        f'<td class="pqa-src">{esc(row.citation)}</td>'
        "</tr>"
        for row in rows
    )
    return (
        '<div class="pqa-table-wrap"><table class="pqa-table">'
        "<thead><tr><th>城市</th><th>指标</th><th>目标值</th><th>原文</th><th>出处</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def render_answer(
    answer: Answer,
    neighbours: NeighbourLookup | None = None,
    max_sources: int | None = None,
    links: str = "",
    footer: str = "",
) -> str:
    """The whole assistant message: answer text, comparison table, `links` (HTML built by this
    package, e.g. to the explorer), source cards, `footer` (the feedback bar)."""
    if answer.kind in ("empty", "not_found") and not answer.citations:
        return render_notice(answer.kind, answer.text, footer)
    citations = answer.citations[:max_sources] if max_sources else answer.citations
    parts = [f'<div class="pqa-answer pqa-kind-{esc(answer.kind)}">{_lines(answer.text)}</div>']
    if answer.resolved_query and answer.resolved_query != answer.question:
        parts.append(f'<div class="pqa-resolved">按“{esc(answer.resolved_query)}”理解此追问</div>')
    parts.append(render_table(answer.table))
    parts.append(links)
    if citations:
        cards = "".join(render_card(c, neighbours) for c in citations)
        parts.append(f'<div class="pqa-sources"><div class="pqa-sources-title">来源</div>{cards}</div>')
    parts.append(footer)
    return f'<div class="pqa-msg">{"".join(parts)}</div>'
