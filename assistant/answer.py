"""Extractive answers: quote the plans, never invent a figure.

Every figure in `Answer.text` is copied from a cited sentence (checked by
`figures_supported` before an answer leaves this module), and every citation's
`highlight` is a verbatim substring of its chunk's text.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.clauses import (OPEN_SETS, Scored, admits, area_qualifiers, candidate_clauses,
                               metric_terms, period_year, qualifiers, score_clauses)
from assistant.evidence import MATCH_THRESHOLD, coverage, indicator_terms, target_match
from corpus.figures import Figure, comparable, magnitude
from assistant.highlight import best_sentence, body_sentences, is_responsibility_note
from assistant.model import Answer, AnswerKind, Citation, Question, TableRow
from assistant.target_model import Target
from corpus.language import (ASKS_WHEN, CLAUSE_BREAK, COMPANION, DECIMAL, QUOTED_CLAUSE_BREAK, RESPONSIBILITY_WORDS,
                              YEAR_DIGITS)
from corpus.model import Chunk
from corpus.text import compact, fold, matching
from index.types import Hit
from index.clause_vectors import ClauseVectors, chunk_clauses

EMPTY_TEXT = "请输入一个问题，例如：铁岭城镇清洁取暖率要达到多少？那安阳呢？"
NOT_FOUND_TEXT = "未在已收录的方案中找到相关内容。"
# Looser bar for the clauses of the two best hits when the question names no known indicator.
LOOSE_THRESHOLD = 0.2
# Share of the question's topic bigrams a retrieved chunk must contain to count as relevant.
RELEVANCE_THRESHOLD = 0.2
# Dense relevance (`dense_relevance`), used when the lexical evidence fails. Chosen on the
# training split with the off-topic questions of eval/offtopic.txt: at 0.935, 7 of the 9
# training questions the lexical test turned away pass, and 1 of 24 off-topic questions.
DENSE_RELEVANCE = 0.935
DENSE_BACKGROUND = slice(10, 20)
# A clause states a figure for one of several things asked when it holds this share of that
# thing's bigrams (its own words and the figure-less words completing it, Clause.scope).
PART_COVERAGE = 0.6
# A place's documents quoted for one figure at most (each on its own line, named by its title).
MAX_DOCUMENTS = 3

Following = Callable[[Chunk], Sequence[Chunk]]
# Who is in charge: the plans write （…牵头/负责/配合…） or （责任单位：…）.
UNSURE_TEXT = "以下条款可能给出了{name}的数值，请核对原文："


@dataclass(frozen=True)
class ComposeOptions:
    """The evidence-first composer's settings (chosen on the train side of the split)."""

    depth: int = 8  # hits per city whose clauses are candidates
    similarity_weight: float = 6.0  # weight of question-clause embedding similarity
    accept: float = 0.5  # lexical evidence a figure clause needs to be asserted as the answer
    similarity: float = 0.9  # or: the most similar figure clause, at least this similar ...
    similar_lexical: float = 0.15  # ... with at least this lexical evidence
    unsure: float = 0.3  # below both bars but at least this: shown as a possible answer, not asserted


DEFAULT_OPTIONS = ComposeOptions()


def best_target(
    q: Question, city: str, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]]
) -> tuple[Target, Hit] | None:
    """The target of `city` among the retrieved chunks that best answers the question."""
    found = _scored_best(q, city, hits, targets)
    return (found[1], found[2]) if found else None


def _scored_best(
    q: Question, city: str, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]]
) -> tuple[float, Target, Hit] | None:
    best: tuple[float, Target, Hit] | None = None
    for rank, hit in enumerate(h for h in hits if h.chunk.city == city):
        section = hit.chunk.section[-1] if hit.chunk.section else ""
        for target in targets.get(hit.chunk.chunk_id, ()):
            match = target_match(target, q, section)
            if match < MATCH_THRESHOLD:
                continue
            score = match + 0.3 / (rank + 1)  # retrieval order breaks near-ties
            if best is None or score > best[0]:
                best = (score, target, hit)
    if best is None and not indicator_terms(q) and q.topic:
        # No recognised indicator: accept the clause of the best hits that shares most of the
        # question's wording ("庄稼秸秆回收利用的比例" ~ "秸秆综合利用率稳定在93%以上").
        for rank, hit in enumerate([h for h in hits if h.chunk.city == city][:2]):
            for target in targets.get(hit.chunk.chunk_id, ()):
                score = coverage(q.topic, target.clause) + 0.1 / (rank + 1)
                if coverage(q.topic, target.clause) >= LOOSE_THRESHOLD and (best is None or score > best[0]):
                    best = (score, target, hit)
    return best


