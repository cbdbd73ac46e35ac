"""Say so when an answer quotes a news lead rather than the plan's own text, or text read
by OCR from a scanned page (请核对原文).

Leads are retrieved at a lower weight (index.types.LEAD_WEIGHT) and a lead clause that the
plan repeats yields to the plan's clause (corpus.leads, assistant.targets), so an answer cites
a lead only where the lead is the only place that states it (an excerpt, a repost). Such a
citation reads 《…》导语 第N段 (corpus.model.Chunk.citation) and the answer gains a last line
saying that it quotes the news lead (新闻导语), not the plan's own text.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.model import Answer
from index.types import Hit

ALL_LEAD_NOTE = "注：以上内容引自转载新闻的导语（新闻导语），而非方案正文。"
SOME_LEAD_NOTE = "注：标为“导语”的引文出自转载新闻的导语（新闻导语），而非方案正文。"


def note_leads(answer: Answer) -> Answer:
    """`answer` with a closing note when any of its citations is a news lead."""
    leads = [c.n for c in answer.citations if c.chunk.kind == "lead"]
    if not leads:
        return answer
    note = ALL_LEAD_NOTE if len(leads) == len(answer.citations) else SOME_LEAD_NOTE
    markers = answer.markers if len(answer.markers) == len(answer.text.split("\n")) else ()
    return replace(answer, text=f"{answer.text}\n{note}", markers=(*markers, tuple(leads)) if markers else ())


OCR_NOTE = "注：引文{marks}出自扫描页的OCR识别文字，请核对原文。"


def note_ocr(answer: Answer) -> Answer:
    """`answer` with a closing note when any of its citations was read by OCR (corpus.ocr):
    its characters may be misread, the official checks them against the page."""
    ocr = [c.n for c in answer.citations if c.chunk.ocr]
    if not ocr:
        return answer
    note = OCR_NOTE.format(marks="".join(f"[{n}]" for n in ocr))
    markers = answer.markers if len(answer.markers) == len(answer.text.split("\n")) else ()
    return replace(answer, text=f"{answer.text}\n{note}", markers=(*markers, tuple(ocr)) if markers else ())


def own_hits(hits: Sequence[Hit]) -> list[Hit]:
    """`hits` without the leads that have nothing of their own: every clause of such a lead is
    repeated by the plan (corpus.leads leaves it no sentences), so the plan's clause answers."""
    return [h for h in hits if h.chunk.kind != "lead" or h.chunk.sentences]
