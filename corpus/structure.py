"""Document structure: line roles (titles, headings, captions, tables), news leads, sections.

Headings of Chinese government documents are numbered by level:
附件N (annex) > 第一章 > 第一节 > 一、 (or 第一条) > （一） > 1. / 1． > （1）. A heading may stand on its own line or open
a paragraph ("（一）重点行业绿色升级改造。以钢铁…"): then the words before the first 。 are the
heading text and the paragraph is body text of that section.

Every rule reads the matching text of a line (`corpus.text`), so a plan reposted in
Traditional script or with full-width digits has the same structure as its Simplified twin;
what the rules return (heading words, titles) is display text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from corpus.language import NOTICE_KINDS, TITLE_KINDS, TITLE_LINE_END, TITLE_NOTE
from corpus.model import ChunkKind
from corpus.text import align, matching, separates_words

Role = Literal["title", "heading", "inline", "caption", "table", "addressee", "text"]

_CN_NUM = "一二三四五六七八九十百零〇"
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str], str], ...] = (
    (0, re.compile(r"^附件\s*(\d{0,2})\s*[:：]?$"), "附件{}"),
    # 规划 and 办法: 第一章 / 第一部分 > 第一节 > 第一条 (an article is numbered like 一、)
    (1, re.compile(rf"^(第[{_CN_NUM}\d]{{1,4}}(?:章|部分|篇))"), "{}"),
    (2, re.compile(rf"^(第[{_CN_NUM}\d]{{1,4}}节)"), "{}"),
    (3, re.compile(rf"^(第[{_CN_NUM}\d]{{1,4}}条)"), "{}"),
    (3, re.compile(rf"^([{_CN_NUM}]{{1,4}})、"), "{}、"),
    (4, re.compile(rf"^[（(]\s*([{_CN_NUM}]{{1,4}})\s*[）)]"), "（{}）"),
    (5, re.compile(r"^(\d{1,2})\s*[.．、](?![\d.．])"), "{}."),
    (6, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]"), "（{}）"),
)
_HEADING_TEXT_END = "。！？!?"
_FIGURE_DIGIT = re.compile(r"[0-9０-９]")
MAX_PURE_HEADING = 60  # longer label-led lines without a sentence break are numbered prose
_NO_TITLE_CHARS = set("。；，,！？!?：:")
_ADDRESSEE_RE = re.compile(r"^各.{1,120}[：:]$")
MAX_TITLE = 80
MAX_CAPTION = 50
# News-site wrapping around a republished plan: lead text before the document, link trailer after.
_NEWS_MARKER_RE = re.compile(r"网讯|讯[:：]|全文如下|原文如下|记者|原标题|据.{0,12}报道|[！!]$")
_TRAILER_RE = re.compile(r"^(原文地址|原文链接|来源|责任编辑|编辑|原标题|文章来源)\s*[:：]")


@dataclass(frozen=True)
class Heading:
    level: int  # 0 annex, 1 第一章, 2 第一节, 3 一、 / 第一条, 4 （一）, 5 1., 6 （1）
    label: str  # canonical compact label: "附件2", "三、", "（三）", "1.", "（1）"
    text: str  # heading words without the label, e.g. "重点行业绿色升级改造"
    inline: bool  # body text follows the heading in the same paragraph

    @property
    def full(self) -> str:
        return self.text if self.level == 0 else f"{self.label}{self.text}"


def parse_heading(text: str) -> Heading | None:
    """The numbered heading that opens `text` (display text), if any."""
    aligned = align(text)
    for level, pattern, template in _HEADING_PATTERNS:
        m = pattern.match(aligned.text)
        if not m:
            continue
        label = template.format(m.group(1))
        if level == 0:
            return Heading(level, label, label, inline=False)
        if label.endswith("条"):  # an article: its words are the body, the label its section
            return Heading(level, label, "", inline=bool(text[aligned.display_span(0, m.end())[1]:].strip()))
        rest = text[aligned.display_span(0, m.end())[1] :].strip()
        if not rest:
            return Heading(level, label, "", inline=False)
        cut = next((i for i, ch in enumerate(rest) if ch in _HEADING_TEXT_END), None)
        if cut is not None and rest[cut + 1 :].strip():
            return Heading(level, label, rest[:cut], inline=True)
        if rest[-1] in _HEADING_TEXT_END and _FIGURE_DIGIT.search(rest):
            # "五、本方案自2021年10月8日起实施，有效期5年。": a numbered sentence stating a figure
            # is the section's paragraph, not its name
            return Heading(level, label, "", inline=True)
        if len(rest) <= MAX_PURE_HEADING:
            return Heading(level, label, rest.rstrip(_HEADING_TEXT_END), inline=False)
        return Heading(level, label, rest[:MAX_PURE_HEADING // 2] + "…", inline=True)
    return None


def is_title_line(text: str) -> bool:
    """A document title line such as 铁岭市“十四五”节能减排综合工作方案 or the notice title."""
    if len(text) > MAX_TITLE or _NO_TITLE_CHARS & set(text) or "\t" in text:
        return False
    match = matching(text)
    return bool(TITLE_LINE_END.search(match)) and parse_heading(text) is None and not match.startswith("各")


def classify(texts: Sequence[str], tabular: Sequence[bool] | None = None) -> list[Role]:
    """Role of each line/paragraph; captions are short unpunctuated lines just before a table.

    `tabular[i]` marks table rows whose cells were tab-separated in the source (a row such as
    "能源\t\t\t" loses its tabs once stripped); by default a tab in the text marks a row.
    """
    rows = list(tabular) if tabular is not None else ["\t" in t for t in texts]
    roles: list[Role] = []
    for text, row in zip(texts, rows, strict=True):
        heading = parse_heading(text)
        if row or "\t" in text:
            roles.append("table")
        elif heading is not None:
            roles.append("inline" if heading.inline else "heading")
        elif is_title_line(text):
            roles.append("title")
        elif _ADDRESSEE_RE.match(matching(text)):
            roles.append("addressee")
        else:
            roles.append("text")
    for i, text in enumerate(texts):
        ahead = texts[i + 1 : i + 3]
        # A title-like line right above a table ("…指标计划") is the table's caption.
        if roles[i] in ("text", "title") and _looks_like_caption(text) and any("\t" in t for t in ahead):
            roles[i] = "caption"
        elif roles[i] == "heading" and _is_item(text, texts[i + 1] if i + 1 < len(texts) else None):
            roles[i] = "inline"
    return roles


def _is_item(text: str, following: str | None) -> bool:
    """A numbered sentence with nothing under it: a list item of a 工作要点 ("39.推动广阳湾智创
    生态城打造近零碳示范区。" then "40.…"), not a section's name. A heading names the text that
    follows it; a sentence (closed by 。) followed at once by a heading of its own level or
    above has none."""
    if not text.rstrip().endswith("。") or following is None:
        return False
    this, after = parse_heading(text), parse_heading(following)
    return this is not None and after is not None and after.level <= this.level


def _looks_like_caption(text: str) -> bool:
    return len(text) <= MAX_CAPTION and not (_NO_TITLE_CHARS & set(text)) and not text.startswith(("（", "("))


def lead_indices(texts: Sequence[str], roles: Sequence[Role]) -> set[int]:
    """Paragraphs of news-style wrapping: text before the document proper (when it carries news
    markers such as "炉具网讯：" or "全文如下：") and link trailers such as "原文地址：…"."""
    start = next((i for i, r in enumerate(roles) if r in ("title", "heading", "inline", "addressee")), None)
    lead: set[int] = set()
    if start:
        if any(_NEWS_MARKER_RE.search(matching(texts[i])) for i in range(start)):
            lead.update(range(start))
    lead.update(i for i, t in enumerate(texts) if _TRAILER_RE.match(matching(t)))
    return lead


# --- the document's title -------------------------------------------------------------------
# Titles read for metadata end with a document kind: a broader list than `TITLE_LINE_END` (which
# also decides a line's role for chunking and must not change). corpus.language.DOC_KINDS
# documents the kinds; TITLE_KINDS and TITLE_NOTE are corpus.language's.
_KIND_RE = re.compile(rf"(?:{'|'.join(TITLE_KINDS)})(?:{TITLE_NOTE})?[》〉>]?(?:{TITLE_NOTE})?$")
_NOTICE_END_RE = re.compile(rf"(?:{'|'.join(NOTICE_KINDS)})[》〉>]?$")
_NOTE_LINE_RE = re.compile(rf"^{TITLE_NOTE}$")
MAX_TITLE_LINES = 5  # a title printed over this many lines at most
MAX_JOINED_TITLE = 140
# Lines that never belong to a title: a red-head ("…文件", "规章"), a document number, a date,
# a page number, the opening words of a sentence.
_NOT_TITLE_PIECE_RE = re.compile(
    r"(?:文件|规章|^令)$|〔.{0,6}〕.{0,6}号$|[\[【(（]\s*(?:19|20)\d{2}\s*[\]】)）].{0,6}号$|"
    r"^[\d\s年月日.\-/〇零○一二三四五六七八九十]+$|^(?:目录|前言)$|"
    r"^(?:为(?:认真|深入|贯彻|全面|进一步|加快|推动|落实|切实)|根据|按照|依据|现将|经)")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# Covering notices: "X关于印发Y的通知", "X转发Y的通知"; a title naming the document it issues:
# "X印发《Y》", "X《Y》".
_COVERING_RE = re.compile(r"^(?P<issuer>.*?)(?:关于)?(?:印发|转发)(?P<doc>.+)的(?:通知|函)$")
_NAMED_RE = re.compile(r"^(?P<issuer>[^《》]+?)(?:印发|发布|转发)?(?P<doc>《[^《》]+[》〉])$")


@dataclass(frozen=True)
class TitleBlock:
    """A title as printed on one or several consecutive lines."""

    text: str  # the lines joined (display), empty quote pairs left by the conversion removed
    start: int  # first line (index into the texts searched)
    end: int  # one past the last line

    @property
    def is_notice(self) -> bool:
        """A notice, letter or announcement (…的通知, …的函, …公告)."""
        return bool(_NOTICE_END_RE.search(matching(self.text)))

    @property
    def is_covering(self) -> bool:
        """A notice issuing another document ("…关于印发X的通知"), or a title naming the
        document it issues ("X印发《Y》")."""
        match = matching(self.text)
        return bool(_COVERING_RE.match(match) or (_NAMED_RE.match(match) and "关于" not in match[:2]))

    @property
    def covered(self) -> str:
        """The document a covering notice issues ("关于印发X的通知" -> X, without book-title
        marks); "" when this is no covering notice or what it issues is not one titled document
        ("关于印发《指南》及组织申报项目的通知")."""
        return covered_title(self.text)


def covered_title(text: str) -> str:
    """X of "…关于印发X的通知" / "…转发X的通知" / "…印发《X》" when X is one document's title."""
    m = _COVERING_RE.match(text) or _NAMED_RE.match(text)
    if not m:
        return ""
    doc = m.group("doc").strip()
    if doc[:1] in "《〈<":
        inner = doc[1:]
        if not inner or inner[-1] not in "》〉>" or any(c in inner[:-1] for c in "《》〈〉"):
            return ""
        doc = inner[:-1]
    doc = doc.strip()
    return doc if _KIND_RE.search(matching(doc)) else ""


# What a web page or a conversion appends to a title line: its document number in brackets, a
# publication time, the source ("…的实施意见（桂政发〔2021〕27号）2021-09-15 11:15来源：…").
_TITLE_TAIL_RE = re.compile(
    r"(?:\s*(?:[（(]\s*[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号\s*[）)]|"
    r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?|(?:来源|发布时间|发布日期|时间)[:：].*))+$")


