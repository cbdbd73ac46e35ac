"""Quantitative targets ("到2025年，城镇清洁取暖率达到70%以上") extracted from chunks.

Rule-based and cheap (a few milliseconds over the corpus), so the assistant runs it when
it loads instead of persisting a second index. A target is read from the matching text
(`corpus.text`) of one clause of one display sentence, so 達到 reads 达到 and ７０％ reads
70%; the sentence and the clause are kept as displayed, for citation and quoting.

Clause shapes handled:
  A  [indicator][比2020年]?[力争]?VERB[力争]?NUMBER UNIT [以上|以下|左右|以内]?
     "全市单位地区生产总值能耗比2020年下降14.5%"
  A* "化学需氧量、氨氮…重点工程减排量分别达到0.7862万吨、0.009万吨…"  (one target per item)
  B  COUNT-VERB NUMBER UNIT [object]      "创建20家绿色工厂（园区）"
  C  [indicator] NUMBER UNIT (the figure ends the clause)
  F  [力争]?[完成|实现]? NUMBER UNIT 的? [object] (the figure before what it qualifies)
Table rows are read by `assistant.table_targets` (one target per value cell, with its column);
the `Target` record both readers produce is `assistant.target_model`'s.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields

from assistant.table_targets import table_targets
from assistant.target_model import Target
from corpus.language import (
    ALTERNATIVE_BASELINE,
    BASELINE,
    BOUND_VERB,
    CLAUSE_BREAK,
    COUNT_TARGET_UNIT,
    COUNT_VERB,
    PERIOD_PHRASE,
    RATE_UNIT,
    SERIES_HEAD,
    STRIVING,
    TARGET_LEAD_NOISE,
    TARGET_NUMBER,
    TARGET_SUFFIX,
    TARGET_UNIT,
    TARGET_VERB,
    TARGET_YEAR,
    YEAR_AT_END,
)
from corpus.model import Chunk
from corpus.places import same_city
from corpus.text import align, compact, fold, matching

# The grammar (numbers, units, verbs, years, clause breaks) is corpus.language's.
_FORM_A = re.compile(
    rf"(?P<pre>.*?)(?P<striving>{STRIVING})?(?P<verb>{TARGET_VERB})(?P<striving2>力争|确保)?\s*"
    rf"(?P<num>{TARGET_NUMBER})\s*(?P<unit>{TARGET_UNIT})?\s*(?P<suffix>{TARGET_SUFFIX})?"
)
_FORM_B = re.compile(
    rf"(?P<pre>.*?)(?P<verb>{COUNT_VERB})\s*(?P<num>{TARGET_NUMBER})\s*(?P<unit>{COUNT_TARGET_UNIT})"
    rf"\s*(?P<suffix>以上|左右)?(?P<obj>[^，；。、]*)"
)
# Clauses whose subject is an object of a condition ("对进水…浓度低于100毫克/升的…") state no target.
_NOT_A_SUBJECT = re.compile(r"对|对于|将|把|凡|除")
# C: "主要农作物绿色防控覆盖率50%以上" / "累计建成高标准农田255万亩": the figure ends the clause.
_FORM_C = re.compile(
    rf"^(?P<pre>\D{{2,30}}?)\[?(?P<num>{TARGET_NUMBER})\s*(?P<unit>{TARGET_UNIT})\]?\s*(?P<suffix>{TARGET_SUFFIX})?[。]?$"
)
# F: the figure comes before what it qualifies, with no verb in front of it ("完成X%的…目标",
# "X%…机关达到…要求"): the words after the figure name the target. One rule for the
# number-before-noun order, whatever the words.
_FORM_F = re.compile(
    rf"^(?P<striving>{STRIVING})?(?P<verb>完成|实现)?(?P<num>{TARGET_NUMBER})(?P<unit>{RATE_UNIT})的?(?P<obj>[^\d，；。、]{{4,40}}?)[。]?$"
)
_SERIES_ITEM = re.compile(rf"(?P<num>{TARGET_NUMBER})\s*(?P<unit>{TARGET_UNIT})?\s*(?P<suffix>{TARGET_SUFFIX})?")


def _compact(text: str) -> str:
    """Matching text without the spaces it keeps between Latin words (clauses are compact)."""
    return matching(text).replace(" ", "")


def _clean_indicator(text: str) -> str:
    text = BASELINE.sub("", text)
    text = TARGET_LEAD_NOISE.sub("", text)
    text = re.sub(r"(?:要|应|需|将|均|可|能|逐步|持续|长期|全部|全面|稳步|分别|均要|基本)+$", "", text)
    return text.strip("，,、 的")


def _qualifier(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _series(pre: str, verb: str, tail: str) -> list[tuple[str, str, str, str]] | None:
    """"A、B和C…分别达到x、y和z": (indicator, value, unit, suffix) per item, or None."""
    values: list[tuple[str, str, str]] = []
    pos = 0
    for m in _SERIES_ITEM.finditer(tail):
        between = tail[pos : m.start()]
        if values and not re.fullmatch(r"\s*(?:、|和|及|,|，)\s*", between):
            break
        if not values and between.strip():
            return None
        values.append((m.group("num"), m.group("unit") or "", m.group("suffix") or ""))
        pos = m.end()
    parts = re.split(r"(、|和|及)", _clean_indicator(pre))
    items = [p for p in parts[::2] if p]
    if len(values) < 2 or len(items) < len(values):
        return None
    while len(items) > len(values):
        # "清洁能源及新能源公交车、出租车比例" has 2 values: the leading items form one subject.
        i = parts.index(items[1], 1)
        merged = "".join(parts[: i + 1])
        parts = [merged] + parts[i + 1 :]
        items = [p for p in parts[::2] if p]
    head = SERIES_HEAD.search(items[-1])
    out = []
    for i, (item, (num, unit, suffix)) in enumerate(zip(items, values)):
        name = item if (i == len(items) - 1 or not head or item.endswith(head.group())) else item + head.group()
        out.append((name, num + unit, unit, suffix))
    return out


def _clause_targets(clause: str) -> list[dict]:
    """Targets stated in one compact clause, as Target keyword arguments."""
    found: list[dict] = []
    pos = 0
    last_indicator = ""
    while True:
        m = _FORM_A.search(clause, pos)
        if not m:
            break
        pre, verb = m.group("pre"), m.group("verb")
        baseline_m = BASELINE.search(pre)
        baseline = re.sub(r"\s+", "", baseline_m.group()) if baseline_m else ""
        if verb.startswith("分别"):
            series = _series(pre, verb, clause[m.start("num") :])
            if series:
                for name, value, unit, suffix in series:
                    found.append(dict(indicator=name, value=value, unit=unit, verb=verb,
                                      qualifier=_qualifier(m.group("striving"), suffix), baseline=baseline))
                break
        indicator = _clean_indicator(pre) or last_indicator
        if pre and re.fullmatch(r"或|和|并|且|或者|或在.*", pre.strip()) is None and _clean_indicator(pre):
            last_indicator = _clean_indicator(pre)
        if ALTERNATIVE_BASELINE.fullmatch(BASELINE.sub("", pre)) and last_indicator:
            indicator = last_indicator
        number = m.group("num")
        unit = m.group("unit") or ""
        plausible = bool(unit) or "." in number or verb in BOUND_VERB or verb in ("控制在", "为")
        if indicator and plausible and not _NOT_A_SUBJECT.match(indicator) and not YEAR_AT_END.search(number) and len(indicator) <= 40:
            found.append(dict(
                indicator=indicator, value=number.replace(" ", "") + unit, unit=unit, verb=verb,
                qualifier=_qualifier(m.group("striving") or m.group("striving2"),
                                     BOUND_VERB.get(verb), m.group("suffix")),
                baseline=baseline,
            ))
            last_indicator = indicator
        pos = m.end()
    if not found:
        m = _FORM_C.match(clause)
        if m and (indicator := _clean_indicator(m.group("pre"))) and not _NOT_A_SUBJECT.match(indicator):
            found.append(dict(indicator=indicator, value=m.group("num") + m.group("unit"), unit=m.group("unit"),
                              verb="", qualifier=_qualifier(m.group("suffix")), baseline=""))
    if not found:
        m = _FORM_F.match(clause)
        if m:
            found.append(dict(indicator=m.group("obj"), value=m.group("num") + m.group("unit"), unit=m.group("unit"),
                              verb=m.group("verb") or "", qualifier=_qualifier(m.group("striving")), baseline=""))
    if not found:
        m = _FORM_B.search(clause)
        if m and not YEAR_AT_END.search(m.group("num")):
            obj = m.group("obj").strip()
            if obj:
                found.append(dict(indicator=m.group("verb") + obj, value=m.group("num") + m.group("unit"),
                                  unit=m.group("unit"), verb=m.group("verb"),
                                  qualifier=_qualifier(m.group("suffix")), baseline=""))
    return found


def sentence_targets(sentence: str, chunk: Chunk, year: int | None = None) -> list[Target]:
    """Targets of one display sentence; `year` applies when the sentence names none."""
    out: list[Target] = []
    period = ""
    aligned = align(sentence)
    starts = [0, *(m.end() for m in CLAUSE_BREAK.finditer(aligned.text))]
    ends = [*(m.start() for m in CLAUSE_BREAK.finditer(aligned.text)), len(aligned.text)]
    for lo, hi in zip(starts, ends):
        clause = re.sub(r"\s+", "", aligned.text[lo:hi])
        if not clause:
            continue
        shown = compact(aligned.display(lo, hi))  # the clause as the plan writes it
        for ym in TARGET_YEAR.finditer(clause):
            if not re.search(rf"{ym.group(1)}年(?:基础|水平)", clause):
                year, period = int(ym.group(1)), ym.group().strip()
        period_m = PERIOD_PHRASE.search(clause)
        if period_m and not TARGET_YEAR.search(clause):
            year, period = 2025, period_m.group()
        if not re.search(r"\d", clause):
            continue
        for t in _clause_targets(clause):
            t["indicator"] = _as_displayed(t["indicator"], shown)
            out.append(Target(city=chunk.city, year=year, chunk_id=chunk.chunk_id, sentence=sentence,
                              clause=shown, period=period, **t))
    return out


def _as_displayed(name: str, shown: str) -> str:
    """A name read from a clause's matching text, in the characters the plan writes (script,
    width, brackets) when it is a span of the clause; else the name as read."""
    aligned = align(shown)
    start = aligned.text.find(name)
    return compact(aligned.display(start, start + len(name))) if start >= 0 and name else name


def _paragraph_year(chunk: Chunk) -> int | None:
    """The year a paragraph opens with ("到2025年，全市…"): it scopes every sentence after it."""
    m = TARGET_YEAR.match(_compact(chunk.match_text or chunk.text)[:12])
    return int(m.group(1)) if m else None


def extract_targets(chunks: Iterable[Chunk]) -> list[Target]:
    """Every quantitative target stated in the plans: clauses of paragraphs, table rows (one
    target per value cell: assistant.table_targets) and news leads, where a lead target that
    repeats one of the plan's own (same value, same indicator) yields to it (corpus.leads)."""
    chunks = list(chunks)
    rows = table_targets(chunks)
    targets: list[Target] = []
    for chunk in chunks:
        if chunk.chunk_id in rows:
            targets.extend(rows[chunk.chunk_id])
            continue
        if not re.search(r"\d", chunk.match_text or chunk.text):
            continue
        opening = _paragraph_year(chunk)
        year = opening
        for sentence in chunk.sentences or (chunk.text,):
            found = sentence_targets(sentence, chunk, year)
            targets.extend(found)
            # A run of target sentences shares its year ("到2025年，…达到70%以上。…低于10%。");
            # a sentence without targets ends the run.
            year = found[-1].year if found else opening
    return _leads_yield(targets, {c.chunk_id: c for c in chunks})


