"""`GET /ui-docs/{doc_id}`: a whole plan as one HTML page, one anchor per paragraph.

Source cards link to `/ui-docs/<doc_id>#p-<paragraph>`; the browser scrolls to the
anchor and the CSS `:target` rule highlights it, so the page needs no script. The targets
explorer links to `/ui-docs/<doc_id>?p=<paragraph>&clause=<clause>#p-<paragraph>`: the clause
is marked (`<mark class="clause">`) inside that paragraph (`clause_url`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Protocol

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from corpus.model import Chunk, DocumentMeta
from corpus.text import align, compact, matching
from ui.render import DOC_ROUTE, esc

STATIC_DIR = Path(__file__).parent / "static"
# Document ids are short ascii slugs (corpus.model.DocumentMeta.doc_id).
_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
MAX_CLAUSE_CHARS = 400  # a clause is a part of one sentence; longer is not a clause


def clause_url(chunk: Chunk, clause: str) -> str:
    """Link to the document viewer at the chunk's paragraph with `clause` marked in it."""
    query = urlencode({"p": chunk.paragraph, "clause": clause[:MAX_CLAUSE_CHARS]})
    return f"{DOC_ROUTE}/{quote(chunk.doc_id, safe='')}?{query}#p-{chunk.paragraph}"


def locate(text: str, fragment: str) -> tuple[int, int] | None:
    """The span of display `text` that `fragment` (display or matching text, with or without
    whitespace) stands for; None when it does not occur."""
    def find(source: str, wanted: str, origin: list[int]) -> tuple[int, int] | None:
        kept = [(ch, origin[i]) for i, ch in enumerate(source) if not ch.isspace()]
        at = "".join(ch for ch, _ in kept).find(wanted) if wanted else -1
        return (kept[at][1], kept[at + len(wanted) - 1][1] + 1) if at >= 0 else None

    span = find(text, compact(fragment), list(range(len(text))))
    if span is None:  # written in another script or width than the plan: compare matching text
        aligned = align(text)
        span = find(aligned.text, matching(fragment).replace(" ", "").replace("\t", ""), list(aligned.origin))
    return span


def _marked(text: str, span: tuple[int, int] | None) -> str:
    def lines(part: str) -> str:
        return "<br>".join(esc(line) for line in part.split("\n"))

    if span is None:
        return lines(text)
    lo, hi = span
    return f'{lines(text[:lo])}<mark class="clause" id="clause">{lines(text[lo:hi])}</mark>{lines(text[hi:])}'


class DocumentSource(Protocol):
    """The part of `index.engine.SearchIndex` the viewer reads."""

    @property
    def documents(self) -> Sequence[DocumentMeta]: ...

    def document_chunks(self, doc_id: str) -> Iterable[Chunk]: ...


@cache
def _css() -> str:
    return (STATIC_DIR / "document.css").read_text(encoding="utf-8")


def _paragraph(chunk: Chunk, clause: str = "") -> str:
    anchor = f"p-{chunk.paragraph}"
    text = _marked(chunk.text, locate(chunk.text, clause) if clause else None)
    where = f"第{chunk.paragraph}段" + (chunk.page_label.strip("（）") and f"，{chunk.page_label.strip('（）')}")
    number = f'<a class="pno" href="#{anchor}" title="{where}">{chunk.paragraph}</a>'
    if chunk.kind == "heading":
        level = min(len(chunk.section), 4) + 1 if chunk.section else 2
        return f'<h{level} id="{anchor}" class="para heading">{number}{text}</h{level}>'
    label = '<span class="lead-label">导语（非方案正文）</span>' if chunk.kind == "lead" else ""
    return f'<p id="{anchor}" class="para {esc(chunk.kind)}">{number}{label}{text}</p>'


def render_document(meta: DocumentMeta, chunks: Iterable[Chunk], paragraph: int | None = None,
                    clause: str = "") -> str:
    """The full HTML page of one plan; `clause` is marked in paragraph number `paragraph`."""
    facts = [meta.city, meta.issuer, meta.doc_number, meta.date, meta.doc_type]
    facts_html = " · ".join(esc(f) for f in facts if f)
    parts: list[str] = []
    page = 0
    for c in sorted(chunks, key=lambda c: c.paragraph):
        if c.pages and c.pages[0] != page:  # a PDF: where each page begins (id page-N)
            page = c.pages[0]
            parts.append(f'<div class="page-mark" id="page-{page}">第{page}页</div>')
        parts.append(_paragraph(c, clause if c.paragraph == paragraph else ""))
    body = "\n".join(parts)
    if meta.pages:
        facts.append(f"PDF，共{meta.pages}页")
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(meta.title)}</title><style>{_css()}</style></head><body>"
        f'<header><div class="back"><a href="/ui">← 返回问答</a></div>'
        f"<h1>《{esc(meta.title)}》</h1><p class=\"facts\">{facts_html}</p></header>"
        f"<main>{body}</main></body></html>"
    )


def _not_found(doc_id: str) -> HTMLResponse:
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>未找到文件</title>'
        f"<style>{_css()}</style></head><body><header><h1>未找到该政策文件</h1>"
        f'<p class="facts">文件编号“{esc(doc_id[:80])}”不存在。</p>'
        '<div class="back"><a href="/ui">← 返回问答</a></div></header></body></html>'
    )
    return HTMLResponse(page, status_code=404)


def _unavailable() -> HTMLResponse:
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>暂不可用</title>'
        f"<style>{_css()}</style></head><body><header><h1>政策库正在加载</h1>"
        '<p class="facts">请稍候片刻后刷新本页。</p></header></body></html>'
    )
    return HTMLResponse(page, status_code=503)


def document_router(get_source: Callable[[], DocumentSource]) -> APIRouter:
    """Router serving the viewer; `get_source` is called per request (the index may be swapped)."""
    router = APIRouter(tags=["ui"])

    @router.get(DOC_ROUTE + "/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def view_document(
        doc_id: str,
        p: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
        clause: Annotated[str, Query(max_length=MAX_CLAUSE_CHARS)] = "",
    ) -> HTMLResponse:
        if not _DOC_ID.fullmatch(doc_id):
            return _not_found(doc_id)
        try:
            source = get_source()
        except Exception:  # the API's index is still loading (or failed): say so, not a 500
            return _unavailable()
        meta = next((d for d in source.documents if d.doc_id == doc_id), None)
        if meta is None:
            return _not_found(doc_id)
        return HTMLResponse(render_document(meta, source.document_chunks(doc_id), p, clause))

    return router
