"""How well a clause or a target answers a question: THE evidence of answering.

`evidence(q, clause, similarity, settings)` is the one function that scores a candidate clause
(`answering.clauses.Clause`) and returns typed evidence (`Evidence`): lexical evidence (the
asked indicator named by any lexicon synonym, in the clause or the sentence before it; else the
share of the question's topic bigrams it holds), the question-clause embedding similarity, the
retrieval rank as a tie-break, a figure stated for another year than the one asked or for another
item of a list than the one asked, and a table
value's column (a 2020年实际值 does not answer "要降到多少"). `target_match` scores a target the
same way for the target reranker (`assistant.rankers`) and for the choice of place. Every
weight and threshold is a field of `answering.settings.AnswerSettings`.

Everything compares case-folded matching text (`corpus.text.fold`), so a plan in
Traditional script or with full-width digits scores like its Simplified twin.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import re
from functools import lru_cache

import numpy as np

from assistant.answering.clauses import Clause, asked_year, chunk_clauses, period_year
from assistant.answering.settings import DEFAULT_ANSWER_SETTINGS, AnswerSettings
from assistant.model import Question
from assistant.table_targets import column_fit
from assistant.target_model import Target
from assistant.understanding import group_of, indicator_matches, is_metric
from corpus.figures import Figure
from corpus.figures import figures_of
from corpus.language import (ASKS_CAP, ASKS_FIGURE, ASKS_TARGET, ASKS_WHEN, CONTINUES_SUBJECT, FIGURE_UNIT,
                              LIST_ITEM_BREAK, PLAN_PERIODS, RESPECTIVELY, STATES_CAP)
from corpus.text import bigrams, fold
from index.clause_vectors import ClauseVectors
from index.tokenizer import get_tokenizer
from index.types import Hit


def coverage(topic: str, text: str) -> float:
    """Share of the topic's character bigrams found in `text` (0 when the topic is empty)."""
    wanted = bigrams(topic)
    return len(wanted & bigrams(text)) / len(wanted) if wanted else 0.0


def part_coverage(part: str, text: str) -> float:
    """`coverage` of one thing a question asks for (Question.parts) by `text` (folded). An
    indicator the part names must be named by `text` in one of its lexicon synonyms, and is then
    read in those words: "单位GDP能耗" covers "单位国内生产总值能耗比2020年下降13.5%" and not
    "单位国内生产总值二氧化碳排放比2020年下降18%", which shares most of its characters."""
    read = part.lower()
    for start, end, group in reversed(indicator_matches(part)):
        named = next((t for t in sorted((fold(t) for t in group), key=len, reverse=True) if t in text), None)
        if named is None:
            return 0.0
        read = read[:start] + named + read[end:]
    return coverage(read, text)


def indicator_terms(q: Question) -> tuple[str, ...]:
    """Every synonym of the asked indicators, folded, longest first."""
    return _terms_of(q.analysis.indicators)


@lru_cache(maxsize=1024)
def _terms_of(names: tuple[str, ...]) -> tuple[str, ...]:
    # "数据中心的PUE": the metric is what a figure is asked for, the rest is context.
    names = tuple(n for n in names if is_metric(n)) or names
    terms = [fold(t) for name in names for t in group_of(name)]
    return tuple(sorted(set(terms), key=lambda t: (-len(t), t)))  # longest first, then a fixed order


