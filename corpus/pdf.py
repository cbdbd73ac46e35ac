"""PDF -> the paragraphs a person sees, each with the pages it came from.

Real government PDFs come from many producers (Word and WPS exports, ABBYY-rebuilt scans, PDFs
whose digits sit in a second font with its own baseline). The reader works on characters
(pdfplumber, on pdfminer.six) and decides everything per page, from that page's geometry:

1. Tables found from their ruling lines (pdfplumber `find_tables`, at least 2 rows x 2
   columns) become rows, cells tab-separated, spanned cells empty. Only what is drawn rules a
   table (a white box under a line of text does not), and boxes around the lines of running
   text (most rows one cell of sentence) are paragraphs, not a table. A table that continues on
   the next page simply continues: its rows follow the previous page's rows once the running
   header and footer between them are dropped, and a repeated header row is dropped.
2. The other characters become lines. They are grouped in content-stream order (a line ends
   where the next character jumps back to the left or far down), which keeps digits of a
   second font on their line; when the stream is not in reading order (more fragments than the
   position-sorted lines), pdfplumber's position-sorted lines are used instead.
3. Running headers and footers (lines in the top or bottom band that repeat, digits aside, on
   several pages) and page numbers ("- 3 -", "第3页", "3") are dropped.
4. Lines are joined into paragraphs with geometry and punctuation together: a line that runs
   to the page's right margin continues on the next line unless that one is indented, starts
   a heading or list item (一、 （一） 1. 第一条 专栏 附件 …), changes font size, or stands
   after a wide gap; a line that stops short continues only when it stops mid-sentence,
   runs past most of the width and the next line is not indented. The same rule joins the last
   line of a page to the first line of the next. Title lines (larger type, first page) are
   joined to each other.

`read_pdf` returns the text (one paragraph or table row per line, as every reader does) and
`page_marks`: the offsets where each page's text begins, so a chunk knows its pages.
Pages with no characters, or whose text layer is mojibake (corpus.pdf_checks), are OCR'd when
the `ocr` extra is installed (corpus.ocr), else left empty and named (a file with no readable
page at all is refused, naming the pages).
"""
from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpus.clean import ends_sentence, one_line
from corpus.errors import IngestError
from corpus.text import compact, matching