def figure_clause(target: Target) -> str:
    """The quoted figure: the target's clause, led by its time phrase when the sentence has one."""
    clause = target.clause.rstrip("。")
    if target.period and target.period not in fold(clause) and target.period in fold(target.sentence):
        clause = f"{target.period}，{clause}"
    return clause


def responsibility_clause(text: str) -> str | None:
    """The last top-level parenthesised clause naming who is responsible, verbatim."""
    found = None
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch in "（(":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
            if depth == 0 and RESPONSIBILITY_WORDS.search(text[start:i]):
                found = text[start : i + 1]
    return found


def figures_supported(answer: Answer) -> bool:
    """Every number in the answer text occurs in one of its cited sentences or table rows (a
    cited table row counts with its header context: "2025年目标值104" quotes the row's 104 under
    its header's 2025年, `Chunk.context`)."""
    cited = " ".join([c.highlight for c in answer.citations] + [r.sentence for r in answer.table]
                     + [c.chunk.context for c in answer.citations if c.chunk.table_row])
    have = set(DECIMAL.findall(fold(cited)))
    return all(n in have for n in DECIMAL.findall(fold(answer.text)))


def _citations(items: Sequence[tuple[Chunk, str, float]]) -> tuple[tuple[Citation, ...], list[int]]:
    """Numbered citations (duplicates merged) and, for each item, the number it got."""
    out: list[Citation] = []
    numbers: dict[tuple[str, str], int] = {}
    for chunk, highlight, score in items:
        key = (chunk.chunk_id, highlight)
        if key not in numbers:
            numbers[key] = len(out) + 1
            out.append(Citation(n=numbers[key], chunk=chunk, highlight=highlight, score=float(score)))
    return tuple(out), [numbers[(chunk.chunk_id, highlight)] for chunk, highlight, _ in items]


def _answer(q: Question, kind: AnswerKind, lines: Sequence[tuple[str, Sequence[int]]],
            items: Sequence[tuple[Chunk, str, float]], table: Sequence[TableRow] = ()) -> Answer:
    """An answer from its lines, each with the indices (into `items`) of the clauses it quotes."""
    citations, numbers = _citations(items)
    markers = tuple(tuple(sorted({numbers[i] for i in refs})) for _, refs in lines)
    return Answer(question=q.text, resolved_query=q.resolved, kind=kind, text="\n".join(t for t, _ in lines),
                  citations=citations, table=tuple(table), markers=markers)


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


def _indicator_name(q: Question) -> str:
    name = q.topic if q.topic and len(q.topic) <= 16 else ""
    name = name or (q.analysis.indicators[0] if q.analysis.indicators else "相关指标")
    return name if not DECIMAL.search(name) else (q.analysis.indicators or ("相关指标",))[0]


def _city_hits(hits: Sequence[Hit], city: str) -> list[Hit]:
    return [h for h in hits if h.chunk.city == city]


def _answer_cities(
    q: Question, hits: Sequence[Hit], all_cities: Sequence[str], targets: Mapping[str, Sequence[Target]]
) -> tuple[str, ...]:
    if q.analysis.cities:
        return q.analysis.cities
    if q.analysis.kind == "comparison":
        return q.analysis.listed or tuple(all_cities)
    if not hits:
        return ()
    if q.analysis.kind == "figure":
        # No city named (e.g. a county): the city whose plan states the best-matching figure.
        scored = [(found[0], city) for city in dict.fromkeys(h.chunk.city for h in hits)
                  if (found := _scored_best(q, city, hits, targets))]
        if scored:
            return (max(scored)[1],)
    return (hits[0].chunk.city,)


