"""The one text normaliser: display text and matching text.

Every piece of text the project handles has two forms:

- **display text**: the characters as the plan writes them (conversion noise such as Word
  bookmarks and stray spaces removed at ingestion by `corpus.clean`, never altered after).
  Answers quote it, citations point into it, highlights are substrings of it.
- **matching text**: what every matcher reads (BM25, dense windows, structure rules, target
  extraction, answer gates, highlighting, the query side). `matching()` applies, in order:
  control and format characters removed (NUL, zero-width spaces, BOM, bookmarks);
  Traditional -> Simplified (OpenCC ``t2s``, so 鐵嶺 reads 铁岭 and 達到 reads 达到);
  NFKC (full-width digits, letters and punctuation to half-width: ２０２５ -> 2025,
  ％ -> %, ， -> ,; compatibility forms: Ⅱ -> II, ① -> 1); whitespace dropped, except one
  space between two ASCII letters or digits ("108 104" stays two numbers) and one tab
  between table cells. Case is kept: names read from matching text (indicators) are shown
  in tables; comparisons that ignore case use `fold()`.

`align()` returns the matching text with, for each of its characters, the offset of the
display character it came from, so a span found in matching text maps back to display text
(`Aligned.display_span`). `matching(x) == align(x).text` always.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from corpus.language import SENTENCE

# Word bookmarks leak into text exports as e.g. "[bookmark: _GoBack]".
ARTIFACT_RE = re.compile(r"\[bookmark:[^\]\n]*\]")
_OPENCC_LOCK = threading.Lock()  # one converter shared across threads (API workers)


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc ships no type information
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC t2s); the same length whenever t2s maps 1:1."""
    if not text:
        return text
    with _OPENCC_LOCK:
        return str(_converter().convert(text))


def is_noise(ch: str) -> bool:
    """Characters that carry no meaning for matching: controls (except tab/newline) and
    format characters (zero-width spaces, BOM, bidi marks), lone surrogates."""
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def separates_words(before: str, after: str) -> bool:
    """Whether a space between the characters `before` and `after` separates two words or
    numbers ("energy saving", "108 104"): both sides fold (NFKC) to an ASCII letter or digit
    where they touch. Display text (corpus.clean) and matching text keep such a space alike."""
    left = unicodedata.normalize("NFKC", before)[-1:] if before else ""
    right = unicodedata.normalize("NFKC", after)[:1] if after else ""
    return all(ch and ch.isascii() and ch.isalnum() for ch in (left, right))


@dataclass(frozen=True)
class Aligned:
    """Matching text plus, per character, the offset of the display character it came from."""

    source: str
    text: str
    origin: tuple[int, ...]  # len(text) offsets into `source`

    def display_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `source` that the matching span [start, end) came from."""
        if not self.text or start >= end:
            pos = self.origin[start] if start < len(self.origin) else len(self.source)
            return pos, pos
        first = self.origin[start]
        last = self.origin[min(end, len(self.origin)) - 1]
        return first, last + 1

    def display(self, start: int, end: int) -> str:
        """The display text behind the matching span [start, end)."""
        lo, hi = self.display_span(start, end)
        return self.source[lo:hi]


def _simplified_chars(text: str) -> list[str]:
    """t2s per character position: the whole text at once when the conversion keeps its length
    (phrase-level rules then apply), else character by character."""
    whole = to_simplified(text)
    if len(whole) == len(text):
        return list(whole)
    return [to_simplified(ch) for ch in text]


@lru_cache(maxsize=65536)
def align(text: str) -> Aligned:
    """Matching text of `text` with its origin offsets (see the module docstring)."""
    text = text or ""
    covered: set[int] = set()
    for m in ARTIFACT_RE.finditer(text):
        covered.update(range(m.start(), m.end()))
    kept = [(ch, pos) for pos, ch in enumerate(text) if pos not in covered and not is_noise(ch)]
    base = "".join(ch for ch, _ in kept)
    composed = unicodedata.normalize("NFC", base)
    if len(composed) == len(base):  # combining sequences that compose would shift offsets
        base = composed
    pieces: list[tuple[str, int]] = []  # (folded character, source offset)
    for simple, (_, pos) in zip(_simplified_chars(base), kept):
        for out in unicodedata.normalize("NFKC", simple):
            if not is_noise(out):
                pieces.append((out, pos))
    for _ in range(4):  # NFKC and the whitespace rule reach a fixed point in one or two rounds
        pieces = _spaced(_renormalized(pieces))
        if unicodedata.is_normalized("NFKC", "".join(ch for ch, _ in pieces)):
            break
    return Aligned(source=text, text="".join(ch for ch, _ in pieces), origin=tuple(p for _, p in pieces))


def _renormalized(pieces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Whole-string NFKC where per-character NFKC was not enough (combining marks reorder or
    compose across characters); origins are stretched over the new length, monotonically."""
    joined = "".join(ch for ch, _ in pieces)
    if unicodedata.is_normalized("NFKC", joined):
        return pieces
    renorm = unicodedata.normalize("NFKC", joined)
    n, m = len(pieces), len(renorm)
    origin = [pieces[min(n - 1, i * n // m)][1] for i in range(m)] if n and m else []
    return [(ch, pos) for ch, pos in zip(renorm, origin) if not is_noise(ch)]


def _spaced(pieces: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Whitespace runs dropped, except one tab between table cells and one space between two
    ASCII letters or digits."""
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(pieces):
        ch, pos = pieces[i]
        if not ch.isspace():
            out.append((ch, pos))
            i += 1
            continue
        j = i
        while j < len(pieces) and pieces[j][0].isspace():
            j += 1
        run = "".join(c for c, _ in pieces[i:j])
        before = out[-1][0] if out else ""
        after = pieces[j][0] if j < len(pieces) else ""
        if before and after and "\t" in run:
            out.append(("\t", pos))
        elif before and after and separates_words(before, after):
            out.append((" ", pos))
        i = j
    return out


def matching(text: str) -> str:
    """The matching text of `text` (see the module docstring)."""
    return align(text).text


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Matching text, case-folded: the key for comparisons that ignore case (VOCs ~ vocs)."""
    return matching(text).casefold()


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the folded text (the text itself when it has one character):
    no dictionary needed, robust to segmentation, suited to short Chinese queries."""
    key = fold(text)
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) or (frozenset((key,)) if key else frozenset())


def strip_noise(text: str) -> str:
    """`text` without conversion artifacts (Word bookmarks) and noise characters (controls
    other than tab and line breaks, zero-width and format characters): invisible, never content."""
    return "".join(ch for ch in ARTIFACT_RE.sub("", text) if not is_noise(ch))


def compact(text: str) -> str:
    """Display text with whitespace removed (clauses quoted inside an answer line)."""
    return "".join(ch for ch in text if not ch.isspace() and not is_noise(ch))


def split_sentences(text: str) -> tuple[str, ...]:
    """Verbatim sentences of `text`, cut after 。！？； (closing quotes/brackets stay attached)."""
    return tuple(s for s in (m.group().strip() for m in SENTENCE.finditer(text)) if s)
