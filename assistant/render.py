"""Plain-text rendering of answers and hits for the terminal (Chinese, no colours)."""
from __future__ import annotations

from collections.abc import Sequence

from assistant.model import Answer, Citation
from index.types import Hit

_EXCERPT = 160  # characters of context shown around a highlight


def mark(text: str, highlight: str) -> str:
    """`text` with the first occurrence of `highlight` wrapped in 【】."""
    if highlight and highlight in text:
        return text.replace(highlight, f"【{highlight}】", 1)
    return text


def _excerpt(text: str, highlight: str, width: int = _EXCERPT) -> str:
    """The highlight with a little context on each side, marked with 【】."""
    pos = text.find(highlight) if highlight else -1
    if pos < 0:
        return text[:width] + ("…" if len(text) > width else "")
    pad = max((width - len(highlight)) // 2, 0)
    start, end = max(pos - pad, 0), min(pos + len(highlight) + pad, len(text))
    body = mark(text[start:end], highlight)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _citation_line(c: Citation) -> str:
    return f"[{c.n}] {c.chunk.city} {c.chunk.citation}\n    {_excerpt(c.chunk.text, c.highlight)}"


def format_answer(answer: Answer) -> str:
    """Answer text, then the comparison table (if any), then the numbered sources."""
    lines = [answer.text]
    if answer.resolved_query and answer.resolved_query != answer.question:
        lines.append(f"（按“{answer.resolved_query}”理解）")
    if answer.table:
        lines.append("")
        lines.append("城市 | 指标 | 目标值 | 限定 | 出处")
        for row in answer.table:
            value = row.value or "未给出具体数值"
            lines.append(f"{row.city} | {row.indicator} | {value} | {row.qualifier or '—'} | {row.citation or '—'}")
    if answer.citations:
        lines.append("")
        lines.append("来源：")
        lines.extend(_citation_line(c) for c in answer.citations)
    return "\n".join(lines)


def format_hits(hits: Sequence[Hit], highlights: Sequence[str] = ()) -> str:
    """Numbered search results: city, citation, score and the hit's highlight (the search
    outcome's; else its first sentence) marked with 【】."""
    if not hits:
        return "未找到相关条文。"
    out = []
    for n, hit in enumerate(hits, start=1):
        chunk = hit.chunk
        sentence = highlights[n - 1] if n <= len(highlights) else (chunk.sentences[0] if chunk.sentences else "")
        out.append(f"{n}. {chunk.city} {chunk.citation}（得分 {hit.score:.4f}）\n   {_excerpt(chunk.text, sentence)}")
    return "\n".join(out)