def _evidence_city(q: Question, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]],
                   vectors: ClauseVectors | None, options: ComposeOptions) -> tuple[str, ...]:
    """No city named (a county, a river basin): the city of the best-ranked hit holding a
    clause that states the asked figure by name or wording (not by similarity alone)."""
    named = qualifiers(q) + area_qualifiers(q, targets, {h.chunk.city for h in hits})
    when = bool(ASKS_WHEN.search(q.analysis.text))
    for hit in hits[: options.depth]:
        scored = score_clauses(q, candidate_clauses([hit], targets, 1), vectors, options.similarity_weight)
        admitted = [s for s in scored if admits(s.clause, named, fold(q.analysis.text))]
        if any(s.lexical >= options.accept for s in _accepted(q, admitted, when, options)):
            return (hit.chunk.city,)
    return ()


def relevant(q: Question, hits: Sequence[Hit], depth: int = 3, vectors: ClauseVectors | None = None) -> bool:
    """Whether the best retrieved chunks are about what was asked: lexical evidence (an asked
    indicator's term, or enough of the topic's bigrams), else, with `vectors`, dense evidence
    (`dense_relevance`): a question in everyday words shares few characters with its clause."""
    terms = indicator_terms(q)
    for hit in hits[:depth]:
        read = hit.chunk.search_text or hit.chunk.text  # a table row: read with its header
        text = fold(read)
        if terms and any(t in text for t in terms):
            return True
        if q.topic and coverage(q.topic, read) >= RELEVANCE_THRESHOLD:
            return True
    return vectors is not None and dense_relevance(q, hits, vectors, depth) >= DENSE_RELEVANCE


def dense_relevance(q: Question, hits: Sequence[Hit], vectors: ClauseVectors, depth: int = 3) -> float:
    """The question's best clause cosine among the first `depth` hits plus that cosine's margin
    over the median clause of hits 11-20 (`DENSE_BACKGROUND`): on-topic questions have a clause
    that stands out from the deeper hits, off-topic ones are about equally far from all.
    0 without hits."""
    top = [c for h in hits[:depth] for c in chunk_clauses(h.chunk)]
    if not top:
        return 0.0
    best = float(vectors.similarities(q.resolved, top).max())
    deep = [c for h in hits[DENSE_BACKGROUND] for c in chunk_clauses(h.chunk)]
    background = float(np.median(vectors.similarities(q.resolved, deep))) if deep else best
    return best + (best - background)


def _answering(s: Scored, when: bool) -> tuple[Figure, ...]:
    """The figures of a candidate that can answer: deadlines only when the question asks when."""
    return tuple(f for f in s.clause.figures if f.kind != "deadline" or when)


def _deadlines(s: Scored) -> tuple[Figure, ...]:
    return tuple(f for f in s.clause.figures if f.kind == "deadline")


def _same_sentence(a: Scored, b: Scored) -> bool:
    return a.clause.chunk.chunk_id == b.clause.chunk.chunk_id and a.clause.sentence == b.clause.sentence


def _complete(q: Question, accepted: Sequence[Scored], admitted: Sequence[Scored], when: bool) -> list[Scored]:
    """The clauses a complete answer quotes: the best one, its companions in the same sentence
    (a 力争 target, an alternative "或…"), and for each further member of a contrast set or
    further indicator the question names, the best clause stating it (two levels, two figures)."""
    joint = _joint_sentence(q, accepted, admitted, when)
    if joint:
        return joint
    best = accepted[0]
    chosen = [best]
    order = [s for s in admitted if _same_sentence(s, best)]
    clauses = [s.clause for s in order]
    if best.clause in clauses:
        i = clauses.index(best.clause)
        for j in (i + 1, i - 1):
            if 0 <= j < len(order) and _answering(order[j], when):
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
        if any(coverage(part, s.clause.scope) >= PART_COVERAGE for s in chosen):
            continue
        stating = [s for s in admitted if _answering(s, when) and s not in chosen
                   and coverage(part, s.clause.scope) >= PART_COVERAGE]
        if stating:
            chosen.append(max(stating, key=lambda s: (coverage(part, s.clause.scope), s.score)))
    return chosen


