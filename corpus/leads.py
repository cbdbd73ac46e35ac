"""News leads: which of a lead's clauses the plan's own text does not repeat.

A plan copied from a news site opens with the site's lead ("炉具网讯：近日，…通知指出，…")
before 全文如下. Leads are retrieved (at a lower weight, index.types.LEAD_WEIGHT) because an
excerpt or repost may state a figure only there; but a lead clause that repeats a clause of
the plan yields to the plan's own clause. `own_clauses` keeps the clauses of a lead that no
body paragraph repeats (near-duplicates on matching text: a clause counts as repeated when
nearly all of its character bigrams occur in one body sentence), and the chunker stores
their matching text as the lead chunk's `Chunk.context`, what the matchers read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.language import LEAD_CLAUSE
from corpus.text import bigrams, matching

# A clause repeats a body sentence when this share of its bigrams is found in that sentence.
REPEAT_SHARE = 0.85
MIN_CLAUSE = 6  # shorter clauses ("近日", "方案要求") carry nothing of their own
# News framing at the end of a lead clause ("…工程方面，", "…通知指出，"): not content.
_FRAMING_RE = re.compile(r"(?:方面|指出|提出|要求|强调|明确|表示|显示)[，,：:。]?$")


def clauses(text: str) -> list[str]:
    """The clauses of a display text, cut after ，；。！？： (marks kept)."""
    return [c for c in LEAD_CLAUSE.findall(text) if c.strip()]


class BodyIndex:
    """The plan's own sentences as bigram sets, with an inverted index for quick lookups."""

    def __init__(self, sentences: Iterable[str]) -> None:
        self._sets: list[frozenset[str]] = []
        self._by_bigram: dict[str, list[int]] = {}
        for sentence in sentences:
            grams = bigrams(sentence)
            if not grams:
                continue
            for g in grams:
                self._by_bigram.setdefault(g, []).append(len(self._sets))
            self._sets.append(grams)

    def repeats(self, clause: str) -> bool:
        """Whether some body sentence holds nearly all of the clause's bigrams."""
        clause = _FRAMING_RE.sub("", matching(clause).strip())
        wanted = bigrams(clause)
        if len(clause) < MIN_CLAUSE or not wanted:
            return True  # too short to say anything of its own
        counts: dict[int, int] = {}
        for g in wanted:
            for i in self._by_bigram.get(g, ()):
                counts[i] = counts.get(i, 0) + 1
        best = max(counts.values(), default=0)
        return best >= REPEAT_SHARE * len(wanted)


def own_clauses(lead_text: str, body: BodyIndex) -> list[str]:
    """The clauses of `lead_text` (display) that the plan's own text does not repeat."""
    return [c for c in clauses(lead_text) if not body.repeats(c)]


@dataclass(frozen=True)
class LeadReading:
    """What of a lead is its own: `context` (matching text the matchers read; "" = the whole
    lead) and `sentences` (display: what highlighting, target extraction and rerankers read)."""

    context: str
    sentences: tuple[str, ...]


def lead_readings(texts: Sequence[str], is_lead: Sequence[bool], sentences: Sequence[Sequence[str]]) -> dict[int, LeadReading]:
    """For each lead paragraph i whose clauses the plan partly or wholly repeats: its own
    clauses. A lead the plan repeats in full has no sentences of its own (the assistant never
    quotes it; plain search still finds it, at the lead weight, below the plan's clause)."""
    body = BodyIndex(s for i, ss in enumerate(sentences) if not is_lead[i] for s in ss)
    out: dict[int, LeadReading] = {}
    for i, text in enumerate(texts):
        if not is_lead[i]:
            continue
        parts = clauses(text)
        own = [c.strip() for c in parts if not body.repeats(c)]
        if len(own) < len(parts):
            out[i] = LeadReading(context=matching("".join(own)), sentences=tuple(own))
    return out
