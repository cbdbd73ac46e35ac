"""Every tuned number of answering, in one record, with where each value came from.

`AnswerSettings` holds retrieval's settings (`index.hybrid.RetrievalSettings`: the rankers'
weights, fusion, depths), the depth an answer draws on, and the composer's weights and
thresholds. Each field says where its value came from (`source(name)`: the split it was chosen
on and the command that measures it). A combination that cannot work is refused when the
record is built (`SettingsError`): the dense-relevance background must lie inside the hits an
answer draws on, the clause depth inside them too, and the bar for a shown-not-asserted figure
below the bar for an asserted one.

Values chosen on the training split are measured by `python -m eval run --answers` (full set,
frozen test split) and `python -m eval answers-loco` (leave one city out); the off-topic bar by
`tests/assistant/test_relevance.py` with eval/offtopic.txt.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TypeVar

from index.hybrid import DEFAULT_SETTINGS, RetrievalSettings

TRAIN = "chosen on the training split (python -m eval run --answers; confirmed by eval answers-loco)"
T = TypeVar("T")
LANGUAGE = "a property of the plans' wording, fixed by a test on a plan's clause (not tuned)"


class SettingsError(ValueError):
    """An inconsistent combination of answering settings."""


def _value(default: T, source: str) -> T:
    """A field's default with where it came from (read by `AnswerSettings.source`)."""
    return field(default=default, metadata={"source": source})


@dataclass(frozen=True)
class AnswerSettings:
    """The answering pipeline's settings; `replace(DEFAULT_ANSWER_SETTINGS, ...)` for a variant."""

    retrieval: RetrievalSettings = field(default=DEFAULT_SETTINGS, metadata={
        "source": "index.hybrid.RetrievalSettings (eval.tuning on the training split)"})
    # --- what an answer draws on ---------------------------------------------------------
    answer_depth: int = _value(20, "figures sit below the first page: the hits an answer may draw on; "
                                   "test split answers (python -m eval run --answers)")
    listed_depth: int = _value(3, "hits per place for a question across places (河南各市…): make library, "
                                  "library questions (eval/library)")
    candidate_depth: int = _value(8, "hits per place whose clauses are candidates; " + TRAIN)
    max_documents: int = _value(3, "a place's documents quoted for one figure, each named by its title "
                                   "(readability: make library)")
    # --- is the retrieved text about the question (answering.relevance) -------------------
    relevance_threshold: float = _value(0.2, "share of the topic's bigrams a top chunk holds; " + TRAIN)
    dense_relevance: float = _value(0.935, "best clause cosine + its margin over the background: at 0.935, 7 "
                                           "of 9 training questions the lexical test turned away pass and 1 of "
                                           "24 off-topic questions (eval/offtopic.txt)")
    dense_background: tuple[int, int] = _value((10, 20), "hits 11-20: the background a relevant clause "
                                                         "stands out from; must lie within answer_depth")
    # --- evidence: how well a clause or target answers (answering.evidence) --------------
    match_threshold: float = _value(0.5, "a target answers when its indicator matches this well (a synonym "
                                         "hit scores 1+, wording alone at most 0.45); " + TRAIN)
    loose_threshold: float = _value(0.2, "with no known indicator asked, the share of the topic's bigrams "
                                         "a figure clause of the two best hits needs; " + TRAIN)
    longer_term_coverage: float = _value(0.6, "a question holding this share of a longer indicator's bigrams "
                                              "asks for it in its own words; " + LANGUAGE)
    part_coverage: float = _value(0.6, "a clause states a figure for one of several things asked when it "
                                       "holds this share of its bigrams; " + LANGUAGE)
    period_mismatch: float = _value(0.3, "score lost by a figure stated for another year than the one "
                                         "asked; " + TRAIN)
    similarity_weight: float = _value(6.0, "weight of question-clause embedding similarity; " + TRAIN)
    other_item: float = _value(0.3, "score lost by a list clause whose figure is another item's (other_item); "
                                    + TRAIN)
    cap_fit: float = _value(0.3, "score a clause stating a capped figure gains when the question asks for a "
                                 "cap (上限, 最多 …); " + TRAIN)
    rare_share: float = _value(0.2, "a word of the asked object found in at most this share of a place's "
                                      "hits names the object, not the topic (unstated_object); " + TRAIN)
    # --- the composer's bars (answering.figures) ------------------------------------------
    accept: float = _value(0.5, "lexical evidence a figure clause needs to be asserted; " + TRAIN)
    similarity: float = _value(0.9, "or: the most similar figure clause, at least this similar ...; "
                                    + TRAIN)
    similar_lexical: float = _value(0.15, "... with at least this lexical evidence; " + TRAIN)
    unsure: float = _value(0.3, "below both bars but at least this: shown as a possible answer (请核对原文), "
                                "not asserted; " + TRAIN)

    def __post_init__(self) -> None:
        start, end = self.dense_background
        problems = []
        if not 0 <= start < end <= self.answer_depth:
            problems.append(f"dense_background {self.dense_background} must lie within the answer_depth "
                            f"{self.answer_depth} hits an answer draws on")
        if not 1 <= self.candidate_depth <= self.answer_depth:
            problems.append(f"candidate_depth {self.candidate_depth} must be 1..answer_depth ({self.answer_depth})")
        if self.listed_depth < 1 or self.max_documents < 1:
            problems.append("listed_depth and max_documents must be at least 1")
        if not 0 <= self.unsure <= self.accept:
            problems.append(f"unsure {self.unsure} must be between 0 and accept {self.accept}: a figure shown "
                            "as possible needs less evidence than one asserted")
        if not 0 <= self.similar_lexical <= self.accept:
            problems.append(f"similar_lexical {self.similar_lexical} must be between 0 and accept {self.accept}")
        for name in ("relevance_threshold", "loose_threshold", "longer_term_coverage", "part_coverage", "rare_share"):
            if not 0 < getattr(self, name) <= 1:
                problems.append(f"{name} is a share of bigrams: 0 < {name} <= 1")
        for name in ("match_threshold", "period_mismatch", "other_item", "cap_fit", "similarity_weight", "dense_relevance", "similarity"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must not be negative")
        if problems:
            raise SettingsError("; ".join(problems))

    @property
    def background(self) -> slice:
        """The hits whose clauses are the dense-relevance background."""
        return slice(*self.dense_background)

    @classmethod
    def source(cls, name: str) -> str:
        """Where the value of field `name` came from."""
        return next(f.metadata["source"] for f in fields(cls) if f.name == name)


DEFAULT_ANSWER_SETTINGS = AnswerSettings()