# Bands (share of the page height) where running headers, footers and page numbers live.
HEADER_BAND, FOOTER_BAND = 0.15, 0.15
# Page numbers ("- 3 -", split into pieces when drawn right to left) are looked for in a wider band.
NUMBER_BAND = 0.18
# A header/footer line repeats (digits aside) on at least this share of the pages (and 2).
REPEAT_SHARE = 0.3
PAGE_NUMBER_RE = re.compile(
    r"^[-—–－_·•\s]*(?:第\s*)?[\d０-９]{1,4}(?:\s*页)?(?:\s*[/／共]\s*[\d０-９]{1,4}\s*页?)?[-—–－_·•\s]*$"
    r"|^[-—–－\s]*[IVXLⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]{1,5}[-—–－\s]*$|^[-—–－_·•\s]+$"
)
# A line that starts a new paragraph whatever the geometry: numbered headings and list items
# (corpus.structure reads the same labels), articles, chapters, boxes, annexes, a table's unit
# note "（单位：吨）".
_CN = "一二三四五六七八九十百零〇两"
STARTS_NEW_RE = re.compile(
    rf"^(?:[{_CN}]{{1,4}}[、.．]|[（(]\s*[{_CN}\d]{{1,3}}\s*[）)]|\d{{1,2}}\s*[.．、](?![\d.．])"
    rf"|第[{_CN}\d]{{1,4}}[章节条部分篇]|专栏\s*[\d{_CN}]{{0,3}}|附件\s*\d{{0,2}}\s*[:：]?$|附件[:：]|附表"
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|[●■◆▲•·]\s*|[（(]\s*单位\s*[:：])"
)
SENTENCE_END = "。！？；：!?;:"
# A line that is only a document number (文号), e.g. 安府发〔2022〕17号.
_DOC_NUMBER_LINE_RE = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[（(【［]\s*(?:19|20)\d{2}\s*[〕\]）)】］]\s*第?\s*\d{1,4}\s*号$")
# A 落款 line: the issuing body's name alone, or a date alone.
_SIGNATURE_RE = re.compile(r"^(?:[\u4e00-\u9fff（）()]{2,30}(?:人民政府|委员会|办公厅|办公室|政府|厅|局|委|部|署|院|中心)"
                           r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$")
# Most pages one file may have OCR'd (about 5 s a page on two cores, corpus.ocr).
MAX_OCR_PAGES = 60
# Blank-looking characters some producers use as spaces (Hangul fillers, braille blank).
_FILLER_RE = re.compile("[\u115f\u1160\u3164\uffa0\u2800]+")
# A table-of-contents entry: dot leaders then a page number ("第一章 总则……3").
TOC_RE = re.compile(r"(?:[.·…．。]\s*){4,}\s*[\d０-９]{1,3}\s*$|[.·…．]{6,}")
# A page number printed at the end or start of a page's last or first line ("…综合治-2-").
_INLINE_NUMBER_RE = re.compile(r"(?:^[-—–－]\s*(?P<a>\d{1,4})\s*[-—–－]\s*|\s*[-—–－]\s*(?P<b>\d{1,4})\s*[-—–－]$)")
# Title type is at most this many times the body's size; larger is a letterhead (红头).
TITLE_MAX_SCALE = 1.9
# Some producers' fonts (Founder's E-BZ) map the decimal point to a private-use code point:
# "４６\U001011B0２" is 46.2. Between two digits a private-use character can only be that point.
_PUA_DECIMAL_RE = re.compile(r"(?<=[0-9０-９])[\ue000-\uf8ff\U000f0000-\U0010fffd](?=[0-9０-９])")
_CLOSERS = "”’」』）)〕】》]"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    ocr: bool = False

    @property
    def head(self) -> str:
        return self.text.lstrip()


@dataclass
class _Row:
    cells: list[str]
    top: float
    page: int


@dataclass
class _Page:
    number: int
    width: float
    height: float
    items: list[Any] = field(default_factory=list)  # _Line | _Row, top to bottom
    left: float = 0.0
    right: float = 0.0
    size: float = 10.0
    gap: float = 5.0
    chars: int = 0
    images: int = 0
    ocr: bool = False
    blocks: dict[int, Any] = field(default_factory=dict)  # rounded type size -> _Block

    def block(self, size: float) -> Any:
        """The geometry of text of this size (the body's when the size has too few lines)."""
        return self.blocks.get(round(size)) or self.blocks.get(round(self.size)) or _Block(
            self.left, self.right, self.gap, self.size)


@dataclass(frozen=True)
class PdfText:
    """What a PDF reads as: text (one paragraph or row per line), where each page begins."""

    text: str
    pages: int
    page_marks: tuple[tuple[int, int], ...]  # (offset into text, 1-based page), ascending
    ocr_pages: tuple[int, ...] = ()  # pages whose text came from OCR
    empty_pages: tuple[int, ...] = ()  # pages with no text at all (nor OCR)
    garbled_pages: tuple[int, ...] = ()  # pages whose text layer was mojibake (OCR'd when possible, else empty)
    raw_pages: tuple[str, ...] = ()  # each page's characters as extracted (for completeness checks)


Progress = Callable[[int, int], None]


def read_pdf(data: bytes, *, progress: Progress | None = None, max_pages: int = 2000,
             ocr: bool | None = None, raw: bool = False) -> PdfText:
    """Read a PDF's paragraphs (see the module docstring). `raw`: also keep each page's text as
    pdfplumber lays it out, independently of this reader (`PdfText.raw_pages`, for the
    completeness check). Raises IngestError with a one-line reason: not a PDF, encrypted, no
    text layer (and no OCR), too many pages."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise IngestError("PDF is encrypted (password protected): save an unprotected copy and add that") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, OSError, AssertionError) as err:
        raise IngestError("not a valid PDF file") from err
    except Exception as err:  # pdfminer raises assorted errors on malformed files
        if type(err).__name__ == "PdfminerException" and "PDFPasswordIncorrect" in repr(err):
            raise IngestError("PDF is encrypted (password protected): save an unprotected copy and add that") from None
        raise IngestError("not a valid PDF file") from err
    pages: list[_Page] = []
    raws: list[str] = []
    try:
        total = len(pdf.pages)
        if total > max_pages:
            raise IngestError(f"PDF has {total} pages, more than the limit of {max_pages}")
        for number, page in enumerate(pdf.pages, start=1):
            pages.append(_read_page(page, number))
            raws.append(page.extract_text(x_tolerance=1.5) or "" if raw else "")
            page.flush_cache()  # pdfplumber keeps every page's objects otherwise: bounded memory
            if progress is not None:
                progress(number, total)
    except IngestError:
        raise
    except Exception as err:  # a page pdfminer cannot parse
        if "PDFPasswordIncorrect" in repr(err) or "encrypt" in repr(err).lower():
            raise IngestError("PDF is encrypted (password protected): save an unprotected copy and add that") from None
        raise IngestError("not a valid PDF file (a page cannot be parsed)") from err
    finally:
        pdf.close()
    garbled = [p.number for p in pages if p.items and _garbled(p)]
    for n in garbled:  # a text layer of mojibake is no text: OCR the page like a scan
        pages[n - 1].items = []
    empty = [p.number for p in pages if not p.items]
    # A page with no text that shows an image (or had a garbled layer) holds text to OCR; one
    # with neither is blank (a separator page) and has nothing to lose.
    scanned = [n for n in empty if pages[n - 1].images or n in garbled]
    ocr_done: list[int] = []
    if scanned and not _ocr_wanted(ocr):
        raise IngestError(_unread_reason(scanned, garbled, total, tried_ocr=False))
    if scanned:
        ocr_done = _ocr_pages(data, pages, scanned, ocr, progress)
        empty = [n for n in empty if n not in ocr_done]
        for n in ocr_done:
            raws[n - 1] = "\n".join(i.text for i in pages[n - 1].items if isinstance(i, _Line)) if raw else ""
    if not any(p.items for p in pages):
        raise IngestError(_unread_reason(empty or list(range(1, total + 1)), garbled, total, tried_ocr=bool(scanned)))
    _drop_running_lines(pages)
    for p in pages:
        _page_metrics(p)
    text, marks = _assemble(pages)
    return PdfText(text=text, pages=total, page_marks=tuple(marks), ocr_pages=tuple(ocr_done),
                   empty_pages=tuple(empty), raw_pages=tuple(raws) if raw else (), garbled_pages=tuple(garbled))


def _garbled(page: _Page) -> bool:
    from corpus.pdf_checks import GARBLED_PAGE, garbled_share

    text = "".join(i.text for i in page.items if isinstance(i, _Line))
    return len(text) >= 20 and garbled_share(text) > GARBLED_PAGE


def _ocr_wanted(wanted: bool | None) -> bool:
    from corpus import ocr

    return wanted is not False and ocr.available()


def _unread_reason(pages: Sequence[int], garbled: Sequence[int], total: int, tried_ocr: bool) -> str:
    """Why a PDF with pages that hold no readable text is refused, naming the pages."""
    which = "any page" if len(pages) == total else "pages " + _ranges(pages)
    what = ("text layer is garbled (a font without a Unicode map)" if set(pages) <= set(garbled)
            else "has no text layer")
    if tried_ocr:
        return f"PDF {what} on {which} and OCR found no text there"
    return (f"PDF {what} on {which} (a scan?); install the OCR extra (pip install 'policy-qa[ocr]') "
            "or add a .docx or a PDF with text")


def _ranges(numbers: Sequence[int]) -> str:
    """"1-3, 7" for [1, 2, 3, 7]."""
    out: list[str] = []
    for n in numbers:
        if out and n == int(out[-1].rsplit("-", 1)[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


# --- one page --------------------------------------------------------------------------------


def _read_page(page: Any, number: int) -> _Page:
    out = _Page(number=number, width=float(page.width), height=float(page.height))
    tables = [t for t in page.filter(_drawn).find_tables() if _real_table(t)]
    boxes = [t.bbox for t in tables]
    chars = [c for c in page.chars if c["text"].strip() and c.get("upright", True)]
    out.chars = len(chars)
    out.images = len(page.images)

    def inside(c: dict[str, Any]) -> bool:
        cx, cy = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    free = [c for c in chars if not inside(c)] if boxes else chars
    lines = _stream_lines(free, number)
    if boxes or len(lines) > 1.05 * _sorted_line_count(free) + 1:
        lines = _plumber_lines(page, boxes, number)
    out.items.extend(lines)
    for table in tables:
        rows = table.extract()
        for k, row in enumerate(rows):
            cells = ["" if cell is None else one_line(cell) for cell in row]
            if any(cells):
                out.items.append(_Row(cells=cells, top=table.bbox[1] + k * 1e-3, page=number))
    out.items.sort(key=lambda item: item.top)
    return out


def _drawn(obj: dict[str, Any]) -> bool:
    """Is `obj` something a person sees? Characters are; a rectangle or curve only when it
    strokes or fills in a colour other than white. Some producers put every line of text on a
    white box of its own (575.pdf: 53 boxes on a page); their edges rule no table."""
    if obj.get("object_type") not in ("rect", "curve"):
        return True
    stroked = bool(obj.get("stroke")) and not _white(obj.get("stroking_color"))
    filled = bool(obj.get("fill")) and not _white(obj.get("non_stroking_color"))
    return stroked or filled


def _white(colour: Any) -> bool:
    """White in gray (1), RGB (1, 1, 1) or CMYK (0, 0, 0, 0); an unknown colour (a pattern) is not."""
    if isinstance(colour, (int, float)):
        colour = (colour,)
    if not isinstance(colour, (tuple, list)) or not colour or not all(isinstance(v, (int, float)) for v in colour):
        return False
    if len(colour) == 4:
        return all(v <= 0.01 for v in colour)
    return len(colour) in (1, 3) and all(v >= 0.99 for v in colour)


# Sentence punctuation: a cell holding it reads as running text.
_PROSE_MARKS = frozenset("。；，！？;!?")


def _real_table(table: Any) -> bool:
    """A ruled table with at least 2 rows and 2 columns holding text (a box drawn around a
    paragraph, or a one-cell frame, is no table), whose rows are not mostly lines of running
    text each alone in its row (paragraphs set line by line in boxes: a table's rows fill
    several cells, or one with a label or a note)."""
    rows = table.extract()
    if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2:
        return False
    filled = [[c for c in r if c and c.strip()] for r in rows]
    if not any(len(f) >= 2 for f in filled):
        return False
    prose = sum(1 for f in filled if len(f) == 1 and _PROSE_MARKS & set(f[0]))
    return 2 * prose <= len(rows)


def _sorted_line_count(chars: Sequence[dict[str, Any]]) -> int:
    """Lines pdfplumber's position sort would make (tops within 3 points)."""
    tops = sorted(round(c["top"]) for c in chars)
    count, last = 0, None
    for t in tops:
        if last is None or t - last > 3:
            count += 1
        last = t
    return count


def _stream_lines(chars: Sequence[dict[str, Any]], page: int) -> list[_Line]:
    """Lines from characters in content-stream order: a new line where the next character
    starts left of the previous one's start, or lies more than a line below it."""
    groups: list[list[dict[str, Any]]] = []
    for c in chars:
        if groups:
            last = groups[-1][-1]
            size = max(1.0, float(last["size"]))
            back = c["x0"] < last["x0"] - 0.5 * size
            down = abs(c["top"] - last["top"]) > 1.2 * size
            if not back and not down:
                groups[-1].append(c)
                continue
        groups.append([c])
    return [_line_of(piece, page) for g in groups for piece in _label_pieces(g)]


def _plumber_lines(page: Any, boxes: Sequence[tuple[float, float, float, float]], page_number: int) -> list[_Line]:
    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    lines: list[_Line] = []
    for line in text_page.extract_text_lines(return_chars=True):
        chars = [c for c in line["chars"] if c["text"].strip()]
        if chars:
            lines.extend(_line_of(piece, page_number) for piece in _label_pieces(chars))
    return lines


# A gap inside a line at least this many characters wide, before a label that opens a paragraph
# ("…负责）    （二）建设…"), is a paragraph break the producer set as the next paragraph's indent.
LABEL_GAP = 1.5


def _label_pieces(chars: Sequence[dict[str, Any]]) -> list[Sequence[dict[str, Any]]]:
    """`chars` (one line, left to right) cut before each heading or list label that follows a
    wide gap: the end of one paragraph and the start of the next set on one line."""
    cuts = [0]
    for i in range(1, len(chars)):
        prev, c = chars[i - 1], chars[i]
        size = max(1.0, float(prev["size"]))
        if c["x0"] - prev["x1"] >= LABEL_GAP * size and abs(c["top"] - prev["top"]) < 0.5 * size \
                and starts_new("".join(ch["text"] for ch in chars[i:i + 12])):
            cuts.append(i)
    return [chars[a:b] for a, b in zip(cuts, cuts[1:] + [len(chars)])]


def _line_of(chars: Sequence[dict[str, Any]], page: int) -> _Line:
    sizes = Counter(round(float(c["size"]), 1) for c in chars)
    size = sizes.most_common(1)[0][0]
    # The line's vertical place: its main font's characters (a second font may sit lower).
    main = [c for c in chars if round(float(c["size"]), 1) == size] or list(chars)
    fonts = Counter(c.get("fontname", "") for c in main)
    font = fonts.most_common(1)[0][0]
    core = [c for c in main if c.get("fontname", "") == font] or main
    text = ""
    prev: dict[str, Any] | None = None
    for c in chars:
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            latin = prev["text"][-1:].isascii() and c["text"][:1].isascii()
            if gap > (0.15 if latin else 0.6) * max(1.0, float(prev["size"])):
                text += " "  # a visible gap: a word space (dropped between CJK by clean_display)
        text += c["text"]
        prev = c
    text = _FILLER_RE.sub(" ", _PUA_DECIMAL_RE.sub(".", text))
    return _Line(text=text, x0=min(c["x0"] for c in chars), x1=max(c["x1"] for c in chars),
                 top=min(c["top"] for c in core), bottom=max(c["bottom"] for c in core),
                 size=float(size), page=page)


# --- OCR -----------------------------------------------------------------------------------


def _ocr_pages(data: bytes, pages: list[_Page], numbers: Sequence[int], wanted: bool | None,
               progress: Progress | None = None) -> list[int]:
    """OCR the pages `numbers` when the extra is installed (and `wanted` is not False); the
    pages that got text. At most MAX_OCR_PAGES pages (about 5 s each here): a longer scan is
    refused naming its pages rather than holding an upload for an hour."""
    from corpus import ocr

    if not _ocr_wanted(wanted):
        return []
    if len(numbers) > MAX_OCR_PAGES:
        raise IngestError(f"PDF has {len(numbers)} pages with no text layer (pages {_ranges(numbers)}); "
                          f"OCR is limited to {MAX_OCR_PAGES} pages per file: split the file or add a PDF with text")
    done = []
    for k, n in enumerate(numbers, start=1):
        page = pages[n - 1]
        for ln in ocr.ocr_page(data, n):  # in reading order already
            if ln.text.strip():
                page.items.append(_Line(text=ln.text, x0=ln.x0, x1=ln.x1, top=ln.top, bottom=ln.bottom,
                                        size=max(1.0, ln.bottom - ln.top), page=n, ocr=True))
        if page.items:
            page.ocr = True
            done.append(n)
        if progress is not None:
            progress(k, len(numbers))
    return done


# --- headers, footers, page numbers ---------------------------------------------------------


def _running_key(text: str) -> str:
    return re.sub(r"[\d０-９]+", "#", compact(matching(text)))


def _drop_running_lines(pages: list[_Page]) -> None:
    """Drop page numbers and lines that repeat in the header/footer band of several pages."""
    counts: Counter[str] = Counter()
    for p in pages:
        seen = {_running_key(i.text) for i in p.items if isinstance(i, _Line) and _in_band(p, i, HEADER_BAND)}
        counts.update(seen)
    need = max(2, int(REPEAT_SHARE * len(pages) + 0.999))
    running = {k for k, n in counts.items() if n >= need and k}
    for p in pages:
        kept = []
        for item in p.items:
            if isinstance(item, _Line) and _in_band(p, item, NUMBER_BAND) and PAGE_NUMBER_RE.match(item.text):
                continue
            if isinstance(item, _Line) and _in_band(p, item, HEADER_BAND) and _running_key(item.text) in running:
                continue
            kept.append(item)
        while kept and isinstance(kept[-1], _Line) and PAGE_NUMBER_RE.match(kept[-1].text):
            kept.pop()  # a page number above a running footer, outside the band
        while kept and isinstance(kept[0], _Line) and PAGE_NUMBER_RE.match(kept[0].text):
            kept.pop(0)
        p.items = kept
        _strip_inline_number(p)


def _strip_inline_number(page: _Page) -> None:
    """Drop a page number glued to the page's first or last line ("…综合治-2-"), when the
    number is this page's number (give or take the cover's offset)."""
    lines = [i for i in page.items if isinstance(i, _Line)]
    for line in {id(ln): ln for ln in lines[:1] + lines[-1:]}.values():
        m = _INLINE_NUMBER_RE.search(line.text)
        if m and abs(int(m.group("a") or m.group("b")) - page.number) <= 4:
            line.text = (line.text[: m.start()] + line.text[m.end():]).strip()


def _in_band(page: _Page, line: _Line, band: float) -> bool:
    return line.bottom <= band * page.height or line.top >= (1 - band) * page.height


# --- geometry of a page ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """The geometry of the text set in one type size on a page."""

    left: float
    right: float
    gap: float
    size: float


def _block(lines: Sequence[_Line], size: float) -> _Block:
    """Edges where most characters' lines start and end (a justified body line runs edge to
    edge; first lines are indented, last lines stop short), and the usual line gap."""
    body = [ln for ln in lines if len(ln.head) >= 8] or list(lines)
    lefts: Counter[int] = Counter()
    rights: Counter[int] = Counter()
    for ln in body:
        lefts[round(ln.x0 / 2)] += len(ln.head)
        rights[round(ln.x1 / 2)] += len(ln.head)
    mode_left = 2 * lefts.most_common(1)[0][0]
    left = min((ln.x0 for ln in body if abs(ln.x0 - mode_left) <= 3), default=float(mode_left))
    mode_right, weight = rights.most_common(1)[0]
    if weight >= 0.2 * sum(rights.values()):
        right = max((ln.x1 for ln in body if abs(ln.x1 - 2 * mode_right) <= 3), default=2.0 * mode_right)
    else:  # ragged right margin (rebuilt scans): most lines reach this far
        ends = sorted(ln.x1 for ln in body)
        right = ends[int(0.8 * (len(ends) - 1))]
    gaps = sorted(b.top - a.bottom for a, b in zip(lines, lines[1:]) if b.top > a.bottom)
    return _Block(left=left, right=right, gap=gaps[len(gaps) // 2] if gaps else 0.5 * size, size=size)


# A type size needs this many lines on a page to have geometry of its own (a 专栏 box in
# smaller type); fewer borrow the page's body geometry.
MIN_BLOCK_LINES = 4


def _page_metrics(page: _Page) -> None:
    lines = [i for i in page.items if isinstance(i, _Line)]
    if not lines:
        return
    sizes: Counter[int] = Counter()
    for ln in lines:  # the body's size: the size most characters are set in
        sizes[round(ln.size)] += len(ln.head)
    page.size = float(sizes.most_common(1)[0][0]) or 10.0
    main = _block([ln for ln in lines if round(ln.size) == round(page.size)], page.size)
    page.left, page.right, page.gap = main.left, main.right, main.gap
    page.blocks = {round(page.size): main}
    for size in sizes:
        group = [ln for ln in lines if round(ln.size) == size]
        if size != round(page.size) and len(group) >= MIN_BLOCK_LINES:
            page.blocks[size] = _block(group, float(size))


# --- paragraphs --------------------------------------------------------------------------------


def starts_new(text: str) -> bool:
    """A line that opens a paragraph whatever the layout: a heading or list label."""
    return bool(STARTS_NEW_RE.match(matching(text.lstrip())))


def _continues(prev: _Line, prev_page: _Page, line: _Line, page: _Page, inside: bool = False) -> bool:
    """Does `line` continue the paragraph whose last line is `prev`? `inside`: `prev` is not
    the paragraph's first line (a heading or caption is a paragraph's only line)."""
    if starts_new(line.text) or TOC_RE.search(prev.text) or TOC_RE.search(line.text):
        return False
    if _DOC_NUMBER_LINE_RE.match(compact(matching(line.text))) or _DOC_NUMBER_LINE_RE.match(compact(matching(prev.text))):
        return False  # a 文号 line stands alone (under the letterhead or the notice's title)
    if abs(line.size - prev.size) > 0.15 * max(line.size, prev.size):
        return False
    # A title: larger than the body, not a letterhead (红头: the issuers' names in huge type,
    # one per line, each a paragraph of its own).
    title = (1.15 * prev_page.size < prev.size <= TITLE_MAX_SCALE * prev_page.size
             and 1.15 * page.size < line.size <= TITLE_MAX_SCALE * page.size)
    if prev.size > TITLE_MAX_SCALE * prev_page.size:
        return False
    if title:  # a title over several lines: near each other, none ending a sentence
        return line.page == prev.page and line.top - prev.bottom < 1.5 * line.size and not ends_sentence(prev.text)
    a, b = prev_page.block(prev.size), page.block(line.size)
    size = max(b.size, 1.0)
    if line.page == prev.page and line.top - prev.bottom > b.gap + 0.8 * size:
        return False  # a blank line between them
    span = max(a.right - a.left, size)
    full = prev.x1 >= a.right - 1.5 * prev.size
    indented = line.x0 > b.left + 1.2 * size
    if ends_sentence(prev.text) and _SIGNATURE_RE.match(compact(matching(line.text))):
        return False  # after a sentence, a line that is only a body's name or a date is the 落款
    if full:
        return not indented
    if ends_sentence(prev.text) or indented:
        return False
    # Stops short mid-sentence: ragged right margins (rebuilt scans) still continue, and so does
    # a short line inside a paragraph (a layout quirk: a line of two characters).
    if inside and len(prev.head) <= 4 and line.x0 <= b.left + 0.5 * size:
        return True
    return prev.x1 - a.left >= 0.6 * span and prev.x0 <= a.left + 4 * size


@dataclass
class _Para:
    pieces: list[tuple[str, int]]  # (text, page)
    last: _Line | None = None
    row: bool = False


def _assemble(pages: Sequence[_Page]) -> tuple[str, list[tuple[int, int]]]:
    from corpus.clean import clean_display, join_display

    paras: list[_Para] = []
    by_number = {p.number: p for p in pages}
    header: list[str] | None = None  # the first row of the table being read
    for page in pages:
        for item in page.items:
            if isinstance(item, _Row):
                in_table = bool(paras) and paras[-1].row
                if in_table and item.cells == header:
                    continue  # the table's header row repeated on the next page
                if not in_table:
                    header = item.cells
                paras.append(_Para(pieces=[("\t".join(item.cells), item.page)], row=True))
                continue
            text = clean_display(item.text)
            if not text:
                continue
            cur = paras[-1] if paras else None
            if cur is not None and not cur.row and cur.last is not None \
                    and _continues(cur.last, by_number[cur.last.page], item, page, inside=len(cur.pieces) > 1):
                cur.pieces.append((text, item.page))
                cur.last = item
            else:
                paras.append(_Para(pieces=[(text, item.page)], last=item))
    out = ""
    marks: list[tuple[int, int]] = []
    current = 0
    for para in paras:
        line = ""
        for text, page_no in para.pieces:
            joined = join_display(line, text) if line and not para.row else line + text
            if page_no != current:
                marks.append((len(out) + len(joined) - len(text), page_no))
                current = page_no
            line = joined
        out += line + "\n"
    return out.rstrip("\n"), marks


def pages_of(marks: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, ...]:
    """The pages (first .. last) of the text span [start, end), from `PdfText.page_marks`."""
    if not marks:
        return ()
    import bisect

    offsets = [m[0] for m in marks]
    first = marks[max(0, bisect.bisect_right(offsets, start) - 1)][1]
    last = marks[max(0, bisect.bisect_right(offsets, max(start, end - 1)) - 1)][1]
    return tuple(range(first, last + 1)) if last >= first else (first,)
