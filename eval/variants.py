"""Transformed copies of the built-in plans, for metamorphic tests and the eval.

A variant is the corpus with one plan replaced by a transformed copy of itself, read through
the same ingestion path (corpus.readers -> corpus.chunker) as an added plan would be:

- `traditional`: the plan's text converted to Traditional script (OpenCC s2t), as a repost
  on a Traditional-script site would be;
- `lead`: the plan with a news lead prepended ("…网讯：近日，…印发《…》。方案提出，…。全文如下："),
  written from the plan's own title, issuer and opening target sentence;
- (tests/formats.py adds `docx` and `pdf`: the plan saved as .docx with Word tables, and as PDF.)

The eval's `traditional` questions are asked of the corpus in which their city's plan is the
Traditional variant (`eval.harness`); everything else is asked of the built-in corpus.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from corpus.catalog import PLANS_DIR, builtin_documents
from corpus.chunker import parse_plan
from corpus.model import Document
from eval.runner import EvalContext

VARIANT_TYPES = {"traditional": "traditional"}  # question type -> the variant it is asked of
_TARGET_SENTENCE = re.compile(r"到\s*2025\s*年")


@lru_cache(maxsize=1)
def _s2t():  # noqa: ANN202 - opencc ships no type information
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified -> Traditional (OpenCC s2t), as a Traditional-script repost would read."""
    return str(_s2t().convert(text))


def plan_text(doc_id: str) -> str:
    """The decoded text of a built-in plan."""
    meta = next(d.meta for d in builtin_documents() if d.meta.doc_id == doc_id)
    return (PLANS_DIR / meta.source_file).read_text(encoding="utf-8")


def news_lead(document: Document) -> str:
    """A news lead for `document`, written from its own metadata and its first sentence that
    sets a 2025 target: how a news site introduces a reposted plan."""
    meta = document.meta
    sentence = next((s for c in document.chunks if c.kind == "body" for s in c.sentences
                     if _TARGET_SENTENCE.search(s)), "")
    issuer = meta.issuer or f"{meta.city}人民政府"
    lines = [f"节能网讯：近日，{issuer}印发《{meta.title}》。"]
    if sentence:
        lines.append(f"方案提出，{sentence}")
    lines.append("全文如下：")
    return "\n\n".join(lines) + "\n\n"


def transformed(doc_id: str, kind: str) -> Document:
    """The built-in plan `doc_id` transformed (`traditional` or `lead`), parsed like an added
    plan (metadata as the manifest gives it, so the city and title are those of the original)."""
    original = next(d for d in builtin_documents() if d.meta.doc_id == doc_id)
    text = plan_text(doc_id)
    if kind == "traditional":
        text = to_traditional(text)
    elif kind == "lead":
        text = news_lead(original) + text
    else:
        raise ValueError(f"unknown variant {kind!r}; choose from traditional, lead")
    return parse_plan(text, replace(original.meta, sources=()))


def variant_corpus(doc_id: str, document: Document) -> list[Document]:
    """The built-in corpus with `doc_id` replaced by `document`."""
    return [document if d.meta.doc_id == doc_id else d for d in builtin_documents()]


def variant_index(doc_id: str, kind: str, embedder: Any, cache_dir: Path) -> Any:
    """A SearchIndex over the built-in corpus with plan `doc_id` transformed (in memory)."""
    from index.engine import SearchIndex

    return SearchIndex.in_memory(variant_corpus(doc_id, transformed(doc_id, kind)), embedder, cache_dir)


def question_variant(question: Any) -> tuple[str, str] | None:
    """(doc_id, variant) of the corpus an eval question is asked of; None = the built-in one.
    A `traditional` question is asked of the corpus whose plan of its city is in Traditional
    script."""
    kind = VARIANT_TYPES.get(question.type)
    if kind is None:
        return None
    city = question.gold_cities[0]
    doc_id = next((d.meta.doc_id for d in builtin_documents() if d.meta.city == city), None)
    return (doc_id, kind) if doc_id else None


def group_by_variant(questions: Sequence[Any]) -> list[tuple[tuple[str, str] | None, list[Any]]]:
    """The questions grouped by the corpus they are asked of (built-in first), order kept."""
    groups: dict[tuple[str, str] | None, list[Any]] = {None: []}
    for q in questions:
        groups.setdefault(question_variant(q), []).append(q)
    return [(key, qs) for key, qs in groups.items() if qs]


def variant_context(ctx: EvalContext, key: tuple[str, str] | None, cache: dict[object, EvalContext]) -> EvalContext:
    """The context a group of questions is run in: `ctx`, or for a corpus variant an in-memory
    index over the built-in plans with one transformed (eval.variants), built once per run."""
    if key is None:
        return ctx
    if key not in cache:
        base = ctx.index
        cache[key] = EvalContext.with_index(variant_index(key[0], key[1], base.embedder, base.data_dir),
                                            data_dir=ctx.data_dir)
    return cache[key]