_GLUED_NUMBER_RE = re.compile(rf"^(?P<title>.*(?:{'|'.join(TITLE_KINDS)})[》〉]?)(?P<number>[\u4e00-\u9fff]{{1,10}}\s*"
                              r"[〔\[［【]\s*(?:19|20)\d{2}\s*[〕\]］】]\s*第?\s*\d{1,4}\s*号)$")


_INNER_NUMBER_RE = re.compile(r"[（(]\s*[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号"
                              r"\s*[）)]")


def title_text(line: str) -> str:
    """A title line without what a web page or conversion appended to it (its document number
    in brackets or glued on, a time stamp, "来源：…", and what follows a bracketed number: the
    addressee the conversion joined to the title)."""
    inner = _INNER_NUMBER_RE.search(line)
    if inner and inner.start() > 0:
        line = line[: inner.end()]
    trimmed = _TITLE_TAIL_RE.sub("", line).strip()
    glued = _GLUED_NUMBER_RE.match(trimmed)
    if glued:
        trimmed = glued.group("title")
    return trimmed if trimmed else line


def _title_piece(text: str, allow_tabs: bool) -> bool:
    """A line that can be (part of) a title: short, no sentence punctuation, no heading label,
    not a date, number, page number or red-head, some Chinese."""
    if "\t" in text and not allow_tabs:
        return False
    flat = title_text(text.replace("\t", "").strip())
    match = matching(flat)
    if not match or len(match) > MAX_TITLE or _NO_TITLE_CHARS & set(match) or match.startswith("各"):
        return False
    if parse_heading(flat) is not None or _NOT_TITLE_PIECE_RE.search(match) or not _CJK_RE.search(match):
        return False
    # a remark in brackets ("（此件公开发布）") or a truncated fragment ("…的通知") is no title
    return not (match[0] in "(（" and match[-1] in ")）") and not match.startswith(("…", "..."))