def _other_member(q: Question, a: Scored, b: Scored) -> bool:
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


def _joint_sentence(q: Question, accepted: Sequence[Scored], admitted: Sequence[Scored], when: bool) -> list[Scored]:
    """"A和B分别是多少" answered by one sentence of the plan that states a figure for each thing
    asked ("可再生能源装机超过5000万千瓦，装机占比达到36%以上": the subject said once): per asked
    part, the clause of that sentence covering it best; the sentence holding an accepted clause
    whose clauses score best in total. [] when the question asks one thing or no sentence states all."""
    if len(q.parts) < 2:
        return []
    best: tuple[float, list[Scored]] | None = None
    for head in accepted:
        same = [s for s in admitted if _same_sentence(s, head) and _answering(s, when)]
        picked: list[Scored] = []
        for part in q.parts:
            stating = [s for s in same if coverage(part, s.clause.scope) >= PART_COVERAGE]
            if not stating:
                break
            picked.append(max(stating, key=lambda s: (coverage(part, s.clause.scope), s.score)))
        else:
            picked = [s for i, s in enumerate(picked) if s not in picked[:i]]
            total = sum(s.score for s in picked)
            if best is None or total > best[0]:
                best = (total, sorted(picked, key=_position))
    return best[1] if best else []


def _position(s: Scored) -> int:
    """Where a clause stands in its sentence (the sentence's order when quoting several)."""
    return compact(s.clause.sentence).find(s.clause.text)


def _clause_line(chosen: Sequence[Scored]) -> str:
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


def _primary_figure(s: Scored, when: bool) -> Figure | None:
    figures = _answering(s, when)
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


def _closest_evidence(q: Question, admitted: Sequence[Scored]) -> Scored | None:
    """The clause an absence quotes: the one naming the most specific indicator term (terms
    come longest first: 城镇清洁取暖比例 before 清洁取暖), else the best lexical evidence."""
    for term in indicator_terms(q):
        for s in sorted(admitted, key=lambda s: s.clause.rank):
            if term in s.clause.key:
                return s
    return max(admitted, key=lambda s: (s.lexical, -s.clause.rank)) if admitted else None


def _accepted(q: Question, admitted: Sequence[Scored], when: bool, options: ComposeOptions) -> list[Scored]:
    """The candidates that state a figure for what was asked, best first.

    When some candidate names the asked indicator (a lexicon synonym), only those that name
    it can answer: the top evidence for the indicator decides. Otherwise (wording the lexicon
    lacks) a clause answers by wording overlap, or by being the figure clause most similar to
    the question (embedding) with some wording in common."""
    figured = [s for s in admitted if _answering(s, when)]
    if any(s.named for s in admitted):
        return [s for s in figured if s.named and s.lexical >= options.accept]
    out = [s for s in figured if s.lexical >= options.accept]
    if figured and not metric_terms(q):  # a known metric the plan never names: no guessing
        # The figures here are about the question when one is this similar to it; the clause
        # that answers is then the best scored (wording and similarity) with some wording in common.
        worded = [s for s in figured if s.lexical >= options.similar_lexical]
        if worded and max(s.similarity for s in figured) >= options.similarity:
            nearest = max(worded, key=lambda s: s.score)
            if nearest not in out:
                out.append(nearest)
    return sorted(out, key=lambda s: -s.score)


def _earlier(q: Question, s: Scored) -> bool:
    """Whether the clause states its figures for a year before the one the question names: an
    achievement or a baseline ("2020年，…PM2.5年均浓度为41μg/m3") answers no "2025年…要降到多少"."""
    named = [int(y) for y in YEAR_DIGITS.findall(q.analysis.text)]  # "2025年、2030年各要…": the first
    asked = min(named) if q.analysis.year and named else None
    year = period_year(s.clause.period)
    return bool(asked and year and year < asked and not s.clause.chunk.tabular
                and any(f.kind != "deadline" for f in s.clause.figures))


