"""Document metadata read from a plan's own text, each value with the line it came from.

Read (on display paragraphs, every rule on their matching text, so a plan in Traditional
script or with full-width digits reads the same):

- title: the plan's own title line (corpus.structure.detect_title);
- doc_number (文号): a line that is only a document number ("安府发〔2022〕17号", brackets
  〔〕 [] （） 【】 alike), or a header line "文号/发文字号/发布文号/索引号…：…";
- issuer: a header line "发文机关/发布机构/发文单位：…", else the signature line right above
  the signature date ("安顺市人民政府"), else the body named by the covering notice's title
  ("安顺市人民政府关于印发…的通知");
- date (成文/签发日期, ISO): a header line "成文日期/发文日期/印发日期/发布日期：…", else the
  date line under the issuing body ("2022年12月23日", also "二〇二二年十二月二十三日");
- implements: the documents cited in the plan's opening statement ("为深入贯彻落实
  《辽宁省人民政府关于印发…的通知》（辽政发〔2022〕16号）精神…"), title and number;
- meeting: "经市政府第N次常务会议审议通过" (and 研究同意 / 审定) where stated.

News leads are not read (a news site's words are not the plan's). `merge` keeps every value
given in the manifest or on `add` and fills only the empty fields.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from corpus.model import DocRef, DocumentMeta, MetaSource
from corpus.text import align, compact, matching

_BRACKETS = r"[〔\[（(【［]"
_CLOSE = r"[〕\]）)】］]"
DOC_NUMBER = rf"[\u4e00-\u9fff]{{1,12}}{_BRACKETS}\s*(?:19|20)\d{{2}}\s*{_CLOSE}\s*第?\s*\d{{1,4}}\s*号"
_DOC_NUMBER_RE = re.compile(DOC_NUMBER)
_NUMBER_LINE_RE = re.compile(rf"^(?:{DOC_NUMBER})$")
_HEADER_RE = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<value>.+)$")
_NUMBER_KEYS = ("文号", "发文字号", "发布文号", "发文文号", "文件编号", "字号")
_DATE_KEYS = ("成文日期", "签发日期", "发文日期", "印发日期", "发布日期", "公布日期")
_ISSUER_KEYS = ("发文机关", "发文单位", "发布机构", "发布机关", "印发机关", "制发机关")
_ISSUER_RE = re.compile(r"(?:人民政府|人民政府办公室|人民政府办公厅|政府办公室|政府办公厅|委员会|管理委员会|"
                        r"办公室|办公厅|局|厅|委|政府)$")
_DATE_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})\s*日?$")
_CN_DATE_RE = re.compile(r"^(?P<y>[〇零○一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})日$")
_NOTICE_RE = re.compile(r"^(?P<issuer>.{2,40}?)关于印发")
_REF_RE = re.compile(rf"《(?P<title>[^《》]{{4,120}})》\s*(?:[（(]\s*(?P<number>{DOC_NUMBER})\s*[）)])?")
_IMPLEMENT_VERBS = re.compile(r"贯彻|落实|根据|按照|依据|依照|遵照|对照")
_OPENING_END = re.compile(r"制定本|特制定|制订本|结合.{0,10}实际")
_MEETING_RE = re.compile(r"经(?P<meeting>[^，。；,;]{2,40}?会议)(?:审议|研究|审定|讨论)(?:通过|同意|决定)?")
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
FIELDS = ("title", "issuer", "doc_number", "date", "implements", "meeting")
# Paragraphs the header fields (number, signature, date) are looked for in: a covering notice
# and its signature come before the plan's first section; lines this far in are body text.
HEAD_PARAGRAPHS = 30


@dataclass(frozen=True)
class ReadMetadata:
    """What the text states; "" / () where it states nothing."""

    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    implements: tuple[DocRef, ...] = ()
    meeting: str = ""
    sources: tuple[MetaSource, ...] = ()


def read_metadata(texts: Sequence[str], is_lead: Sequence[bool] | None = None) -> ReadMetadata:
    """Metadata stated in the display paragraphs `texts` (leads, when marked, are skipped)."""
    from corpus.structure import detect_title

    lead = list(is_lead) if is_lead is not None else [False] * len(texts)
    own = [(i, t) for i, t in enumerate(texts) if not lead[i]]
    head = own[:HEAD_PARAGRAPHS]
    sources: list[MetaSource] = []
    found: dict[str, str] = {}

    def keep(name: str, value: str, line: str) -> None:
        if value and name not in found:
            found[name] = value
            sources.append(MetaSource(field=name, value=value, line=line))

    title = detect_title([t for _, t in own])
    if title:
        line = next((t for _, t in own if compact(t).strip("《》") == compact(title)),
                    next((t for _, t in own if title in t), title))
        keep("title", title, line)
    for _, text in head:  # header lines "文号：…", "成文日期：…", "发文机关：…"
        m = _HEADER_RE.match(matching(text))
        if not m:
            continue
        key, value = m.group("key"), _display_tail(text, m.start("value"))
        if key in _NUMBER_KEYS and _DOC_NUMBER_RE.search(matching(value)):
            keep("doc_number", _display_match(value, _DOC_NUMBER_RE), text)
        elif key in _DATE_KEYS and (iso := parse_date(value)):
            keep("date", iso, text)
        elif key in _ISSUER_KEYS:
            keep("issuer", value.strip(), text)
    for _, text in head:
        if _NUMBER_LINE_RE.match(compact(matching(text))):
            keep("doc_number", compact(text), text)
            break
    for pos, (_, text) in enumerate(head):  # the signature: issuer line, then the date line
        iso = parse_date(text)
        if not iso:
            continue
        above = compact(head[pos - 1][1]) if pos else ""
        if above and _ISSUER_RE.search(matching(above)) and len(above) <= 40:
            keep("issuer", above, head[pos - 1][1])
            keep("date", iso, text)
            break
    for _, text in head:  # "XX市人民政府关于印发…的通知": the notice names its issuer
        m = _NOTICE_RE.match(matching(compact(text)))
        if m and _ISSUER_RE.search(m.group("issuer")) and len(text) <= 80:
            keep("issuer", _display_prefix(compact(text), m.end("issuer")), text)
            break
    refs, ref_line = _implemented(own)
    for ref in refs:
        sources.append(MetaSource(field="implements", value=ref.number or ref.title, line=ref_line))
    for _, text in head:
        m = _MEETING_RE.search(matching(text))
        if m:
            meeting = _display_span(text, m.start("meeting"), m.end("meeting"))
            sentence = next((s for s in _sentences(text) if meeting in s), text)
            keep("meeting", meeting, sentence)
            break
    return ReadMetadata(title=found.get("title", ""), issuer=found.get("issuer", ""),
                        doc_number=found.get("doc_number", ""), date=found.get("date", ""),
                        implements=tuple(refs), meeting=found.get("meeting", ""), sources=tuple(sources))


def _implemented(own: Sequence[tuple[int, str]]) -> tuple[list[DocRef], str]:
    """The documents the plan's opening statement cites with an implementing verb, and the
    sentence citing them (display). The opening statement is the first paragraph that says
    it makes this plan (制定本方案 / 结合…实际)."""
    for _, text in own[:HEAD_PARAGRAPHS]:
        match = matching(text)
        if not _OPENING_END.search(match) or "《" not in match:
            continue
        refs: list[DocRef] = []
        lines: list[str] = []
        for sentence in _sentences(text):
            m_sentence = matching(sentence)
            for m in _REF_RE.finditer(m_sentence):
                before = m_sentence[max(0, m.start() - 40) : m.start()]
                if not _IMPLEMENT_VERBS.search(before) and not refs:
                    continue
                title = _display_span(sentence, m.start("title"), m.end("title"))
                number = compact(_display_span(sentence, m.start("number"), m.end("number"))) if m.group("number") else ""
                refs.append(DocRef(title=compact(title), number=number))
                if sentence not in lines:
                    lines.append(sentence)
        if refs:
            return refs, lines[0]
    return [], ""


def _sentences(text: str) -> list[str]:
    from corpus.chunker import split_sentences

    return list(split_sentences(text)) or [text]


def _display_span(text: str, start: int, end: int) -> str:
    """The display text behind the matching span [start, end) of `text`."""
    return align(text).display(start, end)


def _display_tail(text: str, start: int) -> str:
    aligned = align(text)
    return text[aligned.display_span(start, start + 1)[0]:] if start < len(aligned.text) else ""


def _display_prefix(text: str, end: int) -> str:
    return _display_span(text, 0, end)


def _display_match(text: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(matching(text))
    return compact(_display_span(text, m.start(), m.end())) if m else ""


def parse_date(text: str) -> str:
    """ISO date of a line that is only a date ("2022年12月23日", "2022-12-23",
    "二〇二二年十二月二十三日"); "" otherwise (or when it is not a valid date)."""
    import datetime as dt

    key = compact(matching(text))
    m = _DATE_RE.match(key)
    if m:
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    else:
        m = _CN_DATE_RE.match(key)
        if not m:
            return ""
        y = int("".join(str(_CN_DIGIT[c]) for c in m.group("y")))
        mo, d = _cn_number(m.group("m")), _cn_number(m.group("d"))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return ""


def _cn_number(text: str) -> int:
    """一..三十一 as an int."""
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def merge(meta: DocumentMeta, read: ReadMetadata) -> DocumentMeta:
    """`meta` with its empty fields filled from what the text states; the sources of the
    fields given (in the manifest, on `add`) are dropped: they were not read from a line."""
    given = {name for name in FIELDS if getattr(meta, name)}
    updates: dict[str, object] = {name: getattr(read, name) for name in FIELDS
                                  if name not in given and getattr(read, name)}
    kept = tuple(s for s in read.sources if s.field not in given or _same(meta, s))
    merged = {s for s in meta.sources}
    sources = tuple(meta.sources) + tuple(s for s in kept if s not in merged)
    return replace(meta, sources=sources, **updates)  # type: ignore[arg-type]


def _same(meta: DocumentMeta, source: MetaSource) -> bool:
    """A given value that the text states too keeps its line (it can still be cited)."""
    value = getattr(meta, source.field)
    key = compact(matching(source.value))
    if source.field == "implements":
        return any(key in (compact(matching(r.number)), compact(matching(r.title))) for r in value)
    return compact(matching(str(value))) == key