def _join_title(lines: Sequence[str]) -> str:
    out = ""
    for line in lines:
        piece = re.sub(r"\s+", " ", title_text(line.replace("\t", "").strip()))
        if out and piece and not separates_words(out[-1], piece[0]):
            out += piece
        else:
            out = f"{out} {piece}" if out and piece else out + piece
    return out.replace("“”", "").replace('""', "").strip()


_INNER_KIND_RE = re.compile(rf"(?:{'|'.join(TITLE_KINDS)})(?:{TITLE_NOTE})?[》〉]?")


def _glued_title(text: str) -> str:
    """The title a line starts with when the conversion glued the next line to it: a document
    kind followed by a name that opens with a place ("广州市生态环境保护条例广州市第十五届人民代表
    大会" -> 广州市生态环境保护条例); "" when there is none."""
    from corpus.divisions import find_places

    match = matching(text)
    for m in _INNER_KIND_RE.finditer(match):
        rest = match[m.end():]
        if m.end() < 6 or len(rest) < 2 or rest.startswith("的"):
            continue
        places = find_places(rest[:12])
        if places and places[0].start == 0:
            return align(text).display(0, m.end())
    return ""


def _title_at(texts: Sequence[str], i: int, stop: int) -> TitleBlock | None:
    """The title printed from line i on (None if none): the shortest run of title lines that
    ends with a document kind, run on to a notice ending when the next lines complete one
    ("…关于印发" / "X方案" / "的通知"), plus a note line such as （试行）."""
    if not _title_piece(texts[i], allow_tabs=i < 5):
        return None
    glued = _glued_title(title_text(texts[i]))
    if glued:
        return TitleBlock(_join_title([glued]), i, i + 1)
    lines: list[str] = []
    found: TitleBlock | None = None
    for j in range(i, min(i + MAX_TITLE_LINES, stop)):
        if not _title_piece(texts[j], allow_tabs=j < 5):
            break
        lines.append(texts[j])
        joined = _join_title(lines)
        if len(joined) > MAX_JOINED_TITLE:
            break
        match = matching(joined)
        if found is None and _KIND_RE.search(match):
            found = TitleBlock(joined, i, j + 1)
            if _NOTICE_END_RE.search(match):
                break
        elif found is not None and re.search(r"的(?:通知|函)$", match):
            found = TitleBlock(joined, i, j + 1)  # "…工作方案" + "的通知": the notice's title
            break
    if found is None:
        return None
    if found.end < stop and _NOTE_LINE_RE.match(matching(texts[found.end]).replace(" ", "")):
        found = TitleBlock(_join_title([*texts[found.start:found.end], texts[found.end]]), found.start, found.end + 1)
    return found


