"""Domain lexicon: jieba user words, stopwords and synonym groups (data in index/lexicon/).

The data files are plain text so that a reviewer can grow them without touching code;
`lexicon_hash()` goes into the index manifest, so editing them forces a rebuild.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
USERDICT_PATH = LEXICON_DIR / "userdict.txt"
STOPWORDS_PATH = LEXICON_DIR / "stopwords.txt"
SYNONYMS_PATH = LEXICON_DIR / "synonyms.tsv"
DATA_FILES = (USERDICT_PATH, STOPWORDS_PATH, SYNONYMS_PATH)


def _data_lines(path: Path) -> list[str]:
    """Non-empty lines without `#` comments (a line whose first character is `#`)."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """Words from userdict.txt (first field of each line), in file order."""
    return tuple(dict.fromkeys(line.split()[0] for line in _data_lines(USERDICT_PATH)))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(_data_lines(STOPWORDS_PATH))


def synonym_groups() -> list[tuple[str, ...]]:
    """Synonym groups from synonyms.tsv: terms split on "|", canonical term first (without
    the "~" that marks a term never used as an expansion, see `not_expanded`)."""
    return [tuple(t for t, _ in group) for group, _ in _synonym_lines()]


def not_expanded() -> frozenset[str]:
    """Terms marked "~" in synonyms.tsv: members of their group (recognised, grouped) that are
    never added to a query as an expansion (broader, narrower or another indicator)."""
    return frozenset(t for group, _ in _synonym_lines() for t, marked in group if marked)


def synonym_notes() -> list[tuple[tuple[str, ...], str]]:
    """(group, note) per group: the note is the comment after the group ("term: source; …")."""
    return [(tuple(t for t, _ in group), note) for group, note in _synonym_lines()]


@lru_cache(maxsize=1)
def _synonym_lines() -> tuple[tuple[tuple[tuple[str, bool], ...], str], ...]:
    out = []
    for line in _data_lines(SYNONYMS_PATH):
        data, _, note = line.partition("#")
        terms: dict[str, bool] = {}
        for raw in data.split("|"):
            term = raw.strip()
            marked = term.startswith("~")
            term = term.lstrip("~").strip()
            if term and term not in terms:
                terms[term] = marked
        if terms:  # a group of one term names an indicator the lexicon knows without a synonym
            out.append((tuple(terms.items()), note.strip()))
    return tuple(out)


def lexicon_hash() -> str:
    """sha256 over the data files (name + bytes), so any edit changes it."""
    digest = hashlib.sha256()
    for path in DATA_FILES:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