def standing_term(text: str, terms: tuple[str, ...], question: str = "",
                  settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> str | None:
    """The first of `terms` (folded) that `text` names on its own: an occurrence inside a
    longer lexicon term of another indicator does not count ("能源消费总量" inside
    "非化石能源占能源消费总量比重" names the share, not the total), unless the question's
    wording holds most of that longer term (`settings.longer_term_coverage` of its bigrams: then the
    question asks for it in its own words, "非化石能源在能源消费总量中的比重")."""
    if not terms:
        return None
    key = fold(text)
    asked = set(terms)
    others = [(s, e) for s, e, group in indicator_matches(key) if not asked & {fold(t) for t in group}
              and not (question and coverage(key[s:e], question) >= settings.longer_term_coverage)]
    for term in terms:
        start = key.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(s <= start and end <= e and e - s > len(term) for s, e in others):
                return term
            start = key.find(term, start + 1)
    return None


def target_match(target: Target, q: Question, section: str = "",
                 settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> float:
    """How well `target` states what was asked: 1+ for a synonym hit on its indicator."""
    terms = indicator_terms(q)
    indicator = fold(target.indicator)
    score = 0.0
    if terms:
        # A recognised indicator must be named (by any synonym); wording overlap alone would
        # let "城市生活污水处理率" answer for "农村生活污水治理率".
        hit = standing_term(indicator, terms, q.analysis.text, settings)
        if hit:
            score = 1.0 + 0.2 * len(hit) / max(len(indicator), 1)  # tighter indicator: better
            score += 0.5 * coverage(q.topic, target.indicator) if q.topic else 0.0
        elif standing_term(target.clause, terms, q.analysis.text, settings):
            score = 0.6
    elif q.topic:
        score = coverage(q.topic, target.indicator)
        if section:
            score = max(score, 0.8 * coverage(q.topic, section))
    if target.area and fold(target.area) not in fold(q.analysis.text):
        score *= 0.5  # a county's figure answers only a question about that county
    year = q.analysis.year
    if year and target.year and score:
        score += 0.2 if target.year == year else -0.3
    if target.column and score:
        score += column_fit(target, q)  # a table's 2020年实际值 is not what "要降到多少" asks
    return score


@dataclass(frozen=True)
class Evidence:
    """How well one candidate clause answers the question (`evidence`)."""

    clause: Clause
    lexical: float  # the question's words in the clause (0..~1.5; see `lexical`)
    similarity: float  # question-clause cosine (0 for a clause stating no figure, or without vectors)
    score: float  # what candidates are ranked by: lexical + weighted similarity + priors
    matched: tuple[Target, ...] = ()  # the clause's targets that state the asked indicator
    named: bool = False  # the clause (or the sentence before it) names the asked indicator


def other_period(q: Question, clause: Clause) -> bool:
    """Whether the clause states its figures for another year than the question asks (with no
    year asked: for a year before the current plan period, an achievement, not a target)."""
    year = period_year(clause.period)
    if year is None or clause.chunk.tabular or not any(f.kind != "deadline" for f in clause.figures):
        return False
    asked = asked_year(q)
    return year != asked if asked else year < min(PLAN_PERIODS.values()) + 1


def other_item(q: Question, clause: Clause) -> bool:
    """Whether a list clause states its figure for another item than the one asked: "坚决完成2022年
    原油产量重回2亿吨、天然气产量持续稳步上产的既定目标" asked about 天然气产量: the item holding most of
    the question's topic states no figure, another item does. A list given figures respectively
    ("…分别下降10%、8%") is one statement and never is."""
    if not clause.figures or not q.topic or RESPECTIVELY.search(clause.key):
        return False
    items = [i for i in LIST_ITEM_BREAK.split(clause.key) if i]
    if len(items) < 2:
        return False
    shares = [coverage(q.topic, i) for i in items]
    best = max(range(len(items)), key=shares.__getitem__)
    if not shares[best] or shares.count(shares[best]) > 1:
        return False

    def states(item: str) -> bool:
        return any(f.kind != "deadline" for f in figures_of(item))

    return not states(items[best]) and any(states(i) for j, i in enumerate(items) if j != best)


def asks_cap(q: Question) -> bool:
    """Whether a figure question asks for a cap ("扶持上限", "最多补贴多少"): not a comparison
    ("哪个城市的…最高")."""
    return q.analysis.kind == "figure" and bool(ASKS_CAP.search(q.analysis.text))


def metric_terms(q: Question) -> tuple[str, ...]:
    """The synonyms of the asked indicators when one of them is a measurable quantity (a rate,
    a total…): naming one of those decides which clauses can answer. A generic name
    (新能源汽车, 数据中心) does not: the question's wording does."""
    return indicator_terms(q) if any(is_metric(n) for n in q.analysis.indicators) else ()


def lexical(q: Question, clause: Clause, settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS
            ) -> tuple[float, tuple[Target, ...], bool, bool]:
    """Lexical evidence that `clause` is about what was asked (0..~1.5), the clause's targets
    that state the asked indicator, whether it names the indicator, and whether the score is a
    target's match (which holds the target's column fit). When the question names a known
    indicator, wording overlap alone stays below an answer's bar (0.5)."""
    terms = metric_terms(q)
    score = 0.0
    matched: list[tuple[float, Target]] = []
    section = clause.chunk.section[-1] if clause.chunk.section else ""
    for t in clause.targets:
        m = target_match(t, q, section, settings)
        if m >= 1.0 or (m >= settings.match_threshold and not terms):
            matched.append((m, t))
    named = bool(matched) and bool(terms)
    from_target = bool(matched) and bool(terms or not indicator_terms(q))
    if from_target:
        # A target matched on a generic name the question holds (数据中心, 新能源汽车: not a
        # metric, `metric_terms`) says only what the clause is about, not that it states what was
        # asked: the question's wording decides, as for any clause.
        score = max(m for m, _ in matched)
    # Wording the question shares with the clause; with no known indicator asked, also with the
    # figure-less clauses completing it (Clause.scope: the condition's consequence).
    cov = coverage(q.topic, clause.scope if clause.figures and not terms else clause.key) if q.topic else 0.0
    if terms:
        if standing_term(clause.key, terms, q.analysis.text, settings):
            score, named = max(score, 1.0), True
        elif CONTINUES_SUBJECT.match(clause.key) and standing_term(clause.context, terms, q.analysis.text, settings):
            score, named = max(score, 0.7), True  # "…，力争达到…": the subject said before
        score = max(score, 0.45 * cov)
    elif q.topic:
        score = max(score, cov, 0.8 * coverage(q.topic, clause.context))
    score += 0.2 * cov
    return score, tuple(t for _, t in sorted(matched, key=lambda mt: -mt[0])), named, from_target


def evidence(q: Question, clause: Clause, similarity: float,
             settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> Evidence:
    """How well `clause` answers `q`: lexical + similarity_weight * similarity + a small
    retrieval-rank prior, less period_mismatch for a figure of another year; a table value's
    column fit counted once (inside its target's match when the score is one)."""
    lex, matched, named, from_target = lexical(q, clause, settings)
    score = lex + settings.similarity_weight * similarity + 0.05 / (clause.rank + 1)
    if other_period(q, clause):
        score -= settings.period_mismatch
    if other_item(q, clause):
        score -= settings.other_item
    if asks_cap(q) and clause.figures and STATES_CAP.search(clause.key):
        score += settings.cap_fit
    if len(clause.targets) == 1 and clause.targets[0].column and not from_target:
        score += column_fit(clause.targets[0], q)  # a table's 2020年实际值 is not what "要降到多少" asks
    return Evidence(clause, lex, similarity, score, matched, named)


def score_clauses(q: Question, clauses: Sequence[Clause], vectors: ClauseVectors | None,
                  settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> list[Evidence]:
    """Every clause's evidence, best first. Only clauses that state a figure can answer with
    one: only they are embedded. Without vectors, lexical evidence alone."""
    sims = np.zeros(len(clauses), dtype=np.float32)
    with_figures = [i for i, c in enumerate(clauses) if c.figures]
    if vectors is not None and with_figures:
        sims[with_figures] = vectors.similarities(q.resolved, [clauses[i].key for i in with_figures])
    return sorted((evidence(q, c, float(sim), settings) for c, sim in zip(clauses, sims)), key=lambda e: -e.score)


def answering_figures(s: Evidence, when: bool) -> tuple[Figure, ...]:
    """The figures of a candidate that can answer: deadlines only when the question asks when."""
    return tuple(f for f in s.clause.figures if f.kind != "deadline" or when)


def accepted_clauses(q: Question, admitted: Sequence[Evidence], when: bool, settings: AnswerSettings) -> list[Evidence]:
    """The candidates that state a figure for what was asked, best first.

    When some candidate names the asked indicator (a lexicon synonym), only those that name
    it can answer: the top evidence for the indicator decides. Otherwise (wording the lexicon
    lacks) a clause answers by wording overlap, or by being the figure clause most similar to
    the question (embedding) with some wording in common."""
    figured = [s for s in admitted if answering_figures(s, when)]
    if any(s.named for s in admitted):
        return [s for s in figured if s.named and s.lexical >= settings.accept]
    out = [s for s in figured if s.lexical >= settings.accept]
    if figured and not metric_terms(q):  # a known metric the plan never names: no guessing
        # The figures here are about the question when one is this similar to it; the clause
        # that answers is then the best scored (wording and similarity) with some wording in common.
        worded = [s for s in figured if s.lexical >= settings.similar_lexical]
        if worded and max(s.similarity for s in figured) >= settings.similarity:
            nearest = max(worded, key=lambda s: s.score)
            if nearest not in out:
                out.append(nearest)
    return sorted(out, key=lambda s: -s.score)


_FORM_WORD = re.compile(rf"(?:{FIGURE_UNIT}|{ASKS_FIGURE.pattern}|{ASKS_TARGET.pattern}|{ASKS_WHEN.pattern})")


def object_words(q: Question) -> tuple[str, ...]:
    """The words of what the question asks about: its topic's words (places, years, the named
    document already left out) without the words of the answer's form (units, 多少, 目标, 何时)."""
    words = get_tokenizer().words(q.topic) if q.topic else []
    return tuple(dict.fromkeys(w for w in words if len(w) > 1 and not _FORM_WORD.fullmatch(w)
                               and not any(ch.isdigit() for ch in w)))


def unstated_object(q: Question, best: Evidence, admitted: Sequence[Evidence], hits: Sequence[Hit],
                    settings: AnswerSettings = DEFAULT_ANSWER_SETTINGS) -> Clause | None:
    """A figure accepted by wording or similarity alone may be another thing's: "储能装机要多少"
    answered by "可再生能源装机超过5000万千瓦". The asked object is named by its rare words (in at
    most `rare_share` of the place's hits: 储能, not 装机). When the accepted clause names none of
    them, and a rare word is named by the place's clauses only in clauses without a figure ("积极
    探索制定储能配额制"), the plan speaks of the object and gives it no figure: that clause, the one
    to quote for the absence (the best such candidate, else the first in the hits). None otherwise:
    the accepted figure stands."""
    words = object_words(q)
    if not words or not hits:
        return None
    texts = [fold(h.chunk.search_text or h.chunk.text) for h in hits]
    bar = max(1, int(settings.rare_share * len(texts)))
    rare = [w for w in words if 0 < sum(w in t for t in texts) <= bar]
    paragraph = fold(best.clause.chunk.search_text or best.clause.chunk.text)
    if not rare or any(w in paragraph for w in rare):
        return None
    clauses = [c for rank, h in enumerate(hits) for c in chunk_clauses(h.chunk, rank, ())]
    for word in rare:
        if any(word in c.key for c in clauses if c.figures):
            continue  # a figure clause names it: the plan may state its figure
        stating = [s for s in admitted if word in s.clause.key and not s.clause.figures]
        if stating:
            return max(stating, key=lambda s: (s.lexical, -s.clause.rank)).clause
        found = next((c for c in clauses if word in c.key), None)
        if found is not None:
            return found
    return None