def title_blocks(texts: Sequence[str], start: int = 0, stop: int | None = None) -> list[TitleBlock]:
    """Titles printed in texts[start:stop], one or several consecutive lines each
    ("山东省“十四五”" / "生态环境保护规划"), in reading order, not overlapping. A title ends
    with a document kind (TITLE_KINDS), possibly with a note such as （试行） on its own line."""
    stop = len(texts) if stop is None else min(stop, len(texts))
    blocks: list[TitleBlock] = []
    i = start
    while i < stop:
        found = _title_at(texts, i, stop)
        if found is None:
            i += 1
            continue
        blocks.append(found)
        i = found.end
    return blocks


@dataclass(frozen=True)
class TitleReading:
    title: str  # the document's own title, without outer book-title marks; "" if none
    block: TitleBlock | None  # where it was read (None when only a 《…》 reference named it)
    notice: TitleBlock | None  # the covering notice or the notice that is the document, if any
    line: int = -1  # the line it was read from (first line of its block)


_ISSUED_RE = re.compile(r"《(?P<doc>[^《》]{4,100})》[^。《]{0,40}?(?:现(?:予)?印发|印发给|现予发布|现转发|转发给)|"
                        r"(?:制定|制订|印发|出台)了?《(?P<made>[^《》]{4,100})》")
HEAD_LINES = 60  # the title is looked for in this many first lines, and before the first 一、


