"""Records the assistant hands to its front ends (CLI, API, chat page, eval)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from corpus.model import Chunk
from index.types import Hit

AnswerKind = Literal[
    "figure",  # a target figure quoted from a cited sentence
    "absent",  # the plan gives no figure for what was asked; closest clause shown
    "comparison",  # figures across cities, with a table
    "measure",  # what the plan will do about X
    "responsibility",  # which departments are in charge
    "metadata",  # the plan's 文号, date, issuer, title, implemented documents or approving meeting
    "not_found",  # nothing relevant: say so rather than show weak matches
    "empty",  # empty or unusable question
]


@dataclass(frozen=True)
class QueryAnalysis:
    """What query understanding read from one (resolved) question."""

    text: str  # the question as asked (simplified Chinese, normalised)
    # The corpus places whose own documents answer it, full names as in DocumentMeta.city
    # ("铁岭市"; for a county without a plan of its own, its city's: corpus.hierarchy.scope).
    cities: tuple[str, ...] = ()
    # Every place it names that has documents to answer it (corpus.hierarchy.question_places),
    # full names: "河南省" (its cities' plans answer it), "林州市" (安阳市's plan does), "全国".
    places: tuple[str, ...] = ()
    # The places a question asks across ("河南各市…", "哪些省份提出了…"): the documents' places at
    # that level inside the place named (understanding.listed_places); () for other questions.
    listed: tuple[str, ...] = ()
    year: int | None = None
    indicators: tuple[str, ...] = ()  # canonical indicator names
    kind: Literal["figure", "measure", "responsibility", "comparison"] = "measure"
    expansions: tuple[str, ...] = ()  # synonym terms added for BM25


@dataclass(frozen=True)
class Question:
    """A question read in its conversation: what ranking and answer composition work from."""

    text: str  # as asked
    resolved: str  # the self-contained question a follow-up stands for (matching text)
    analysis: QueryAnalysis
    topic: str  # what it is about, without cities, years and question words
    # The things it asks for at once, each as a topic ("森林覆盖率和草原植被综合盖度分别…" ->
    # 森林覆盖率, 草原植被综合盖度); () for a question asking one thing (understanding.asked_parts).
    parts: tuple[str, ...] = ()
    # What ranking matches and embeds: the matching text without the places it names (they
    # choose the documents searched; in the query they would only blur it). "" = `resolved`.
    # The clause scores of the answer embed `resolved` itself (their thresholds are set on it).
    search_text: str = ""

    @property
    def ranked_text(self) -> str:
        return self.search_text or self.resolved


@dataclass(frozen=True)
class SearchOutcome:
    query: str  # as asked
    resolved_query: str  # after follow-up resolution (what was searched)
    analysis: QueryAnalysis
    hits: tuple[Hit, ...]
    # per hit, its sentence that best matches the resolved query (verbatim; assistant.highlight):
    # computed once here, shown by every front end
    highlights: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    n: int  # 1-based number shown to the reader
    chunk: Chunk
    highlight: str  # the answering sentence inside chunk.text (verbatim substring)
    score: float


@dataclass(frozen=True)
class TableRow:
    """One city's figure in a comparison."""

    city: str
    indicator: str
    value: str  # as written, e.g. "70%"; "" when the plan gives no figure
    qualifier: str  # 以上 / 以下 / 左右 / 力争 / ""
    sentence: str  # verbatim source sentence
    citation: str  # Chunk.citation
    chunk_id: str


@dataclass(frozen=True)
class Answer:
    question: str
    resolved_query: str
    kind: AnswerKind
    text: str  # the direct answer in Chinese (first thing the reader sees)
    citations: tuple[Citation, ...] = ()
    table: tuple[TableRow, ...] = field(default_factory=tuple)
    markers: tuple[tuple[int, ...], ...] = ()  # per line of `text`: the citation numbers it quotes

    @property
    def cited_text(self) -> str:
        """`text` with each line followed by the markers of its sources: "……达到70%以上。[1]"."""
        lines = self.text.split("\n")
        if len(lines) != len(self.markers):
            return self.text
        return "\n".join(line + "".join(f"[{n}]" for n in numbers) for line, numbers in zip(lines, self.markers))
