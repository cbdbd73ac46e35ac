"""How well a clause, a sentence or a target answers a question: the scores that ranking
(`assistant.rankers`) and answer composition (`assistant.answer`) share.

Everything compares case-folded matching text (`corpus.text.fold`), so a plan in
Traditional script or with full-width digits scores like its Simplified twin.
"""
from __future__ import annotations

from functools import lru_cache

from assistant.model import Question
from assistant.target_model import Target
from assistant.understanding import group_of, indicator_matches, is_metric
from corpus.text import bigrams, fold

# A target answers the question when its indicator matches at least this well (`target_match`).
MATCH_THRESHOLD = 0.5
# A question whose wording holds more than half of a longer indicator's bigrams asks for it.
LONGER_TERM_COVERAGE = 0.6


def coverage(topic: str, text: str) -> float:
    """Share of the topic's character bigrams found in `text` (0 when the topic is empty)."""
    wanted = bigrams(topic)
    return len(wanted & bigrams(text)) / len(wanted) if wanted else 0.0


def indicator_terms(q: Question) -> tuple[str, ...]:
    """Every synonym of the asked indicators, folded, longest first."""
    return _terms_of(q.analysis.indicators)


@lru_cache(maxsize=1024)
def _terms_of(names: tuple[str, ...]) -> tuple[str, ...]:
    # "数据中心的PUE": the metric is what a figure is asked for, the rest is context.
    names = tuple(n for n in names if is_metric(n)) or names
    terms = [fold(t) for name in names for t in group_of(name)]
    return tuple(sorted(set(terms), key=lambda t: (-len(t), t)))  # longest first, then a fixed order


def standing_term(text: str, terms: tuple[str, ...], question: str = "") -> str | None:
    """The first of `terms` (folded) that `text` names on its own: an occurrence inside a
    longer lexicon term of another indicator does not count ("能源消费总量" inside
    "非化石能源占能源消费总量比重" names the share, not the total), unless the question's
    wording holds most of that longer term (`LONGER_TERM_COVERAGE` of its bigrams: then the
    question asks for it in its own words, "非化石能源在能源消费总量中的比重")."""
    if not terms:
        return None
    key = fold(text)
    asked = set(terms)
    others = [(s, e) for s, e, group in indicator_matches(key) if not asked & {fold(t) for t in group}
              and not (question and coverage(key[s:e], question) >= LONGER_TERM_COVERAGE)]
    for term in terms:
        start = key.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(s <= start and end <= e and e - s > len(term) for s, e in others):
                return term
            start = key.find(term, start + 1)
    return None


def names_indicator(q: Question, text: str) -> bool:
    """Whether `text` names one of the asked indicators (by any synonym), on its own."""
    return standing_term(text, indicator_terms(q), q.analysis.text) is not None


def target_match(target: Target, q: Question, section: str = "") -> float:
    """How well `target` states what was asked: 1+ for a synonym hit on its indicator."""
    terms = indicator_terms(q)
    indicator = fold(target.indicator)
    score = 0.0
    if terms:
        # A recognised indicator must be named (by any synonym); wording overlap alone would
        # let "城市生活污水处理率" answer for "农村生活污水治理率".
        hit = standing_term(indicator, terms, q.analysis.text)
        if hit:
            score = 1.0 + 0.2 * len(hit) / max(len(indicator), 1)  # tighter indicator: better
            score += 0.5 * coverage(q.topic, target.indicator) if q.topic else 0.0
        elif standing_term(target.clause, terms, q.analysis.text):
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
        from assistant.table_targets import column_fit

        score += column_fit(target, q)  # a table's 2020年实际值 is not what "要降到多少" asks
    return score
