"""Source lines and paragraphs: conversion artifacts, whitespace noise, line re-joining.

Display text keeps the source's characters; only noise from the Word/PDF -> text conversion is
removed (bookmark markers, zero-width characters, spaces wedged between CJK and digits).
The matching text of any display text comes from `corpus.text.matching` (the one normaliser).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.text import ARTIFACT_RE, is_noise, matching, separates_words, strip_noise
# Zero-width characters, BOMs and lone surrogates (which no valid decoding yields) are noise.
_WS_RUN_RE = re.compile(r"\s+")
LINE_SEP_RE = _LINE_SEP_RE = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")

SENTENCE_END = "。！？；：!?;:"
CLOSERS = "”’」』）)〕】》]"
OPENERS = {"）": "（", ")": "(", "〕": "〔", "】": "【", "]": "["}
# A line this short that stops mid-sentence is a title, signature or caption, not a broken
# paragraph: conversions break lines only where a full line of text was laid out.
MIN_BROKEN_LINE = 40
CONTINUATION_END = "，、,（(“《〔"


def strip_artifacts(text: str) -> str:
    """Remove conversion artifacts and invisible characters (corpus.text.strip_noise)."""
    return strip_noise(text)




def join_display(left: str, right: str) -> str:
    """Concatenate two display fragments; a space survives only between two Latin words."""
    if left and right and separates_words(left[-1], right[0]):
        return f"{left} {right}"
    return left + right


def one_line(text: str) -> str:
    """A paragraph or cell as one line: line breaks inside it joined (a space only between
    two Latin words), tabs (which would read as column breaks) made spaces."""
    out = ""
    for part in text.replace("\t", " ").splitlines():
        out = join_display(out, part.strip()) if out else part.strip()
    return out


def clean_display(text: str) -> str:
    """Display text of one line: no artifacts, no whitespace noise.

    A whitespace run is kept (as one space) only between two ASCII letters/digits, e.g. in
    "energy saving"; "到 2025 年" becomes "到2025年". A run containing a tab is a table column
    separator and stays a single tab.
    """
    text = strip_artifacts(text).strip()
    out: list[str] = []
    pos = 0
    for m in _WS_RUN_RE.finditer(text):
        out.append(text[pos : m.start()])
        before, after = text[m.start() - 1], text[m.end()]  # safe: text is stripped
        if "\t" in m.group():
            out.append("\t")
        elif separates_words(before, after):
            out.append(" ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def ends_sentence(text: str) -> bool:
    """True if the line ends a sentence: 。！？；： (optionally followed by closing quotes or
    brackets; "." after a Chinese character too), or a bracketed note that itself follows a sentence end, e.g. "…。（市统计局负责）"."""
    stripped = text.rstrip()
    if not stripped:
        return True
    body = stripped.rstrip(CLOSERS)
    if body and body[-1] in SENTENCE_END:
        return True
    if len(body) > 1 and body[-1] == "." and "\u4e00" <= body[-2] <= "\u9fff":
        return True  # some PDF fonts map the ideographic full stop to "."
    if stripped[-1] in OPENERS:
        opener = _matching_opener(stripped)
        if opener is not None:
            return opener == 0 or stripped[opener - 1] in SENTENCE_END + CLOSERS
    return False


def _matching_opener(text: str) -> int | None:
    """Index of the bracket that opens the one closing `text`, or None if unbalanced."""
    depth = 0
    closers, openers = set(OPENERS), set(OPENERS.values())
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in closers:
            depth += 1
        elif ch in openers:
            depth -= 1
            if depth == 0:
                return i
    return None


@dataclass(frozen=True)
class Line:
    """One non-empty source line: its display text and the span of its content in the raw text."""

    text: str
    start: int  # first content character (after whitespace / artifacts)
    end: int  # one past the last content character
    tabular: bool = False  # tab-separated cells: a table row (even "能源\t\t\t" with empty cells)


def source_lines(raw: str) -> list[Line]:
    """Non-empty lines of `raw` with offsets; lines holding only artifacts/whitespace are dropped."""
    lines: list[Line] = []
    pos = 0
    for m in [*_LINE_SEP_RE.finditer(raw), None]:
        stop = m.start() if m else len(raw)
        line = _content_line(raw, pos, stop)
        if line is not None:
            lines.append(line)
        if m:
            pos = m.end()
    return lines


def _content_line(raw: str, start: int, stop: int) -> Line | None:
    segment = raw[start:stop]
    ignorable = [ch.isspace() or is_noise(ch) for ch in segment]
    for m in ARTIFACT_RE.finditer(segment):
        ignorable[m.start() : m.end()] = [True] * (m.end() - m.start())
    content = [i for i, skip in enumerate(ignorable) if not skip]
    if not content:
        return None
    first, last = content[0], content[-1] + 1
    text = clean_display(segment[first:last])
    if not text or not matching(text):
        return None
    return Line(text=text, start=start + first, end=start + last, tabular="\t" in segment)


@dataclass(frozen=True)
class Paragraph:
    """One or more source lines that form a paragraph."""

    text: str
    start: int
    end: int
    lines: tuple[Line, ...]

    @property
    def tabular(self) -> bool:
        return any(line.tabular for line in self.lines)


def rejoin(lines: Sequence[Line], standalone: Sequence[bool], starts_new: Sequence[bool]) -> list[Paragraph]:
    """Re-join paragraphs a conversion broke across lines.

    Line i continues the paragraph before it when neither line is `standalone` (titles, pure
    headings, captions, table rows), line i does not `starts_new` (any heading, including inline
    ones), the previous line is long enough to be wrapped body text (or ends with a comma-like
    mark), and either the previous line does not end a sentence or line i is only a bracketed
    note such as "（市住房和城乡建设局…按职责分工负责）", which annotates the paragraph above it.
    """
    groups: list[list[int]] = []
    for i, line in enumerate(lines):
        if groups and _continues(lines[i - 1], line, i, standalone, starts_new):
            groups[-1].append(i)
        else:
            groups.append([i])
    paragraphs = []
    for group in groups:
        members = tuple(lines[i] for i in group)
        text = members[0].text
        for member in members[1:]:
            text = join_display(text, member.text)
        paragraphs.append(Paragraph(text=text, start=members[0].start, end=members[-1].end, lines=members))
    return paragraphs


def _continues(prev: Line, line: Line, i: int, standalone: Sequence[bool], starts_new: Sequence[bool]) -> bool:
    if standalone[i] or starts_new[i] or standalone[i - 1]:
        return False
    long_enough = len(prev.text) >= MIN_BROKEN_LINE or prev.text[-1] in CONTINUATION_END
    return long_enough and (not ends_sentence(prev.text) or is_bracketed_note(line.text))


def is_bracketed_note(text: str) -> bool:
    """True for a line that is one bracketed note, e.g. "（市生态环境局负责）"."""
    return text[:1] in ("（", "(") and text[-1:] in ("）", ")") and _matching_opener(text) == 0
