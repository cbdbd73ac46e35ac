"""Documents a question names by (a short form of) their title.

Officials name the document they ask about the way they say it, not the way it is printed:
"减污降碳方案" for 《减污降碳协同增效实施方案》, "武汉降碳方案" for 《武汉市推动降碳及发展低碳产业
工作方案》. A name is words ending in a kind of document (方案, 规划, 意见 …); it names a document
of the library when the longest suffix of those words (at least MIN_NAMED characters before
the kind word) has NAMED_TITLE_COVERAGE of its character bigrams in the document's title, and
shares at least MIN_OWN_SHARED bigrams with the title outside the kind word (so that "这份实施
意见" names no document: 实施 and 意见 are in half the library's titles).

Two readers use it:
- assistant.understanding.topic_of removes the name from what is asked (each of the named
  document's clauses shares its words, so they say where to look, not what is asked);
- assistant.service ranks a named document's chunks first inside the places searched (a soft
  filter: the rest of the scope follows), so that in a library where the same template
  sentence stands in a hundred documents, the one named is read first.

Every document whose title covers the name as well as the best one does is named: a name
shared by several places' plans ("生态环境保护规划") names them all, and the place the question
gives (or none) decides among them.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from corpus.language import NAMED_DOCUMENT, NAMED_KIND_END
from corpus.model import DocumentMeta
from corpus.text import bigrams

NAMED_TITLE_COVERAGE = 0.6
MIN_NAMED = 4  # characters of a name before its kind word: shorter ones are a bare kind word
MIN_OWN_SHARED = 2  # title bigrams a name shares outside its kind word


@dataclass(frozen=True)
class NamedDocument:
    """A document the question names: `span` the name as written (the matched suffix),
    `coverage` the share of its bigrams in the title, `title_share` the share of the title's
    bigrams it holds (a tie-break: the title that says no more than the name)."""

    doc_id: str
    span: str
    coverage: float
    title_share: float


@lru_cache(maxsize=4096)
def _title_bigrams(title: str) -> frozenset[str]:
    return bigrams(title)  # a library's titles, asked of on every question: computed once each


def _own_bigrams(name: str, kind_length: int) -> frozenset[str]:
    """The bigrams of `name` that do not touch its closing kind word."""
    return bigrams(name[: len(name) - kind_length])


def _kind_length(span: str) -> int:
    match = NAMED_KIND_END.search(span)
    return len(match.group(0)) if match else 0


def _name_in(span: str, titles: Sequence[tuple[str, frozenset[str]]], every: bool = False) -> list[NamedDocument]:
    """The documents the longest qualifying suffix of `span` names ([] when none does): those
    covering it best, or with `every` all that qualify."""
    kind = _kind_length(span)
    for start in range(len(span) - MIN_NAMED - 1):
        name = span[start:]
        grams = bigrams(name)
        if not grams:
            continue
        own = _own_bigrams(name, kind)
        found = [NamedDocument(doc_id, name, len(grams & t) / len(grams), len(grams & t) / len(t))
                 for doc_id, t in titles
                 if len(grams & t) >= NAMED_TITLE_COVERAGE * len(grams) and len(own & t) >= MIN_OWN_SHARED]
        if found:
            best = max(f.coverage for f in found)
            named = found if every else [f for f in found if f.coverage == best]
            # The name starts at its first word the titles hold ("国家减污降碳方案": 减污…).
            held = frozenset().union(*(t for doc_id, t in titles if doc_id in {f.doc_id for f in named}))
            lead = 0
            while lead < len(name) - MIN_NAMED and name[lead:lead + 2] not in held:
                lead += 1
            return [replace(f, span=name[lead:]) for f in named]
    return []


def named_documents(text: str, documents: Sequence[DocumentMeta], every: bool = False) -> list[NamedDocument]:
    """The documents `text` names (module doc), best first (coverage, then title share);
    one entry per document. With `every`, each document whose title qualifies is named, not
    only those covering the name best: a question across places ("各省可再生能源发展规划…")
    names the kind of document each place wrote, in whatever words its title puts it."""
    titles = [(d.doc_id, _title_bigrams(d.title)) for d in documents if d.title]
    if not titles:
        return []
    best: dict[str, NamedDocument] = {}
    for match in NAMED_DOCUMENT.finditer(text):
        for found in _name_in(match.group(0), titles, every):
            held = best.get(found.doc_id)
            if held is None or (found.coverage, found.title_share) > (held.coverage, held.title_share):
                best[found.doc_id] = found
    return sorted(best.values(), key=lambda f: (-f.coverage, -f.title_share, f.doc_id))


def strip_document_names(text: str, documents: Sequence[DocumentMeta]) -> str:
    """`text` with each document name (module doc) replaced by a space; the words before
    the name stay ("按照国家减污降碳方案" keeps "按照国家")."""
    titles = [(d.doc_id, _title_bigrams(d.title)) for d in documents if d.title]
    if not titles:
        return text

    def strip(match: re.Match[str]) -> str:
        span = match.group(0)
        found = _name_in(span, titles)
        return span[: len(span) - len(found[0].span)] + " " if found else span

    return NAMED_DOCUMENT.sub(strip, text)
