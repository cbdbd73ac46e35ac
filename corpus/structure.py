"""Document structure: line roles (titles, headings, captions, tables), news leads, sections.

Headings of Chinese government documents are numbered by level:
附件N (annex) > 一、 > （一） > 1. / 1． > （1）. A heading may stand on its own line or open
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

from corpus.text import align, matching

Role = Literal["title", "heading", "inline", "caption", "table", "addressee", "text"]

_CN_NUM = "一二三四五六七八九十百零〇"
_HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str], str], ...] = (
    (0, re.compile(r"^附件\s*(\d{0,2})\s*[:：]?$"), "附件{}"),
    (1, re.compile(rf"^([{_CN_NUM}]{{1,4}})、"), "{}、"),
    (2, re.compile(rf"^[（(]\s*([{_CN_NUM}]{{1,4}})\s*[）)]"), "（{}）"),
    (3, re.compile(r"^(\d{1,2})\s*[.．、](?![\d.．])"), "{}."),
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]"), "（{}）"),
)
_HEADING_TEXT_END = "。！？!?"
MAX_PURE_HEADING = 60  # longer label-led lines without a sentence break are numbered prose
_TITLE_RE = re.compile(
    r"(方案|通知|意见|办法|规划|计划|决定|细则|规定|要点|纲要|公告|通告|批复|函)([（(][^）)]{1,10}[）)])?》?$"
)
_NO_TITLE_CHARS = set("。；，,！？!?：:")
_ADDRESSEE_RE = re.compile(r"^各.{1,120}[：:]$")
MAX_TITLE = 80
MAX_CAPTION = 50
# News-site wrapping around a republished plan: lead text before the document, link trailer after.
_NEWS_MARKER_RE = re.compile(r"网讯|讯[:：]|全文如下|原文如下|记者|原标题|据.{0,12}报道|[！!]$")
_TRAILER_RE = re.compile(r"^(原文地址|原文链接|来源|责任编辑|编辑|原标题|文章来源)\s*[:：]")


@dataclass(frozen=True)
class Heading:
    level: int  # 0 annex, 1 一、, 2 （一）, 3 1., 4 （1）
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
        rest = text[aligned.display_span(0, m.end())[1] :].strip()
        if not rest:
            return Heading(level, label, "", inline=False)
        cut = next((i for i, ch in enumerate(rest) if ch in _HEADING_TEXT_END), None)
        if cut is not None and rest[cut + 1 :].strip():
            return Heading(level, label, rest[:cut], inline=True)
        if len(rest) <= MAX_PURE_HEADING:
            return Heading(level, label, rest.rstrip(_HEADING_TEXT_END), inline=False)
        return Heading(level, label, rest[:MAX_PURE_HEADING // 2] + "…", inline=True)
    return None


def is_title_line(text: str) -> bool:
    """A document title line such as 铁岭市“十四五”节能减排综合工作方案 or the notice title."""
    if len(text) > MAX_TITLE or _NO_TITLE_CHARS & set(text) or "\t" in text:
        return False
    match = matching(text)
    return bool(_TITLE_RE.search(match)) and parse_heading(text) is None and not match.startswith("各")


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
    return roles


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


def detect_title(texts: Sequence[str]) -> str:
    """The plan's own title: the first title line that is not a covering notice; "" if none."""
    titles = [t for t in texts if is_title_line(t)]
    own = [t for t in titles if not matching(t).endswith(("通知", "函"))]
    chosen = (own or titles or [""])[0]
    return chosen.strip("《》")


@dataclass(frozen=True)
class ParagraphInfo:
    kind: Literal["body", "heading", "lead"]
    section: tuple[str, ...]
    section_path: str
    section_paragraph: int


def annotate(texts: Sequence[str], tabular: Sequence[bool] | None = None) -> list[ParagraphInfo]:
    """Kind, section and in-section ordinal of every paragraph, in order.

    A pure heading line is the first paragraph of its own section; body paragraphs are
    numbered from 1 after it, so citations read 第1段 for the first body paragraph.
    Leads are numbered on their own; titles and the notice before 一、 are preamble ("").
    """
    roles = classify(texts, tabular)
    lead = lead_indices(texts, roles)
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
        infos.append(ParagraphInfo("body", section, path, counters[section_key]))
    return infos


def _section_heading(text: str, role: Role, stack: Sequence[Heading]) -> Heading | None:
    if role in ("heading", "inline"):
        return parse_heading(text)
    if role == "caption":
        # A table caption opens its own section: under the current annex, else as a bare 附表.
        if stack and stack[0].level == 0:
            return Heading(1, "", text, inline=False)
        return Heading(0, "附表", text, inline=False)
    return None