def _possible_answers(city: str, name: str, shown: Sequence[Scored], items: list[tuple[Chunk, str, float]],
                      score: float) -> tuple[str, list[int]]:
    """An answer line showing figure clauses that may answer, not asserted ("请核对原文");
    their sentences are appended to `items` (the citations)."""
    refs = []
    for s in shown:
        refs.append(len(items))
        items.append((s.clause.chunk, s.clause.sentence, score))
    return f"{city}：" + UNSURE_TEXT.format(name=name) + "；".join(s.clause.text for s in shown) + "。", refs


def _evidence_answer(q: Question, hits: Sequence[Hit], targets: Mapping[str, Sequence[Target]],
                     cities: Sequence[str], vectors: ClauseVectors | None, options: ComposeOptions) -> Answer:
    """Figure and comparison answers composed from candidate clauses (assistant.clauses)."""
    parts: list[tuple[str, list[int]]] = []
    items: list[tuple[Chunk, str, float]] = []
    rows: list[TableRow] = []
    named = qualifiers(q) + area_qualifiers(q, targets, {h.chunk.city for h in hits})
    when = bool(ASKS_WHEN.search(q.analysis.text))
    compared: list[tuple[str, Figure]] = []
    name = _indicator_name(q)
    for city in cities:
        city_hits = _city_hits(hits, city)
        scored = score_clauses(q, candidate_clauses(city_hits, targets, options.depth), vectors,
                               options.similarity_weight)
        admitted = [s for s in scored if admits(s.clause, named, fold(q.analysis.text)) and not _earlier(q, s)]
        accepted = _accepted(q, admitted, when, options)
        if when:
            accepted.sort(key=lambda s: not any(f.kind == "deadline" for f in s.clause.figures))
        if accepted:
            chosen = _complete(q, accepted, admitted, when)
            # A place with several documents stating it: each document's figure, named by its
            # title (湖南省's 规划 and 意见 may set different figures); the best one first.
            documents = list(dict.fromkeys(s.clause.chunk.doc_id for s in accepted))[:MAX_DOCUMENTS]
            by_document = [chosen] + [
                _complete(q, [s for s in accepted if s.clause.chunk.doc_id == d],
                          [s for s in admitted if s.clause.chunk.doc_id == d], when)
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
        unsure = [] if naming else [s for s in admitted if _answering(s, when) and s.lexical >= options.unsure][:2]
        if unsure:
            # Figures that may answer but with too little evidence: show them, do not assert.
            parts.append(_possible_answers(city, name, unsure, items, city_hits[0].score))
        elif city_hits:
            # The closest evidence: the clause naming the indicator best (lexical), not the most similar figure.
            top = _closest_evidence(q, admitted)
            sentence = top.clause.sentence if top else _closest_sentence(q, city_hits[0].chunk)
            chunk = top.clause.chunk if top else city_hits[0].chunk
            names_it = any(t in fold(sentence) for t in indicator_terms(q))
            covers = coverage(q.topic, sentence) >= RELEVANCE_THRESHOLD
            # An absence is asserted on a clause that names the indicator, or that shares the
            # topic's wording and states no figure itself: "未给出具体数值" over a quote holding
            # "下降16%以上" would deny the figure it shows.
            quotes_figure = top is not None and bool(_answering(top, when))
            guesses = [] if indicator_terms(q) else [s for s in admitted if _answering(s, when)][:2]
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
    return _answer(q, kind, parts, items, rows if comparison else ())


def _measure_answer(q: Question, hits: Sequence[Hit], cities: Sequence[str],
                    vectors: ClauseVectors | None = None) -> Answer:
    parts: list[tuple[str, list[int]]] = []
    items: list[tuple[Chunk, str, float]] = []
    per_city = 2 if len(cities) <= 1 else 1
    query = " ".join((q.resolved, *q.analysis.expansions))
    similarity = (lambda texts: vectors.similarities(q.resolved, texts)) if vectors is not None else None
    for city in cities or (hits[0].chunk.city,):
        city_hits = _city_hits(hits, city)
        # A heading paragraph ("二、主要目标") names a topic and answers nothing, nor does a
        # paragraph that is only a responsibility note ("（责任单位：……）"): quote the body.
        body = [h for h in city_hits if h.chunk.kind != "heading" and not _only_note(h.chunk)] or city_hits
        for hit in body[:per_city]:
            sentence = with_elaboration(hit.chunk, best_sentence(hit.chunk, query, similarity))
            parts.append((f"{city}：{sentence}", [len(items)]))
            items.append((hit.chunk, sentence, hit.score))
    return _answer(q, "measure", parts, items)


def with_elaboration(chunk: Chunk, sentence: str) -> str:
    """A paragraph's opening sentence of one clause ("鼓励集中式复合光伏发展。") names the measure
    the sentences after it spell out ("在沿海地区，利用滩涂…；在内陆地区，…"): quoted with the next
    sentence (a verbatim span of the chunk's text). Any other sentence as it is."""
    sentences = body_sentences(chunk)
    if len(sentences) < 2 or sentence != sentences[0] or CLAUSE_BREAK.search(matching(sentence).rstrip("。.!?")):
        return sentence
    start = chunk.text.find(sentence)
    end = start + len(sentence)
    for following in sentences[1:]:  # up to the end of the next full sentence (past its ；)
        at = chunk.text.find(following, end)
        if start < 0 or at < 0 or chunk.text[end:at].strip():
            break
        end = at + len(following)
        if following.rstrip().endswith(("。", "！", "？", "!", "?")):
            break
    return chunk.text[start:end] if start >= 0 else sentence


def _only_note(chunk: Chunk) -> bool:
    return bool(chunk.sentences) and all(is_responsibility_note(x) for x in chunk.sentences)


def _responsibility_answer(q: Question, hits: Sequence[Hit], cities: Sequence[str],
                           following: Following | None) -> Answer:
    parts: list[tuple[str, list[int]]] = []
    items: list[tuple[Chunk, str, float]] = []
    for city in cities:
        for hit in _city_hits(hits, city)[:3]:
            candidates = [hit.chunk, *(following(hit.chunk) if following else ())]
            found = next(((c, cl) for c in candidates if (cl := responsibility_clause(c.text))), None)
            if found:
                chunk, clause = found
                refs = [len(items)]
                items.append((chunk, clause, hit.score))
                if chunk is not hit.chunk:  # cite the clause that was asked about, too
                    refs.append(len(items))
                    items.append((hit.chunk, best_sentence(hit.chunk, q.resolved), hit.score))
                parts.append((f"{city}：{clause.strip('（）()')}", refs))
                break
        else:
            parts.append((f"{city}方案的相关条文未写明牵头负责部门。", []))
    return _answer(q, "responsibility", parts, items)


def compose(
    q: Question,
    hits: Sequence[Hit],
    targets: Mapping[str, Sequence[Target]],
    all_cities: Sequence[str] = (),
    following: Following | None = None,
    vectors: ClauseVectors | None = None,
    options: ComposeOptions = DEFAULT_OPTIONS,
) -> Answer:
    """The answer to `q` from best-first `hits`; `targets` maps chunk ids to their targets."""
    if not q.analysis.text:
        return Answer(question=q.text, resolved_query="", kind="empty", text=EMPTY_TEXT)
    if not hits or not relevant(q, hits, vectors=vectors):
        return Answer(question=q.text, resolved_query=q.resolved, kind="not_found", text=NOT_FOUND_TEXT)
    cities = _answer_cities(q, hits, all_cities, targets)
    if q.analysis.kind == "figure" and not q.analysis.cities:
        cities = _evidence_city(q, hits, targets, vectors, options) or cities
    kind = q.analysis.kind
    if kind in ("figure", "comparison"):
        answer = _evidence_answer(q, hits, targets, cities, vectors, options)
    elif kind == "responsibility":
        answer = _responsibility_answer(q, hits, cities, following)
    else:
        answer = _measure_answer(q, hits, cities, vectors)
    if not answer.text or not figures_supported(answer):
        # Defensive: never show a number the citations do not contain.
        return _measure_answer(q, hits, cities, vectors)
    return answer
