"""One tokenizer for documents and queries: fold (corpus.text), segment with jieba, drop noise.

Text is first brought to its case-folded matching form (`corpus.text.fold`: NFKC,
Traditional -> Simplified so 鐵嶺 matches 铁岭, case folded so VOCs matches vocs). Segmentation
uses a private `jieba.Tokenizer` (never the global one, whose dictionary other code may
change) that knows the domain user words and every synonym term, so 单位地区生产总值能耗
stays one token. Search mode then adds the dictionary words inside each long token
(清洁取暖率 -> 清洁, 取暖, 取暖率 ...), so a query that names a part still matches.
Figures are kept whole ("70%", "14.5%", "2025"); stopwords and punctuation are dropped.
"""
from __future__ import annotations

import logging
import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba

from corpus.text import fold
from index import lexicon

logging.getLogger("jieba").setLevel(logging.WARNING)

_CJK = re.compile(r"[\u3400-\u9fff]")
MEMO_TEXTS = 400_000  # chunk and passage texts whose terms tokenize_indexed remembers


def _is_noise(token: str) -> bool:
    """Whitespace, punctuation or symbols only (a "%" inside "70%" is kept)."""
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


class Tokenizer:
    """Segment normalised text into BM25 terms. Thread-safe after construction."""

    def __init__(self, extra_words: Iterable[str] = (), search_mode: bool = True) -> None:
        self.search_mode = search_mode
        self._memo: dict[str, list[str]] = {}  # text -> terms (tokenize_indexed)
        self._stopwords = frozenset(fold(w) for w in lexicon.stopwords())
        self._jieba = jieba.Tokenizer()  # default dictionary; cache file in the temp dir
        self._jieba.initialize()
        words = [*lexicon.user_words(), *(t for g in lexicon.synonym_groups() for t in g), *extra_words]
        for word in dict.fromkeys(fold(w).strip() for w in words):
            if word and not _is_noise(word):
                # freq=None: jieba suggests a frequency high enough to keep the word whole.
                self._jieba.add_word(word)

    def known(self, word: str) -> bool:
        """True if `word` is a dictionary word (main dictionary or user words)."""
        return bool(self._jieba.FREQ.get(word))

    def words(self, text: str) -> list[str]:
        """Plain segmentation of normalised text, noise and stopwords removed (no sub-words)."""
        out = []
        for token in self._jieba.cut(fold(text), HMM=True):
            token = token.strip()
            if token and token not in self._stopwords and not _is_noise(token):
                out.append(token)
        return out

    def tokenize(self, text: str) -> list[str]:
        """BM25 terms of `text`: words plus, in search mode, the dictionary words inside them."""
        out: list[str] = []
        for word in self.words(text):
            if self.search_mode and len(word) > 2 and _CJK.search(word):
                out.extend(self._sub_words(word))
            out.append(word)
        return out

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    def tokenize_indexed(self, texts: Iterable[str]) -> list[list[str]]:
        """`tokenize` of each text to index, remembered for the life of the tokenizer: the
        builds of a bulk import (index.bulk) tokenize only what is new since the previous one.
        At most MEMO_TEXTS texts are kept (then the memory starts over); terms are interned."""
        memo = self._memo
        out = []
        for text in texts:
            tokens = memo.get(text)
            if tokens is None:
                if len(memo) >= MEMO_TEXTS:
                    memo.clear()
                tokens = memo[text] = [sys.intern(t) for t in self.tokenize(text)]
            out.append(tokens)
        return out

    def _sub_words(self, word: str) -> list[str]:
        subs = []
        n = len(word)
        for size in range(2, n):
            for start in range(0, n - size + 1):
                sub = word[start : start + size]
                if self.known(sub) and sub not in self._stopwords:
                    subs.append(sub)
        return subs


@lru_cache(maxsize=1)
def get_tokenizer() -> Tokenizer:
    """The shared tokenizer (building one loads jieba's dictionary: ~1 s)."""
    return Tokenizer()