def find_title(texts: Sequence[str]) -> TitleReading:
    """The document's own title and the notice around it.

    The first title at the top is either the document's own (→ its title) or a notice. A
    covering notice ("…关于印发X的通知", "X印发《Y》") is followed by the document it issues: its
    own title printed after the notice is the title, else X. Any other notice is itself the
    document. With no title printed, the document named where the text issues it
    ("现将《X》印发给你们")."""
    stop = min(len(texts), HEAD_LINES)
    first_section = next((i for i, t in enumerate(texts[:stop]) if _opens_body(t)), stop)
    blocks = title_blocks(texts, 0, max(first_section, 1))
    if blocks:
        first = blocks[0]
        if first.is_covering:
            own = next((b for b in blocks[1:] if not b.is_notice and not b.is_covering), None)
            if own is not None:
                return TitleReading(_bare(own.text), own, first, own.start)
            if first.covered:
                return TitleReading(_bare(first.covered), first, first, first.start)
        return TitleReading(_bare(first.text), first, first if first.is_notice else None, first.start)
    for i in range(stop):
        window = "".join(matching(t) for t in texts[i : i + 3])
        m = _ISSUED_RE.search(window)
        doc = m.group("doc") or m.group("made") if m else ""
        if m and m.start() < len(matching(texts[i])) and _KIND_RE.search(doc):
            return TitleReading(_bare(doc), None, None, i)
    return TitleReading("", None, None)


def _opens_body(text: str) -> bool:
    """The first section of the body text: 一、 or 第一章 (whatever level numbers they get)."""
    heading = parse_heading(text)
    return heading is not None and heading.label.endswith(("、", "章", "部分", "篇"))


def _bare(title: str) -> str:
    title = title.strip()
    if title[:1] in "《〈" and title[-1:] in "》〉" and not any(c in title[1:-1] for c in "《》〈〉"):
        title = title[1:-1]
    return title.strip("《》").strip()


def detect_title(texts: Sequence[str]) -> str:
    """The document's own title (find_title); "" if none."""
    return find_title(texts).title


@dataclass(frozen=True)
class ParagraphInfo:
    kind: ChunkKind
    section: tuple[str, ...]
    section_path: str
    section_paragraph: int


def annotate(texts: Sequence[str], tabular: Sequence[bool] | None = None) -> list[ParagraphInfo]:
    """Kind, section and in-section ordinal of every paragraph, in order.

    A pure heading line is the first paragraph of its own section; body paragraphs are
    numbered from 1 after it, so citations read 第1段 for the first body paragraph.
    Leads are numbered on their own; titles and the notice before 一、 are preamble ("").
    The body paragraphs of a covering notice printed before the document it issues ("…关于印发
    X的通知", its addressees, "现印发给你们", "附件：《X》", its 落款) are of kind "notice":
    the notice's, not the document's own text.
    """
    roles = classify(texts, tabular)
    lead = lead_indices(texts, roles)
    notice_end = covering_notice_end(texts)
    stack: list[Heading] = []
    counters: dict[object, int] = {}
    section_key: object = "preamble"
    infos: list[ParagraphInfo] = []
    for i, (text, role) in enumerate(zip(texts, roles, strict=True)):
        if i in lead:
            counters["lead"] = counters.get("lead", 0) + 1
            infos.append(ParagraphInfo("lead", (), "", counters["lead"]))
            continue
        heading = _section_heading(text, role, stack)
        if role == "title":
            stack.clear()
            section_key = "preamble"
        elif heading is not None:
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            stack.append(heading)
            section_key = object()  # a new section instance, even if its label repeats
            counters[section_key] = 0
        section = tuple(h.full for h in stack)
        path = "".join(h.label for h in stack)
        if role in ("title", "heading", "caption"):
            infos.append(ParagraphInfo("heading", section, path, 1))
            continue
        counters[section_key] = counters.get(section_key, 0) + 1
        infos.append(ParagraphInfo("notice" if i < notice_end else "body", section, path, counters[section_key]))
    return infos


def covering_notice_end(texts: Sequence[str]) -> int:
    """The index of the issued document's own title when a covering notice is printed before
    it (find_title: the notice's title block, then the document's own), else 0."""
    reading = find_title(texts)
    notice, own = reading.notice, reading.block
    if notice is None or own is None or own is notice or not notice.is_covering or own.start <= notice.start:
        return 0
    return own.start


def _section_heading(text: str, role: Role, stack: Sequence[Heading]) -> Heading | None:
    if role in ("heading", "inline"):
        return parse_heading(text)
    if role == "caption":
        # A table caption opens its own section: under the current annex, else as a bare 附表.
        if stack and stack[0].level == 0:
            return Heading(1, "", text, inline=False)
        return Heading(0, "附表", text, inline=False)
    return None
