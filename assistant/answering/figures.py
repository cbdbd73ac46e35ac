"""Figure and comparison answers: per place, the candidate clauses of its best hits scored by
`answering.evidence`, the accepted ones quoted (with their companions: a 力争 target, the other
member of a pair, one clause per thing asked), each document of a place named when several state
the figure; an absence said only when the top evidence for the indicator states none, and a
figure with too little evidence shown, not asserted (请核对原文).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answering.citations import build_answer, figure_clause
from assistant.answering.clauses import (OPEN_SETS, Clause, admits, area_qualifiers, candidate_clauses, period_year,
                                         qualifiers)
from assistant.answering.evidence import (Evidence, accepted_clauses, answering_figures, coverage, indicator_terms,
                                          object_words, part_coverage, score_clauses, unstated_object)
from assistant.answering.places import place_hits
from assistant.answering.settings import AnswerSettings
from assistant.highlight import best_sentence, body_sentences
from assistant.model import Answer, AnswerKind, Question, TableRow
from assistant.target_model import Target
from corpus.figures import Figure, comparable, magnitude
from corpus.language import ASKS_WHEN, COMPANION, DECIMAL, QUOTED_CLAUSE_BREAK, YEAR_DIGITS
from corpus.model import Chunk
from corpus.text import compact, fold
from index.clause_vectors import ClauseVectors
from index.types import Hit

UNSURE_TEXT = "以下条款可能给出了{name}的数值，请核对原文："


def _closest_sentence(q: Question, chunk: Chunk) -> str:
    """The sentence of `chunk` that best mentions what was asked (verbatim).

    The most specific indicator term wins (terms come longest first): for 清洁取暖率 a
    sentence naming 清洁取暖比例 beats one that only mentions 清洁取暖."""
    for term in indicator_terms(q):
        for sentence in body_sentences(chunk):
            if term in fold(sentence):
                return sentence
    return best_sentence(chunk, q.topic or q.resolved)


def _quoted_clause(q: Question, sentence: str) -> str:
    """The clause of `sentence` naming the indicator, marked with …… where text was left out,
    so an absent-figure answer reads 仅提出：……城镇清洁取暖比例……大幅提升 rather than the whole sentence."""
    clauses = [c for c in QUOTED_CLAUSE_BREAK.split(sentence) if c]
    for term in indicator_terms(q):
        for i, clause in enumerate(clauses):
            if term in fold(clause):
                text = clause.rstrip("，；,;")
                return ("……" if i else "") + text + ("……" if i < len(clauses) - 1 else "")
    return sentence


def _clause_quote(clause: Clause) -> str:
    """A clause quoted in its sentence, …… where the sentence goes on (its other clauses may
    state figures an absence must not seem to deny)."""
    sentence = compact(clause.sentence).rstrip("。")
    text = clause.text.rstrip("，,；;：:。")
    if text not in sentence:
        return clause.sentence
    return ("" if sentence.startswith(text) else "……") + text + ("" if sentence.endswith(text) else "……")


def _indicator_name(q: Question) -> str:
    name = q.topic if q.topic and len(q.topic) <= 16 else ""
    name = name or (q.analysis.indicators[0] if q.analysis.indicators else "相关指标")
    return name if not DECIMAL.search(name) else (q.analysis.indicators or ("相关指标",))[0]


def _deadlines(s: Evidence) -> tuple[Figure, ...]:
    return tuple(f for f in s.clause.figures if f.kind == "deadline")


def _same_sentence(a: Evidence, b: Evidence) -> bool:
    return a.clause.chunk.chunk_id == b.clause.chunk.chunk_id and a.clause.sentence == b.clause.sentence


def _complete(q: Question, accepted: Sequence[Evidence], admitted: Sequence[Evidence], when: bool,
              settings: AnswerSettings) -> list[Evidence]:
    """The clauses a complete answer quotes: the best one, its companions in the same sentence
    (a 力争 target, an alternative "或…"), and for each further member of a contrast set or
    further indicator the question names, the best clause stating it (two levels, two figures)."""
    joint = _joint_sentence(q, accepted, admitted, when, settings)
    if joint:
        return joint
    best = accepted[0]
    chosen = [best]
    order = [s for s in admitted if _same_sentence(s, best)]
    clauses = [s.clause for s in order]
    if best.clause in clauses:
        i = clauses.index(best.clause)
        for j in (i + 1, i - 1):
            if 0 <= j < len(order) and answering_figures(order[j], when):
                after, before = (order[j], best) if j > i else (best, order[j])
                if (COMPANION.match(after.clause.key) or _other_member(q, best, order[j])) and order[j] not in chosen:
                    chosen.append(order[j])
    asked: list[str] = [m for members in qualifiers(q) if len(members) > 1 for m in members]
    asked += [fold(name) for name in q.analysis.indicators] if len(q.analysis.indicators) > 1 else []
    for term in asked:
        if any(term in s.clause.key for s in chosen):
            continue
        other = next((s for s in accepted if term in s.clause.key), None)
        if other is not None and other not in chosen:
            chosen.append(other)
    for part in q.parts:  # "A和B分别是多少": a clause stating a figure for each thing asked
        if any(part_coverage(part, s.clause.scope) >= settings.part_coverage for s in chosen):
            continue
        stating = [s for s in admitted if answering_figures(s, when) and s not in chosen
                   and part_coverage(part, s.clause.scope) >= settings.part_coverage]
        if stating:
            chosen.append(max(stating, key=lambda s: (part_coverage(part, s.clause.scope), s.score)))
    return chosen


def _other_member(q: Question, a: Evidence, b: Evidence) -> bool:
    """Whether `a` and `b` (neighbouring clauses of one sentence) state the two members of an
    open contrast pair the question names neither of ("新增装机容量50万千瓦，累计装机容量达到260万千瓦"
    asked "装机要到多少": the increment and the total, both quoted)."""
    asked = fold(q.analysis.text)
    for pair in OPEN_SETS:
        if any(m in asked for m in pair):
            continue
        first = next((m for m in pair if m in a.clause.key), None)
        if first is not None and any(m in b.clause.key for m in pair if m != first):
            return True
    return False


def _joint_sentence(q: Question, accepted: Sequence[Evidence], admitted: Sequence[Evidence], when: bool,
                    settings: AnswerSettings) -> list[Evidence]:
    """"A和B分别是多少" answered by one sentence of the plan that states a figure for each thing
    asked ("可再生能源装机超过5000万千瓦，装机占比达到36%以上": the subject said once): per asked
    part, the clause of that sentence covering it best; the sentence holding an accepted clause
    whose clauses score best in total. [] when the question asks one thing or no sentence states all."""
    if len(q.parts) < 2:
        return []
    best: tuple[float, list[Evidence]] | None = None
    for head in accepted:
        same = [s for s in admitted if _same_sentence(s, head) and answering_figures(s, when)]
        picked: list[Evidence] = []
        for part in q.parts:
            stating = [s for s in same if part_coverage(part, s.clause.scope) >= settings.part_coverage]
            if not stating:
                break
            picked.append(max(stating, key=lambda s: (part_coverage(part, s.clause.scope), s.score)))
        else:
            picked = [s for i, s in enumerate(picked) if s not in picked[:i]]
            if sum(len(answering_figures(s, when)) for s in picked) < len(q.parts):
                continue  # one clause for two things asked, stating one figure: not both answered
            total = sum(s.score for s in picked)
            if best is None or total > best[0]:
                best = (total, sorted(picked, key=_position))
    return best[1] if best else []


def _position(s: Evidence) -> int:
    """Where a clause stands in its sentence (the sentence's order when quoting several)."""
    return compact(s.clause.sentence).find(s.clause.text)


def _clause_line(chosen: Sequence[Evidence]) -> str:
    first = chosen[0].clause
    parts = []
    for s in chosen:
        c = s.clause
        if c.targets and c.chunk.table_row:  # a table value: its row and column
            parts.append(figure_clause((s.matched or c.targets)[0]))
        else:
            parts.append(c.text.rstrip("，,；;：:"))
    text = "；".join(dict.fromkeys(parts))
    period = first.period
    # (a period carried over from an earlier sentence of the paragraph is not in the quoted one)
    if period and not first.chunk.table_row and fold(period) not in fold(text) and fold(period) in fold(first.sentence):
        text = f"{period}，{text}"
    return text


def _primary_figure(s: Evidence, when: bool) -> Figure | None:
    figures = answering_figures(s, when)
    if s.matched:
        value = fold(s.matched[0].value)
        same = [f for f in figures if fold(f.value) == value or fold(f.text).startswith(value)]
        if same:
            return same[0]
    return figures[0] if figures else None


def _comparison_words(values: Sequence[tuple[str, Figure]]) -> str | None:
    """"安阳（18%以上）高于三门峡（16%以上）。" when every figure is comparable (same unit)."""
    if len(values) < 2 or not all(comparable(values[0][1], f) for _, f in values[1:]):
        return None
    ordered = sorted(values, key=lambda cf: -magnitude(cf[1]))
    if len({magnitude(f) for _, f in values}) == 1:
        return "、".join(c for c, _ in values) + f"的目标数值相同（均为{values[0][1].text}）。"
    words: list[str] = []
    for (a, fa), (b, fb) in zip(ordered, ordered[1:]):
        relation = "与" if magnitude(fa) == magnitude(fb) else "高于"
        words.append(f"{a}（{fa.text}）{relation}{b}（{fb.text}）" if not words else f"{relation}{b}（{fb.text}）")
    return "比较：" + "".join(words) + "。"


def _closest_evidence(q: Question, admitted: Sequence[Evidence]) -> Evidence | None:
    """The clause an absence quotes: the one naming the most specific indicator term (terms
    come longest first: 城镇清洁取暖比例 before 清洁取暖), else the best lexical evidence."""
    for term in indicator_terms(q):
        for s in sorted(admitted, key=lambda s: s.clause.rank):
            if term in s.clause.key:
                return s
    return max(admitted, key=lambda s: (s.lexical, -s.clause.rank)) if admitted else None


def _earlier(q: Question, s: Evidence) -> bool:
    """Whether the clause states its figures for a year before the one the question names: an
    achievement or a baseline ("2020年，…PM2.5年均浓度为41μg/m3") answers no "2025年…要降到多少"."""
    named = [int(y) for y in YEAR_DIGITS.findall(q.analysis.text)]  # "2025年、2030年各要…": the first
    asked = min(named) if q.analysis.year and named else None
    year = period_year(s.clause.period)
    return bool(asked and year and year < asked and not s.clause.chunk.tabular
                and any(f.kind != "deadline" for f in s.clause.figures))


def _possible_answers(city: str, name: str, shown: Sequence[Evidence], items: list[tuple[Chunk, str, float]],
                      score: float) -> tuple[str, list[int]]:
    """An answer line showing figure clauses that may answer, not asserted ("请核对原文");
    their sentences are appended to `items` (the citations)."""
    refs = []
    for s in shown:
        refs.append(len(items))
        items.append((s.clause.chunk, s.clause.sentence, score))
    return f"{city}：" + UNSURE_TEXT.format(name=name) + "；".join(s.clause.text for s in shown) + "。", refs


def figure_answer(q: Question, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]],
                     cities: Sequence[str], vectors: ClauseVectors | None, settings: AnswerSettings) -> Answer:
    """Figure and comparison answers composed from candidate clauses (answering.clauses)."""
    parts: list[tuple[str, list[int]]] = []
    items: list[tuple[Chunk, str, float]] = []
    rows: list[TableRow] = []
    named = qualifiers(q) + area_qualifiers(q, targets, {h.chunk.city for h in hits})
    when = bool(ASKS_WHEN.search(q.analysis.text))
    compared: list[tuple[str, Figure]] = []
    name = _indicator_name(q)
    for city in cities:
        city_hits = place_hits(hits, city)
        scored = score_clauses(q, candidate_clauses(city_hits, targets, settings.candidate_depth), vectors,
                               settings)
        admitted = [s for s in scored if admits(s.clause, named, fold(q.analysis.text)) and not _earlier(q, s)]
        accepted = accepted_clauses(q, admitted, when, settings)
        if when:
            accepted.sort(key=lambda s: not any(f.kind == "deadline" for f in s.clause.figures))
        unstated = (unstated_object(q, accepted[0], admitted, city_hits, settings)
                    if accepted and not any(s.named for s in admitted) else None)
        if unstated is not None:
            # The figure found is another thing's; the plan names what was asked without one.
            asked = "".join(object_words(q)) or name
            parts.append((f"{city}方案未给出{asked}的具体数值，仅提出：{_clause_quote(unstated)}", [len(items)]))
            items.append((unstated.chunk, unstated.sentence, city_hits[0].score))
            rows.append(TableRow(city=city, indicator=name, value="", qualifier="", sentence="", citation="",
                                 chunk_id=""))
            continue
        if accepted:
            chosen = _complete(q, accepted, admitted, when, settings)
            # A place with several documents stating it: each document's figure, named by its
            # title (湖南省's 规划 and 意见 may set different figures); the best one first.
            documents = list(dict.fromkeys(s.clause.chunk.doc_id for s in accepted))[:settings.max_documents]
            by_document = [chosen] + [
                _complete(q, [s for s in accepted if s.clause.chunk.doc_id == d],
                          [s for s in admitted if s.clause.chunk.doc_id == d], when, settings)
                for d in documents[1:]]
            for lines in by_document:
                refs = []
                for s in lines:
                    refs.append(len(items))
                    items.append((s.clause.chunk, s.clause.sentence, city_hits[0].score if city_hits else 0.0))
                whose = f"（《{lines[0].clause.chunk.title}》）" if len(by_document) > 1 else ""
                parts.append((f"{city}{whose}：{_clause_line(lines)}。", refs))
            primary = _primary_figure(chosen[0], when)
            target = chosen[0].matched[0] if chosen[0].matched else None
            if primary is not None:
                compared.append((city, primary))
            rows.append(TableRow(city=city, indicator=target.indicator if target else name,
                                 value=target.value if target else (primary.value if primary else ""),
                                 qualifier=target.qualifier if target else (primary.bound if primary else ""),
                                 sentence=chosen[0].clause.sentence, citation=chosen[0].clause.chunk.citation,
                                 chunk_id=chosen[0].clause.chunk.chunk_id))
            continue
        if q.analysis.kind == "comparison" and not q.analysis.cities:
            continue  # "各地…": only the cities that state a figure
        naming = any(s.named for s in admitted)
        unsure = [] if naming else [s for s in admitted if answering_figures(s, when) and s.lexical >= settings.unsure][:2]
        if unsure:
            # Figures that may answer but with too little evidence: show them, do not assert.
            parts.append(_possible_answers(city, name, unsure, items, city_hits[0].score))
        elif city_hits:
            # The closest evidence: the clause naming the indicator best (lexical), not the most similar figure.
            top = _closest_evidence(q, admitted)
            sentence = top.clause.sentence if top else _closest_sentence(q, city_hits[0].chunk)
            chunk = top.clause.chunk if top else city_hits[0].chunk
            names_it = any(t in fold(sentence) for t in indicator_terms(q))
            covers = coverage(q.topic, sentence) >= settings.relevance_threshold
            # An absence is asserted on a clause that names the indicator, or that shares the
            # topic's wording and states no figure itself: "未给出具体数值" over a quote holding
            # "下降16%以上" would deny the figure it shows.
            quotes_figure = top is not None and bool(answering_figures(top, when))
            guesses = [] if indicator_terms(q) else [s for s in admitted if answering_figures(s, when)][:2]
            shown = [top] if (covers and quotes_figure and top is not None) else guesses
            if names_it and quotes_figure and top is not None and (not when or _deadlines(top)):
                # The clause naming the indicator states a figure (a deadline, when asked when):
                # too little evidence to assert it, none at all to deny it. Shown, not asserted.
                parts.append(_possible_answers(city, name, [top], items, city_hits[0].score))
            elif names_it or (covers and not quotes_figure):
                parts.append((f"{city}方案未给出{name}的具体数值，仅提出：{_quoted_clause(q, sentence)}", [len(items)]))
                items.append((chunk, sentence, city_hits[0].score))
            elif shown:
                # Nothing names what was asked, so absence cannot be asserted either (a question in
                # everyday words): show the figure clauses most like the question, not asserted.
                parts.append(_possible_answers(city, name, shown, items, city_hits[0].score))
            else:
                parts.append((f"{city}方案未提及{name}，也未给出具体数值；下方为最接近的条款，供参考。", [len(items)]))
                items.append((chunk, sentence, city_hits[0].score))
        else:
            parts.append((f"{city}方案未给出{name}的具体数值。", []))
        rows.append(TableRow(city=city, indicator=name, value="", qualifier="", sentence="", citation="", chunk_id=""))
    comparison = q.analysis.kind == "comparison" or len(cities) > 1
    if comparison and len(compared) == len(rows) and (words := _comparison_words(compared)):
        parts.append((words, sorted({r for _, refs in parts for r in refs})))
    kind: AnswerKind = "comparison" if comparison else ("figure" if any(r.value for r in rows) else "absent")
    if not comparison and not any(r.value for r in rows) and any(UNSURE_TEXT[:4] in t for t, _ in parts):
        kind = "measure"
    return build_answer(q, kind, parts, items, rows if comparison else ())