def _leads_yield(targets: list[Target], chunks: Mapping[str, Chunk]) -> list[Target]:
    """Targets read from a news lead, without those that restate the plan's own text: the same
    value for the same indicator as a target of the plan, or a clause that one of the plan's
    sentences repeats (near-duplicate on matching text, corpus.leads). The plan's clause is the
    one to cite; a figure only a lead states is kept."""
    from corpus.leads import BodyIndex

    lead_docs = {chunks[t.chunk_id].doc_id for t in targets if chunks[t.chunk_id].kind == "lead"}
    if not lead_docs:
        return targets
    own: dict[str, list[Target]] = {}
    for t in targets:
        if chunks[t.chunk_id].kind != "lead":
            own.setdefault(chunks[t.chunk_id].doc_id, []).append(t)
    bodies = {doc: BodyIndex(s for c in chunks.values() if c.doc_id == doc and c.kind != "lead"
                             for s in c.sentences) for doc in lead_docs}

    def repeated(t: Target) -> bool:
        doc = chunks[t.chunk_id].doc_id
        key = fold(t.indicator)
        same = any(o.value == t.value and (key in fold(o.indicator) or fold(o.indicator) in key)
                   for o in own.get(doc, ()))
        return same or bodies[doc].repeats(t.clause)

    return [t for t in targets if chunks[t.chunk_id].kind != "lead" or not repeated(t)]


def targets_table(
    targets: Iterable[Target], city: str | None = None, indicator: str | None = None
) -> list[Target]:
    """Targets of one city (铁岭 or 铁岭市) and/or whose indicator mentions `indicator` (or one
    of its synonyms)."""
    terms: tuple[str, ...] = ()
    if indicator:
        from assistant.understanding import group_of

        terms = tuple(fold(t) for t in group_of(matching(indicator)))
    rows = []
    for t in targets:
        if city and not same_city(t.city, city):
            continue
        if terms and not any(term in fold(t.indicator) for term in terms):
            continue
        rows.append(t)
    return rows


def targets_csv(targets: Sequence[Target], citations: Mapping[str, str] | None = None) -> str:
    """CSV text (UTF-8 with header) of `targets`, for spreadsheets; `citations` (chunk_id ->
    Chunk.citation) fills a readable `citation` column next to `chunk_id`."""
    names = [f.name for f in fields(Target)]
    names.insert(names.index("chunk_id") + 1, "citation")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for t in targets:
        row = {k: ("" if v is None else v) for k, v in asdict(t).items()}
        writer.writerow({**row, "citation": (citations or {}).get(t.chunk_id, "")})
    return buffer.getvalue()
