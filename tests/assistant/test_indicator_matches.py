"""`indicator_matches` (one Aho-Corasick pass over the lexicon) gives exactly what the
substring scan it replaced gave: same spans, groups, order and longest-first overlap rule,
over every chunk text of the built-in plans and over drawn strings."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import understanding
from assistant.understanding import _terms_longest_first, canonical_terms, indicator_matches, synonym_groups
from corpus.catalog import builtin_documents
from corpus.text import fold, matching


def reference_matches(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """The scan `indicator_matches` was: for each lexicon term, longest first (lexicon order
    among equal lengths), every occurrence left to right that overlaps no match found before."""
    low = text.lower()
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for term, group in _terms_longest_first():
        start = low.find(term)
        while start >= 0:
            end = start + len(term)
            if all(end <= s or start >= e for s, e, _ in found):
                found.append((start, end, group))
            start = low.find(term, start + 1)
    return sorted(found)


def _check(text: str) -> None:
    assert list(indicator_matches(text)) == reference_matches(text), text


def _plan_texts() -> list[str]:
    texts: list[str] = []
    for document in builtin_documents():
        for chunk in document.chunks:
            # what the callers match: the chunk, its matching and folded text, its sentences
            texts += [chunk.text, matching(chunk.text), fold(chunk.text)]
            texts += [matching(s) for s in chunk.sentences]
    return texts


def test_same_matches_on_every_chunk_of_the_builtin_plans():
    texts = _plan_texts()
    assert len(texts) > 1000
    matched = 0
    for text in texts:
        _check(text)
        matched += bool(reference_matches(text))
    assert matched > 100  # the plans do name indicators: the comparison is not over empty results


def test_cached_result_is_the_same_object_and_immutable():
    text = "单位地区生产总值能耗降低，PM2.5浓度下降"
    first = indicator_matches(text)
    assert first and indicator_matches(text) is first
    assert isinstance(first, tuple)


_TERMS = [t for g in synonym_groups() for t in g]
# Lexicon terms, their pieces (partial and overlapping matches), their upper-case forms, and
# characters whose lower case is longer than themselves ("İ" -> "i̇"): positions are `lower()`'s.
_PIECES = _TERMS + [t[: len(t) // 2 + 1] for t in _TERMS] + [t[len(t) // 2:] for t in _TERMS] + \
    [t.upper() for t in _TERMS] + ["İ", "ẞ", "ǅ", "，", "。", " ", "的", "和", "2025年", "%"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_same_matches_on_drawn_term_sequences(pieces):
    _check("".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted({c for t in _TERMS for c in t} | set("İAZ 。"))), max_size=40))
def test_same_matches_on_drawn_lexicon_characters(text):
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_same_matches_on_any_text(text):
    _check(text)


def test_edge_strings():
    for text in ["", " ", "İ" * 5, _TERMS[0] * 3, "".join(_TERMS), "".join(reversed(_TERMS))]:
        _check(text)


@contextmanager
def _lexicon(groups: tuple[tuple[str, ...], ...]) -> Iterator[None]:
    """`groups` as the lexicon's synonym groups (automaton and caches rebuilt from them), then
    the real lexicon back."""
    cached = (understanding.synonym_groups, understanding._terms_longest_first,
              understanding._automaton, understanding.indicator_matches, understanding._groups_by_term)

    def clear() -> None:
        for fn in cached:
            fn.cache_clear()

    clear()
    original = understanding.synonym_groups
    understanding.synonym_groups = lambda: groups  # type: ignore[assignment]
    try:
        yield
    finally:
        understanding.synonym_groups = original
        clear()


# A small alphabet makes overlaps of every kind frequent: equal-length terms overlapping (lexicon
# order decides), a term inside a longer one, one term in two groups, upper-case terms.
_WORDS = st.text(alphabet="abcA", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=4).map(tuple), min_size=1, max_size=6).map(tuple),
       st.text(alphabet="abcAB İ", max_size=24))
def test_same_matches_under_any_lexicon(groups, text):
    with _lexicon(groups):
        _check(text)


def test_equal_lengths_overlapping_the_lexicon_order_decides():
    with _lexicon((("bc",), ("ab",))):
        assert indicator_matches("abc") == ((1, 3, ("bc",)),)
    with _lexicon((("ab",), ("bc",))):
        assert indicator_matches("abc") == ((0, 2, ("ab",)),)


def test_canonical_terms_still_rewrites_synonyms():
    assert "细颗粒物" in canonical_terms("PM2.5和O3协同治理")
