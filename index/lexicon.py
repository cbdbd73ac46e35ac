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
    """Synonym groups from synonyms.tsv: terms split on "|", canonical term first."""
    return list(_synonym_groups())


@lru_cache(maxsize=1)
def _synonym_groups() -> tuple[tuple[str, ...], ...]:
    groups = []
    for line in _data_lines(SYNONYMS_PATH):
        terms = tuple(dict.fromkeys(t.strip() for t in line.split("|") if t.strip()))
        if len(terms) >= 2:
            groups.append(terms)
    return tuple(groups)


def lexicon_hash() -> str:
    """sha256 over the data files (name + bytes), so any edit changes it."""
    digest = hashlib.sha256()
    for path in DATA_FILES:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
